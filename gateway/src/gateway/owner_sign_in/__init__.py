"""Owners' sign-in: an owner or occupant asks for a one-time code by their mobile (sent as an urgent
SMS through notify), then signs in with it; the person is found in the gateway's copy of owners."""
