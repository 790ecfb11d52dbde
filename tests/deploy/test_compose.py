"""The three descriptions of the suite agree: deploy/Procfile (`make run`), docker-compose.yml and
the Kubernetes manifests in deploy/k8s/; and each runs the one-shot steps (migrations, the RabbitMQ
topology) once, before the processes that need them. Every service under services/ is in all three,
with its image, its own database and its port, and every process runs a command its service has.

No Docker engine or cluster is needed: docker-compose.yml is validated by `docker-compose config`
(Debian's docker-compose package, which `make test` installs), the manifests by parsing them.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "deploy" / "Procfile"
RUN_LOCAL = ROOT / "deploy" / "scripts" / "run-local.sh"
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_DIR = ROOT / "deploy" / "k8s"
# Every service under services/, and the gateway at the top level: each by the folder of its package.
FOLDERS = {p.parent.name: p.parent for p in [*(ROOT / "services").glob("*/pyproject.toml"),
                                             *ROOT.glob("gateway/pyproject.toml")]}
SERVICES = sorted(FOLDERS)

PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet"}
SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash"}
# Processes that talk to RabbitMQ, by their name's last part: the topology step runs before them.
BROKER_PROCESSES = ("relay", "consumer")
# Processes of which any number of replicas may run safely, and run at least two on Kubernetes:
# relays (one active, the others standing by), timers (each deadline fires once) and senders (each
# message is claimed by one).
REPLICATED_PROCESSES = ("relay", "timer", "sender")
# Local stand-ins of the outside world (an SMS provider, an SMTP server), named `<what>-standin` and
# run by a command of the service that talks to them: under `make run` and docker-compose only, never
# on Kubernetes (which talks to the real providers), and needing neither migrations nor the broker.
STANDIN = "-standin"


# --- helpers -------------------------------------------------------------------------------------


def parse_procfile(text: str) -> dict[str, str]:
    processes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = PROCFILE_LINE.match(stripped)
        assert match, f"deploy/Procfile line {number} is not 'name: command': {line!r}"
        name, command = match.groups()
        assert name not in processes, f"deploy/Procfile names process {name!r} twice"
        processes[name] = command
    return processes


def argv_of(command: str | list[str] | None) -> list[str]:
    """A command as an argument list, unwrapping `sh -c '...'`, `exec` and leading VAR=value."""
    if command is None:
        return []
    argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if len(argv) >= 3 and argv[0] in SHELLS and argv[1] == "-c":
        argv = shlex.split(argv[2])
    while argv and (argv[0] == "exec" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0])):
        argv = argv[1:]
    return argv


def command_intent(command: str | list[str] | None) -> tuple[str, tuple[str, ...]]:
    """What a command runs, not how: the program and its positional arguments, without options and
    their values (`--bind 0.0.0.0:8001`), so `owners relay` and `gunicorn ... 'owners.app:create_app()'`
    compare equal whatever the port, worker count or quoting."""
    argv = argv_of(command)
    if not argv:
        return ("", ())
    positionals: list[str] = []
    previous = ""
    for token in argv[1:]:
        takes_value = previous.startswith("-") and "=" not in previous
        if not token.startswith("-") and not takes_value:
            positionals.append(token)
        previous = token
    return (os.path.basename(argv[0]), tuple(positionals))


def is_standin(process: str) -> bool:
    return process.endswith(STANDIN)


def service_of(process: str) -> str:
    """`owners-web` -> `owners`: processes are named <service>-<process>; a stand-in belongs to the
    service whose command runs it (`sms-standin: notify sms-standin` -> `notify`)."""
    if is_standin(process):
        return command_intent(parse_procfile(PROCFILE.read_text(encoding="utf-8"))[process])[0]
    return process.split("-", 1)[0]


def uses_the_broker(process: str) -> bool:
    return process.rsplit("-", 1)[-1] in BROKER_PROCESSES


def service_definition(service: str):  # noqa: ANN201  (a servicekit.service.Service)
    """A service's one definition, ``<service>.service:SERVICE``."""
    return importlib.import_module(f"{service}.service").SERVICE


def procfile_env(command: str) -> dict[str, str]:
    """The ``VAR=value`` assignments a Procfile line starts with."""
    env = {}
    for token in shlex.split(command):
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", token)
        if not match:
            break
        env[match.group(1)] = match.group(2)
    return env


def k8s_documents() -> list[tuple[Path, dict[str, Any]]]:
    documents = []
    for path in sorted(K8S_DIR.rglob("*.y*ml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document is not None:
                documents.append((path, document))
    return documents


def pod_spec(document: dict[str, Any]) -> dict[str, Any]:
    spec = document.get("spec") or {}
    if document.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def containers(document: dict[str, Any], *, init: bool = False) -> list[dict[str, Any]]:
    spec = pod_spec(document)
    found = list(spec.get("containers") or [])
    if init:
        found += list(spec.get("initContainers") or [])
    return found


def container_argv(container: dict[str, Any]) -> list[str]:
    return [str(part) for part in (container.get("command") or []) + (container.get("args") or [])]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def processes() -> dict[str, str]:
    assert PROCFILE.is_file(), "deploy/Procfile is missing"
    found = parse_procfile(PROCFILE.read_text(encoding="utf-8"))
    assert found, "deploy/Procfile declares no process"
    return found


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    executable = shutil.which("docker-compose")
    if executable is None:
        pytest.skip("docker-compose is not installed: `make test` installs it (apt-get install docker-compose)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}
    result = subprocess.run(
        [executable, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, f"`docker-compose config` rejects docker-compose.yml:\n{result.stderr}"
    config = yaml.safe_load(result.stdout)
    assert isinstance(config, dict) and config.get("services"), "docker-compose.yml defines no service"
    return config


@pytest.fixture(scope="module")
def manifests() -> list[tuple[Path, dict[str, Any]]]:
    return k8s_documents()


@pytest.fixture(scope="module")
def workloads(manifests: list[tuple[Path, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in manifests if doc.get("kind") in WORKLOAD_KINDS}


# --- the helpers themselves ----------------------------------------------------------------------


def test_command_intent_ignores_options_and_wrappers_but_not_the_target() -> None:
    procfile_web = "gunicorn --bind 0.0.0.0:${OWNERS_PORT:-8001} --workers 2 'owners.app:create_app()'"
    compose_web = ["sh", "-c", "exec gunicorn --workers=4 --bind 0.0.0.0:8001 owners.app:create_app()"]
    assert command_intent(procfile_web) == command_intent(compose_web) == ("gunicorn", ("owners.app:create_app()",))
    assert command_intent("owners relay") == ("owners", ("relay",))
    assert command_intent("owners relay") != command_intent(["owners", "migrate"])
    assert command_intent(procfile_web) != command_intent("gunicorn --bind :8001 'tickets.app:create_app()'")
    with pytest.raises(AssertionError):
        parse_procfile("owners-web gunicorn app")
    with pytest.raises(AssertionError):
        parse_procfile("a: x\na: y")


# --- docker-compose.yml --------------------------------------------------------------------------


def test_every_service_runs_a_web_process_and_a_relay(processes: dict[str, str]) -> None:
    """Each service under services/ is in deploy/Procfile (and so, by the tests below, everywhere);
    a service that consumes events runs a consumer too."""
    problems = []
    for service in SERVICES:
        wanted = ["web", "relay"] + (["consumer"] if service_definition(service).consumes else [])
        problems += [f"{service}-{kind}" for kind in wanted if f"{service}-{kind}" not in processes]
    assert not problems, f"deploy/Procfile lacks the processes {problems}"
    assert {service_of(name) for name in processes} <= set(SERVICES), "a Procfile process of no service"


@pytest.mark.parametrize("name", sorted(parse_procfile(PROCFILE.read_text(encoding="utf-8"))))
def test_every_procfile_process_runs_a_command_its_service_has(name: str, processes: dict[str, str]) -> None:
    from servicekit.cli import commands_of

    program, arguments = command_intent(processes[name])
    service = service_of(name)
    if program == "gunicorn":
        assert arguments == (f"{service}.app:create_app()",), f"{name} serves {arguments}"
        assert f"python:{service}.gunicorn_conf" in processes[name], f"{name} does not use its gunicorn_conf"
        from gunicorn.config import Config

        config = Config()
        for key, value in vars(importlib.import_module(f"{service}.gunicorn_conf")).items():
            if key in config.settings:
                config.set(key, value)
        # One control socket per user: two web servers under `make run` would fight over it.
        assert config.control_socket_disable, f"{service}.gunicorn_conf leaves gunicorn's control socket on"
        assert config.on_starting.__module__ == "servicekit.gunicorn_hooks", f"{service} misses on_starting"
        return
    assert program == service and len(arguments) == 1, f"{name} runs {program} {arguments}, not `{service} <command>`"
    commands = {c.name for c in commands_of(service_definition(service))}
    assert arguments[0] in commands, f"{name} runs `{service} {arguments[0]}`; {service} has {sorted(commands)}"


def test_each_web_process_keeps_its_metrics_in_a_folder_of_its_own(processes: dict[str, str]) -> None:
    """gunicorn empties PROMETHEUS_MULTIPROC_DIR when it starts: two web servers sharing one folder
    under `make run` would delete each other's counters and count each other's requests."""
    folders = {name: procfile_env(command).get("PROMETHEUS_MULTIPROC_DIR")
               for name, command in processes.items() if name.endswith("-web")}
    assert all(folders.values()), f"a web process without PROMETHEUS_MULTIPROC_DIR: {folders}"
    assert len(set(folders.values())) == len(folders), f"web processes share a metrics folder: {folders}"


def test_compose_file_is_valid(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        assert service.get("image") or service.get("build"), f"compose service {name} has neither image nor build"


def test_every_procfile_process_has_a_compose_service_running_the_same_command(
    processes: dict[str, str],
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    problems = []
    for name, command in processes.items():
        if name not in services:
            problems.append(f"{name}: no compose service of that name")
            continue
        wanted, got = command_intent(command), command_intent(services[name].get("command"))
        if wanted != got:
            problems.append(f"{name}: Procfile runs {wanted}, compose runs {got}")
    assert not problems, "docker-compose.yml does not match deploy/Procfile:\n" + "\n".join(problems)


def test_every_built_image_has_its_dockerfile(compose: dict[str, Any]) -> None:
    built = {name: s["build"] for name, s in compose["services"].items() if s.get("build")}
    assert built, "docker-compose.yml builds no image of the project"
    for name, build in built.items():
        context = Path(build["context"]) if isinstance(build, dict) else Path(build)
        dockerfile = context / (build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
        assert dockerfile.is_file(), f"compose service {name} builds from {dockerfile}, which does not exist"


@pytest.mark.parametrize("step", ["migrate", "topology"])
def test_compose_runs_each_one_shot_step_once_before_the_processes_that_need_it(
    step: str,
    processes: dict[str, str],
    compose: dict[str, Any],
) -> None:
    """Every process waits for the migrations; those that use the broker wait for the topology too."""
    services = compose["services"]
    for name, command in processes.items():
        service = service_of(name)
        assert step not in command_intent(command)[1], f"Procfile process {name} must not run `{step}`"
        if is_standin(name):
            continue  # a stand-in of the outside world uses neither the service's database nor the broker
        one_shot = f"{service}-{step}"
        assert one_shot in services, f"no one-shot compose service {one_shot} runs `{service} {step}`"
        assert command_intent(services[one_shot].get("command")) == (service, (step,)), (
            f"compose service {one_shot} does not run `{service} {step}`"
        )
        assert str(services[one_shot].get("restart", "no")) == "no", f'{one_shot} must run once (restart: "no")'
        if step == "migrate" or uses_the_broker(name):
            condition = (services[name].get("depends_on") or {}).get(one_shot, {}).get("condition")
            assert condition == "service_completed_successfully", (
                f"compose service {name} must wait for {one_shot} to complete (depends_on condition)"
            )


def test_make_run_migrates_and_declares_the_topology_before_starting_the_processes(processes: dict[str, str]) -> None:
    lines = []
    for line in RUN_LOCAL.read_text(encoding="utf-8").splitlines():
        try:
            lines.append([] if line.lstrip().startswith("#") else argv_of(line.split(" #", 1)[0]))
        except ValueError:  # a line of a here-document or a quoted string running on: no command
            lines.append([])
    intents = [command_intent(argv) for argv in lines]
    start = next((i for i, intent in enumerate(intents) if intent[0] == "honcho"), None)
    assert start is not None, "run-local.sh does not start the Procfile with honcho"
    for service in sorted({service_of(name) for name in processes}):
        for step in ((service, ("migrate",)), (service, ("topology",))):
            assert step in intents[:start], f"run-local.sh must run `{' '.join((step[0], *step[1]))}` before honcho"


def test_make_run_declares_every_topology_before_loading_the_demo() -> None:
    """The demo estate's events reach every consumer live: each service's queue is bound before any
    service loads its demo data, and a consumer whose copy was lost meanwhile is sent owners' state."""
    lines = [line.strip() for line in RUN_LOCAL.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    first_demo = next(i for i, line in enumerate(lines) if re.search(r"\bowners load-demo\b", line))
    for service in SERVICES:
        topology = next((i for i, line in enumerate(lines) if re.match(rf"^{service} topology\b", line)), None)
        assert topology is not None and topology < first_demo, f"run-local.sh: `{service} topology` after the demo"
    for service in SERVICES:
        if any(type_.startswith("owners.") for type_ in service_definition(service).consumes):  # a copy of owners
            assert any(f"replay --consumer {service} --state" in line for line in lines), (
                f"run-local.sh never replays owners' state to {service}, whose copy may be empty"
            )


def test_compose_gives_every_service_its_image_its_database_and_its_port(compose: dict[str, Any]) -> None:
    services = compose["services"]
    databases = str((services["postgres"].get("environment") or {}).get("ESTATEDESK_DATABASES", "")).split()
    used: dict[str, str] = {}
    for service in SERVICES:
        port = service_definition(service).port
        dockerfile = FOLDERS[service] / "Dockerfile"
        folder = dockerfile.parent.relative_to(ROOT)
        assert dockerfile.is_file(), f"{folder}/Dockerfile is missing"
        assert f"EXPOSE {port}" in dockerfile.read_text(encoding="utf-8")
        for name, spec in services.items():
            if not name.startswith(f"{service}-"):
                continue
            build = spec.get("build") or {}
            assert str(build.get("dockerfile", "")).endswith(f"{folder}/Dockerfile"), (
                f"compose service {name} is not built from {folder}/Dockerfile"
            )
            url = str((spec.get("environment") or {}).get("DATABASE_URL", ""))
            database = url.rsplit("/", 1)[-1]
            assert database == service, f"compose service {name} uses database {database!r}, not {service!r}"
            used[name] = database
        assert service in databases, f"the postgres service does not create the {service} database"
        web = services[f"{service}-web"]
        assert str(web["environment"].get(f"{service.upper()}_PORT")) == str(port), f"{service}-web's port"
        published = [(str(p["published"]), str(p["target"])) for p in web.get("ports") or []]
        assert (str(port), str(port)) in published, f"compose does not publish {service}-web's port {port}"


def test_compose_web_processes_have_a_health_check(processes: dict[str, str], compose: dict[str, Any]) -> None:
    for name in processes:
        if name.endswith("-web"):
            test = (compose["services"][name].get("healthcheck") or {}).get("test") or []
            joined = " ".join(test) if isinstance(test, list) else str(test)
            assert "/readyz" in joined or "/healthz" in joined, (
                f"compose service {name} has no HTTP health check on /readyz or /healthz"
            )


# --- Kubernetes ----------------------------------------------------------------------------------


def test_every_k8s_manifest_parses_and_names_its_kind() -> None:
    files = sorted(K8S_DIR.rglob("*.y*ml"))
    assert files, "deploy/k8s holds no manifest"
    problems = []
    for path in files:
        try:
            documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except yaml.YAMLError as exc:
            problems.append(f"{path.relative_to(ROOT)}: {exc}")
            continue
        if not documents:
            problems.append(f"{path.relative_to(ROOT)}: empty")
        for document in documents:
            if not isinstance(document, dict) or not document.get("apiVersion") or not document.get("kind"):
                problems.append(f"{path.relative_to(ROOT)}: a document without apiVersion and kind")
            elif document["kind"] != "Kustomization" and not (document.get("metadata") or {}).get("name"):
                problems.append(f"{path.relative_to(ROOT)}: a {document['kind']} without metadata.name")
    assert not problems, "\n".join(problems)


def test_kustomizations_reference_every_manifest_and_only_existing_ones() -> None:
    kustomizations = sorted(K8S_DIR.rglob("kustomization.yaml"))
    assert kustomizations, "deploy/k8s has no kustomization.yaml"
    referenced: set[Path] = set()
    for kustomization in kustomizations:
        for resource in yaml.safe_load(kustomization.read_text(encoding="utf-8")).get("resources") or []:
            target = (kustomization.parent / resource).resolve()
            assert target.exists(), f"{kustomization.relative_to(ROOT)} lists {resource}, which does not exist"
            if target.is_dir():
                assert (target / "kustomization.yaml").is_file(), f"{target} has no kustomization.yaml"
            referenced.add(target)
    orphans = [
        str(path.relative_to(ROOT))
        for path in sorted(K8S_DIR.rglob("*.y*ml"))
        if path.name != "kustomization.yaml" and path.resolve() not in referenced
    ]
    assert not orphans, f"manifests no kustomization.yaml lists: {orphans}"


def test_every_procfile_process_has_a_k8s_workload_running_the_same_command(
    processes: dict[str, str],
    workloads: dict[str, dict[str, Any]],
) -> None:
    problems = []
    for name, command in processes.items():
        if is_standin(name):
            assert name not in workloads, f"{name} is a local stand-in: Kubernetes talks to the real provider"
            continue
        if name not in workloads:
            problems.append(f"{name}: no Deployment/StatefulSet/DaemonSet of that name in deploy/k8s")
            continue
        intents = [command_intent(container_argv(c)) for c in containers(workloads[name])]
        if command_intent(command) not in intents:
            problems.append(f"{name}: Procfile runs {command_intent(command)}, k8s containers run {intents}")
    assert not problems, "deploy/k8s does not match deploy/Procfile:\n" + "\n".join(problems)


@pytest.mark.parametrize("step", ["migrate", "topology"])
def test_k8s_one_shot_steps_run_in_a_job_never_in_a_replica(
    step: str,
    processes: dict[str, str],
    manifests: list[tuple[Path, dict[str, Any]]],
) -> None:
    """Migrations and the RabbitMQ topology run once per deployment, never from every replica."""
    for service in sorted({service_of(name) for name in processes}):
        jobs = [
            doc
            for _, doc in manifests
            if doc.get("kind") == "Job"
            and any(command_intent(container_argv(c)) == (service, (step,)) for c in containers(doc))
        ]
        assert len(jobs) == 1, f"deploy/k8s needs exactly one Job running `{service} {step}`, found {len(jobs)}"
    for path, doc in manifests:
        if doc.get("kind") in WORKLOAD_KINDS:
            for container in containers(doc, init=True):
                assert step not in command_intent(container_argv(container))[1], (
                    f"{doc['metadata']['name']} ({path.name}) runs `{step}` in every replica; only the Job may"
                )


def test_k8s_has_every_service_with_its_config_its_database_and_its_image(
    manifests: list[tuple[Path, dict[str, Any]]],
    workloads: dict[str, dict[str, Any]],
) -> None:
    top = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    images = {image["name"] for image in top.get("images") or []}
    infra = [doc for path, doc in manifests if path.parent.name == "infra" and doc.get("kind") == "Cluster"]
    for service in SERVICES:
        port = service_definition(service).port
        assert service in (top.get("resources") or []), f"deploy/k8s/kustomization.yaml does not include {service}"
        assert f"estatedesk/{service}" in images, f"deploy/k8s/kustomization.yaml sets no tag for estatedesk/{service}"
        config = next((doc for _, doc in manifests if doc.get("kind") == "ConfigMap"
                       and doc["metadata"]["name"] == f"{service}-config"), None)
        assert config is not None, f"no ConfigMap {service}-config"
        assert str(config["data"].get(f"{service.upper()}_PORT")) == str(port), f"{service}-config's port"
        for name, workload in workloads.items():
            if service_of(name) != service:
                continue
            for container in containers(workload):
                assert container["image"] == f"estatedesk/{service}", f"{name} runs image {container['image']}"
                refs = {ref.get("configMapRef", {}).get("name") or ref.get("secretRef", {}).get("name")
                        for ref in container.get("envFrom") or []}
                assert {f"{service}-config", f"{service}-connections"} <= refs, f"{name} reads {refs}"
                if name.endswith("-web"):
                    assert {"name": "http", "containerPort": port} in container.get("ports", []), f"{name}'s port"
        database = [doc for doc in infra if doc["spec"]["bootstrap"]["initdb"]["database"] == service]
        assert len(database) == 1 and database[0]["metadata"]["name"] == f"{service}-db", (
            f"deploy/k8s/infra needs one PostgreSQL Cluster {service}-db with database {service}"
        )


def test_k8s_runs_at_least_two_of_each_replicated_process(
    processes: dict[str, str],
    workloads: dict[str, dict[str, Any]],
) -> None:
    """Relays stand by for each other and timers share the deadlines: one replica would be a single
    point of failure."""
    for name in processes:
        if name.rsplit("-", 1)[-1] in REPLICATED_PROCESSES:
            assert workloads[name]["spec"].get("replicas", 1) >= 2, f"{name} runs one replica"


def test_k8s_web_workloads_probe_readyz_and_healthz(
    processes: dict[str, str],
    workloads: dict[str, dict[str, Any]],
) -> None:
    for name in processes:
        if not name.endswith("-web"):
            continue
        for container in containers(workloads[name]):
            readiness = ((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
            liveness = ((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
            assert readiness == "/readyz", f"{name}/{container.get('name')}: readinessProbe must GET /readyz"
            assert liveness == "/healthz", f"{name}/{container.get('name')}: livenessProbe must GET /healthz"
