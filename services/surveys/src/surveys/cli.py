"""``surveys``: migrate, revision, topology, relay, consume, dead-letters, replay, openapi, load-demo."""

from servicekit.cli import run_cli
from surveys.service import SERVICE


def main(argv=None):
    return run_cli(SERVICE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
