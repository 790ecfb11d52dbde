"""notify's processes, wired the same way everywhere: its web, relay, consumer and sender run under
`make run`, docker-compose and Kubernetes (two senders there); under `make run` and compose the sender
talks to the two stand-ins, and the SMS stand-in pushes its receipts to notify's own callback with
notify's receipts token. The generic checks of test_compose.py hold notify to the rest of the suite.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from notify.demo import FAIL_SUFFIX
from notify.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "deploy" / "Procfile"
RUN_LOCAL = ROOT / "deploy" / "scripts" / "run-local.sh"
RECEIPTS = "/api/v1/receipts/aliyun/"
NOTIFY_PROCESSES = ("notify-web", "notify-relay", "notify-consumer", "notify-sender", "sms-standin", "smtp-standin")


def _procfile() -> dict[str, str]:
    found = {}
    for line in PROCFILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            found[name.strip()] = command.strip()
    return found


def _expanded(command: str, env: dict[str, str]) -> list[str]:
    """A Procfile line as the shell runs it: ``${VAR:-default}`` from ``env``, else the default."""
    text = re.sub(r"\$\{([A-Z0-9_]+):-([^}]*)\}", lambda m: env.get(m.group(1)) or m.group(2), command)
    return shlex.split(text)


def _option(argv: list[str], name: str) -> str:
    assert name in argv, f"{argv[:2]} is not given {name}"
    return argv[argv.index(name) + 1]


def _run_local_exports() -> dict[str, str]:
    """The ``export NAME="${NAME:-value}"`` defaults run-local.sh sets, values as written."""
    found = {}
    for match in re.finditer(r'^export ([A-Z0-9_]+)="\$\{\1:-([^"]*)\}"$', RUN_LOCAL.read_text(encoding="utf-8"), re.M):
        found[match.group(1)] = match.group(2)
    return found


def test_make_run_starts_every_notify_process_and_the_stand_ins() -> None:
    processes = _procfile()
    missing = [name for name in NOTIFY_PROCESSES if name not in processes]
    assert not missing, f"deploy/Procfile lacks {missing}"
    assert _expanded(processes["notify-sender"], {})[:2] == ["notify", "send"]


def test_under_make_run_the_sender_reaches_the_stand_ins_and_receipts_come_back_to_notify() -> None:
    processes, defaults = _procfile(), _run_local_exports()
    for port in ("OWNERS_PORT", "TICKETS_PORT", "NOTIFY_PORT", "SMS_STANDIN_PORT", "SMTP_STANDIN_PORT"):
        assert port in defaults, f"run-local.sh sets no default {port}"
    env = {name: re.sub(r"\$([A-Z0-9_]+)|\$\{([A-Z0-9_]+)\}",
                        lambda m: defaults.get(m.group(1) or m.group(2), ""), value)
           for name, value in defaults.items()}
    sms = _expanded(processes["sms-standin"], env)
    smtp = _expanded(processes["smtp-standin"], env)
    # notify's sender is pointed at the stand-ins' ports ...
    assert env["NOTIFY_SMS_ENDPOINT"] == f"http://127.0.0.1:{_option(sms, '--port')}"
    assert env["NOTIFY_SMTP_PORT"] == _option(smtp, "--port")
    # ... and the SMS stand-in pushes its receipts to notify-web's callback, with notify's token.
    callback = _option(sms, "--callback")
    assert callback == f"http://127.0.0.1:{env['NOTIFY_PORT']}{RECEIPTS}{env['NOTIFY_RECEIPTS_TOKEN']}"
    # The default token is notify's own default, so `notify-web` and the stand-in agree unset too.
    assert _option(_expanded(processes["sms-standin"], {}), "--callback").endswith(
        RECEIPTS + Settings.receipts_token)
    # The SMS stand-in fails the numbers the demo says it fails (its not-reached list, its resend).
    assert _option(_expanded(processes["sms-standin"], {}), "--fail-suffix") == FAIL_SUFFIX


@pytest.fixture(scope="module")
def compose_file() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_wires_the_sender_to_the_stand_ins(compose_file: dict) -> None:
    services = compose_file["services"]
    env = services["notify-sender"]["environment"]
    sms = [str(part) for part in services["sms-standin"]["command"]]
    smtp = [str(part) for part in services["smtp-standin"]["command"]]
    assert env["NOTIFY_SMS_ENDPOINT"] == f"http://sms-standin:{_option(sms, '--port')}"
    assert (env["NOTIFY_SMTP_HOST"], str(env["NOTIFY_SMTP_PORT"])) == ("smtp-standin", _option(smtp, "--port"))
    assert _option(sms, "--callback") == (
        f"http://notify-web:{env['NOTIFY_PORT']}{RECEIPTS}{services['notify-web']['environment']['NOTIFY_RECEIPTS_TOKEN']}")
    assert _option(sms, "--fail-suffix") == FAIL_SUFFIX
    for standin in ("sms-standin", "smtp-standin"):
        assert _option([str(p) for p in services[standin]["command"]], "--host") == "0.0.0.0", standin
    # owners publishes nothing before notify's queue is bound; with the demo, notify gets owners' state.
    assert "notify-topology" in services["owners-relay"]["depends_on"]
    assert services["owners-replay-to-notify"]["command"] == ["owners", "replay", "--consumer", "notify", "--state"]
    assert services["notify-demo"]["command"] == ["notify", "load-demo"]


def test_kubernetes_runs_two_senders_and_no_stand_in() -> None:
    documents = [doc for path in sorted((ROOT / "deploy" / "k8s").rglob("*.yaml"))
                 for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    deployments = {doc["metadata"]["name"]: doc for doc in documents if doc.get("kind") == "Deployment"}
    assert deployments["notify-sender"]["spec"]["replicas"] == 2
    assert not [name for name in deployments if name.endswith("-standin")]
    config = next(doc for doc in documents
                  if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "notify-config")
    assert "127.0.0.1" not in config["data"]["NOTIFY_SMS_ENDPOINT"], "Kubernetes talks to the real SMS provider"


def _notify_lines(compose_file: dict) -> list[tuple[str, list[str]]]:
    """Every notify command line of the Procfile (expanded with its defaults) and of compose."""
    lines = [(f"Procfile {name}", _expanded(command, {})) for name, command in _procfile().items()]
    lines += [(f"compose {name}", [str(part) for part in spec["command"]])
              for name, spec in compose_file["services"].items() if isinstance(spec.get("command"), list)]
    return [(where, argv) for where, argv in lines if argv[:1] == ["notify"]]


def test_every_notify_command_line_takes_only_options_its_command_has(compose_file: dict) -> None:
    import argparse

    from notify.service import SERVICE
    from servicekit.cli import commands_of

    commands = {command.name: command for command in commands_of(SERVICE)}
    for where, argv in _notify_lines(compose_file):
        command = commands.get(argv[1])
        assert command is not None, f"{where}: notify has no command {argv[1]!r}"
        parser = argparse.ArgumentParser(prog=f"notify {argv[1]}", exit_on_error=False)
        if command.arguments:
            command.arguments(parser)
        try:
            parser.parse_args(argv[2:])
        except (argparse.ArgumentError, SystemExit) as error:
            raise AssertionError(f"{where}: `{' '.join(argv)}` is refused: {error}") from None
