"""The sender: takes due messages, calls the providers within their rate, marks what became of each."""
