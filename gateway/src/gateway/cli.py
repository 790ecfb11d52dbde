"""``gateway``: the service's processes and chores, one sub-command each (``gateway --help``).

The standard ones (migrate, revision, topology, relay, openapi) come from servicekit.cli; the
gateway's own (keys) from ``gateway.commands``.
"""

from __future__ import annotations

from gateway.service import SERVICE
from servicekit.cli import run_cli


def main(argv: list[str] | None = None) -> int:
    return run_cli(SERVICE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
