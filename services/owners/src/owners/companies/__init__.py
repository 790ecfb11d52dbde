"""Companies (公司, OWN-11): an office tenant that occupies units, with its staff as ordered contacts."""
