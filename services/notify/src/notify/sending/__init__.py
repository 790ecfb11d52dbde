"""The sender: claims due messages, draws from the shared rate budget, records each provider call
before making it, makes it, marks the result, and settles calls whose outcome is unknown."""
