"""Group notices: created, previewed and estimated; started when due; cancelled, paused, resumed."""
