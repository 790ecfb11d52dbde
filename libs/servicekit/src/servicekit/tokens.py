"""``servicekit-token``: make a development key pair and issue tokens with a role and estates.

Used by ``make run`` and the tests until the gateway issues tokens.

    servicekit-token keygen
    servicekit-token issue --role service_desk_agent --estate <estate-id> --sub desk-1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt import PyJWTError

from servicekit.auth import ALL_ESTATES, issue_token
from servicekit.config import env_str, var_dir


def generate_keypair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


def main(argv: list[str] | None = None) -> int:
    keys = var_dir() / "keys"
    parser = argparse.ArgumentParser(prog="servicekit-token", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("keygen", help="write a key pair unless one exists")
    gen.add_argument("--dir", type=Path, default=keys)
    iss = sub.add_parser("issue", help="print a signed token")
    # The services refuse a role outside the suite's closed list (tenancy.roles); this tool signs what it is told.
    iss.add_argument("--role", required=True, help="e.g. service_desk_agent or operator_admin")
    iss.add_argument("--estate", action="append", default=[], help=f"estate id, repeatable; {ALL_ESTATES} for all")
    iss.add_argument("--sub", default="dev")
    iss.add_argument("--perm", action="append", default=[])
    iss.add_argument("--ttl", type=int, default=8 * 3600)
    iss.add_argument("--key", type=Path, default=Path(env_str("JWT_PRIVATE_KEY_FILE", str(keys / "jwt-private.pem"))))
    args = parser.parse_args(argv)

    if args.command == "keygen":
        private_path, public_path = args.dir / "jwt-private.pem", args.dir / "jwt-public.pem"
        if private_path.exists() and public_path.exists():
            print(f"keys exist in {args.dir}")
            return 0
        args.dir.mkdir(parents=True, exist_ok=True)
        private, public = generate_keypair()
        private_path.write_text(private)
        private_path.chmod(0o600)
        public_path.write_text(public)
        print(f"wrote {private_path} and {public_path}")
        return 0

    if not args.estate:
        parser.error("give at least one --estate (or --estate '*')")
    try:
        private_key = args.key.read_text()
    except OSError as exc:  # a newcomer's first call, before make run made the keys: say what to do
        sys.stderr.write(f"servicekit-token: cannot read the private key {args.key}: {exc.strerror or exc}.\n"
                         "Make a key pair with `servicekit-token keygen` (make run does it), or point "
                         "--key or JWT_PRIVATE_KEY_FILE at the key the services trust.\n")
        return 2
    try:
        token = issue_token(
            private_key, subject=args.sub, role=args.role, estates=args.estate,
            issuer=env_str("JWT_ISSUER", "estatedesk-gateway"), audience=env_str("JWT_AUDIENCE", "estatedesk"),
            ttl_seconds=args.ttl, permissions=args.perm,
        )
    except (PyJWTError, ValueError, TypeError) as exc:
        sys.stderr.write(f"servicekit-token: {args.key} is not an Ed25519 private key in PEM ({exc}).\n")
        return 2
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
