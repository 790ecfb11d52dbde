"""events.py lists every type notify records, and its source is the one the service declares (the
sender's steps write the outbox without a unit of work, so they take the source from there)."""

from notify import events
from notify.service import SERVICE


def test_the_source_is_the_service_s():
    assert events.SOURCE == SERVICE.source


def test_every_event_type_constant_is_in_the_list_once():
    constants = {value for name, value in vars(events).items()
                 if name.isupper() and isinstance(value, str) and value.startswith("notify.")}
    assert constants == set(events.EVENT_TYPES) and len(events.EVENT_TYPES) == len(constants)
