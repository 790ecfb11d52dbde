"""``servicekit-token issue`` before any key exists says what to do instead of a traceback (issue 15)."""

from __future__ import annotations

import pytest

from servicekit.tokens import main


def test_issuing_without_the_key_file_says_how_to_make_one(tmp_path, capsys):
    code = main(["issue", "--role", "service_desk_agent", "--estate", "*", "--key", str(tmp_path / "none.pem")])
    said = capsys.readouterr()
    assert code == 2 and said.out == ""
    assert "cannot read the private key" in said.err and "servicekit-token keygen" in said.err
    assert "Traceback" not in said.err


def test_a_key_file_that_is_no_key_is_said_so(tmp_path, capsys):
    garbage = tmp_path / "jwt-private.pem"
    garbage.write_text("not a key")
    assert main(["issue", "--role", "service_desk_agent", "--estate", "*", "--key", str(garbage)]) == 2
    assert "is not an Ed25519 private key" in capsys.readouterr().err


def test_with_the_keys_made_a_token_is_printed(tmp_path, capsys):
    assert main(["keygen", "--dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["issue", "--role", "service_desk_agent", "--estate", "*", "--perm", "pii:reveal",
                 "--key", str(tmp_path / "jwt-private.pem")]) == 0
    assert capsys.readouterr().out.count(".") == 2  # header.claims.signature


def test_an_estate_is_still_required(tmp_path):
    with pytest.raises(SystemExit):
        main(["issue", "--role", "service_desk_agent", "--key", str(tmp_path / "none.pem")])
