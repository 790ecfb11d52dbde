"""Delivery tracking (NTF-2): what happened to every recipient of a notice, over every channel.

``views`` reads (totals, the recipient list, one recipient's history, "did person X get notice
Y"), ``completion`` closes a notice whose messages are all final, ``resend`` sends to the not
reached over another channel, ``exports`` writes the recipient list as CSV and XLSX, ``inbox`` is
the in-app inbox with its read receipts, ``endpoints`` the webhook endpoints.
"""
