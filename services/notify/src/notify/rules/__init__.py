"""Event-driven messages: rules that turn other services' events into messages."""
