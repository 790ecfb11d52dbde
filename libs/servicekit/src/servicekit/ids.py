"""New random ids (UUID version 4), at a fraction of the cost of :func:`uuid.uuid4`.

``uuid.uuid4()`` asks the kernel for 16 random bytes each time and builds its UUID from them
through every check of ``UUID.__init__``; an import of 100,000 households draws over a million
ids, and every event's id is one more. These take the same random bytes from :func:`os.urandom`,
4 KiB at a time, set the version and variant bits as RFC 4122 says, and build the UUID from its
integer (or only its text, for an event id).

The drawn numbers wait in a list that every thread pops from (one number to one caller: ``pop``
is atomic), and a forked child empties it before anything else runs, so a gunicorn worker never
hands out a number its parent or a sibling holds too.
"""

from __future__ import annotations

import os
from uuid import UUID

# Version 4 (bits 76-79 = 0100) and the RFC 4122 variant (bits 62-63 = 10).
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_SET = (0x4000 << 64) | (0x8000 << 48)
_BATCH = 4096

_drawn: list[int] = []
os.register_at_fork(after_in_child=_drawn.clear)


def _random_v4() -> int:
    try:
        return _drawn.pop()
    except IndexError:
        raw = os.urandom(_BATCH)
        _drawn.extend([int.from_bytes(raw[i:i + 16]) & _CLEAR | _SET for i in range(0, _BATCH, 16)])
        return _drawn.pop()


def new_uuid() -> UUID:
    """A random UUID, as :func:`uuid.uuid4` gives."""
    return UUID(int=_random_v4())


def new_uuid_text() -> str:
    """A random UUID's text (``str(uuid.uuid4())``), without building the UUID."""
    h = f"{_random_v4():032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
