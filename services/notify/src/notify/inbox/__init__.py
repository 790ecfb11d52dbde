"""A person's in-app inbox (站内信): their messages, newest first, and the read receipts."""
