"""Tickets: inquiries, repairs and complaints, from quick entry through the procedure's steps to the archive."""
