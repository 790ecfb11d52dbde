"""notify: group notices and event-driven messages over SMS, e-mail, in-app and webhooks, tracked per recipient."""
