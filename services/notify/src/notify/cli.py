"""``notify``: the standard commands (migrate, topology, relay, consume, replay, ...) and its own."""

from notify.service import SERVICE
from servicekit.cli import run_cli


def main(argv: list[str] | None = None) -> int:
    return run_cli(SERVICE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
