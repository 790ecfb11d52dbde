"""SMS-specific parts of notify: the receipts providers push."""
