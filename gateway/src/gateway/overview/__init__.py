"""The overview (GW-2): one picture of a person from every service, in one request."""
