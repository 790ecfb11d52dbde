"""Group notices (群发通知): created, previewed and estimated; started when due; cancelled, paused, resumed."""
