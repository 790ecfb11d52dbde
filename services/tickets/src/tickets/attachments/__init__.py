"""Attachments: the photos and files of a ticket, their rows in the database and their bytes in a store."""
