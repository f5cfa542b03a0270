"""The production files (Containerfile, deploy/) agree with the code, without Docker.

Every OCOP_* variable they set is one the app reads; the image's command parses with
``ocop serve``'s own options; the apps' environment, as Compose would resolve it from
deploy/.env.example, makes the settings a production site needs; Caddy balances both apps on
the port they listen on and checks their /health; README's "Running in production" names only
commands, options and variables that exist.
"""

from __future__ import annotations

import ast
import ipaddress
import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from shop.cli import main as ocop
from shop.cli import serve
from shop.health import health
from shop.i18n import LOCALES_DIR
from shop.migrate import MIGRATIONS_DIR
from shop.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VARIABLE = re.compile(r"\bOCOP_[A-Z0-9_]*[A-Z0-9]\b")
APPS = ("app1", "app2")


def _environment_reads(path: Path) -> tuple[set[str], set[str]]:
    """The OCOP_* names a module reads with ``….get("OCOP_…")`` or ``environ["OCOP_…"]``, and
    the prefixes it reads with an f-string (``f"OCOP_SINVOICE_USERNAME_{suffix}"``)."""
    names: set[str] = set()
    prefixes: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            key = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript):
            key = node.slice
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and VARIABLE.fullmatch(key.value):
            names.add(key.value)
        elif isinstance(key, ast.JoinedStr) and key.values and isinstance(key.values[0], ast.Constant):
            start = str(key.values[0].value)
            if start.startswith("OCOP_"):
                prefixes.add(start)
    return names, prefixes


SETTINGS_READS, _ = _environment_reads(ROOT / "shop" / "settings.py")


def _code_reads() -> set[str]:
    """What the settings read, and the few modules that read the environment themselves
    (the e-invoice provider's credentials: one login per seller's tax code)."""
    found = set(SETTINGS_READS)
    for path in (ROOT / "shop").rglob("*.py"):
        names, prefixes = _environment_reads(path)
        found |= names | {prefix + "*" for prefix in prefixes}
    return found


CODE_READS = _code_reads()


def _is_read(name: str) -> bool:
    return name in CODE_READS or any(read.endswith("*") and name.startswith(read[:-1]) for read in CODE_READS)


def _env_example() -> dict[str, tuple[str, bool]]:
    """deploy/.env.example: each variable, its value and whether the line is on."""
    found: dict[str, tuple[str, bool]] = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line):
            found[match[2]] = (match[3].strip('"'), match[1] is None)
    return found


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against ``env``."""

    def one(match: re.Match[str]) -> str:
        name, operator, word = match[1], match[2], match[3]
        if env.get(name):
            return env[name]
        assert operator != ":?", f"compose needs {name}: {word}"
        return word if operator == ":-" else ""

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def dot_env() -> dict[str, str]:
    """What deploy/.env holds once copied from .env.example (the lines that are on)."""
    return {name: value for name, (value, on) in _env_example().items() if on}


def _containerfile() -> list[tuple[str, str]]:
    """The Containerfile's instructions (keyword, arguments), continuation lines joined."""
    text = (ROOT / "Containerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _instruction(keyword: str) -> list[str]:
    return [rest for key, rest in _containerfile() if key == keyword]


def _command() -> list[str]:
    (cmd,) = _instruction("CMD")
    parsed = json.loads(cmd)
    assert isinstance(parsed, list)
    return [str(part) for part in parsed]


def _ocop_command(words: list[str]) -> tuple[click.Command, list[str]]:
    """The ``ocop`` command that ``words`` name (``["db", "upgrade"]``), and the words left."""
    command: click.Command = ocop
    while isinstance(command, click.Group) and words and re.fullmatch(r"[a-z-]+", words[0]):
        found = command.get_command(click.Context(command), words[0])
        assert found is not None, f"no such command: ocop {' '.join(words)}"
        command, words = found, words[1:]
    assert not isinstance(command, click.Group), f"ocop … {command.name}: a group, not a command"
    return command, words


def _serve_options() -> dict[str, Any]:
    command = _command()
    assert command[:2] == ["ocop", "serve"], command
    # Unknown options or bad values raise here, as `ocop serve` would refuse to start.
    context = serve.make_context("serve", command[2:])
    return dict(context.params)


def test_every_ocop_variable_of_the_deployment_is_one_the_app_reads(compose: dict[str, Any]) -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8") + (DEPLOY / ".env.example").read_text(
        encoding="utf-8"
    )
    text += (ROOT / "Containerfile").read_text(encoding="utf-8")
    used = set(VARIABLE.findall(text))
    assert used, "no OCOP_* variable found"
    assert {name for name in used if not _is_read(name)} == set()
    # What the apps' own environment sets is read by the settings themselves.
    for app in APPS:
        environment = set(compose["services"][app]["environment"])
        assert environment - SETTINGS_READS == set(), app


def test_the_apps_environment_makes_production_settings(
    compose: dict[str, Any], dot_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [*SETTINGS_READS, *CODE_READS]:
        monkeypatch.delenv(name.rstrip("*"), raising=False)
    for app in (*APPS, "migrate"):
        service = compose["services"][app]
        assert service["env_file"] == ".env"
        environment = {k: _interpolate(str(v), dot_env) for k, v in service["environment"].items()}
        for name, value in {**dot_env, **environment}.items():  # `environment` wins over env_file
            monkeypatch.setenv(name, value)
        settings = Settings.from_env()
        assert settings.database_url == (
            f"postgresql+asyncpg://ocop:{dot_env['POSTGRES_PASSWORD']}@db:5432/ocop"
        ), app
        assert settings.redis_url == "redis://redis:6379/0"
        assert settings.secret_key == dot_env["OCOP_SECRET_KEY"]
        assert settings.base_url == f"https://{dot_env['DOMAIN']}"
        assert settings.secure_cookies
        assert settings.jobs_interval > 0, "the in-app scheduler is on"
        assert settings.media_url == "file:///srv/ocop/media"
        # The trusted proxies are Caddy's network, written as uvicorn parses it (strictly:
        # 172.31.240.5/24 would silently be no network at all).
        subnet = compose["networks"]["proxy"]["ipam"]["config"][0]["subnet"]
        assert settings.trusted_proxies == (_interpolate(subnet, dot_env),)
        ipaddress.ip_network(settings.trusted_proxies[0], strict=True)
        assert "proxy" in compose["services"]["caddy"]["networks"]
    pool = int(dot_env["OCOP_DB_POOL_SIZE"]) + int(dot_env["OCOP_DB_MAX_OVERFLOW"])
    workers = _serve_options()["workers"]
    command = compose["services"]["db"]["command"]
    max_connections = int(next(c for c in command if c.startswith("max_connections=")).split("=")[1])
    assert len(APPS) * workers * pool + 10 <= max_connections


def test_the_services_start_in_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", *APPS, "caddy"}
    assert services["db"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    assert services["migrate"]["command"] == ["ocop", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    command, rest = _ocop_command(services["migrate"]["command"][1:])
    assert (command.name, rest) == ("upgrade", [])
    for app in APPS:
        service = services[app]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "ports" not in service, "only Caddy is reachable from outside"
        # Both instances share photos and var/ (feeds, office imports between preview and confirm).
        assert set(service["volumes"]) == {"var:/var/lib/ocop", "media:/srv/ocop/media"}
    assert {"80:80", "443:443"} <= set(services["caddy"]["ports"])
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_the_image_serves_with_real_options_and_checks_health() -> None:
    options = _serve_options()
    assert options["host"] == "0.0.0.0"  # noqa: S104 -- inside the container, behind Caddy
    (base,) = _instruction("FROM")
    assert base == "python:3.11-slim"
    (user,) = _instruction("USER")
    assert user not in {"root", "0"}
    (healthcheck,) = _instruction("HEALTHCHECK")
    assert f"http://127.0.0.1:{options['port']}/health" in healthcheck
    assert health.paths == {"/health"}
    assert _instruction("EXPOSE") == [str(options["port"])]
    (install,) = [run for run in _instruction("RUN") if "pip install" in run]
    assert "[" not in install.split("pip install", 1)[1].split("&&", 1)[0], "no extras in the image"


def test_the_image_holds_what_the_code_reads_beside_the_package() -> None:
    copied = {source for rest in _instruction("COPY") for source in shlex.split(rest)[:-1]}
    for needed in (LOCALES_DIR, MIGRATIONS_DIR, ROOT / "shop", ROOT / "admin", ROOT / "pyproject.toml"):
        assert str(needed.relative_to(ROOT)) in copied
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*", "an allow-list: nothing but what is named enters the build"
    assert {f"!{path}" for path in copied} <= set(rules)  # README.md too: pyproject's readme


def test_caddy_balances_both_apps_and_checks_their_health(compose: dict[str, Any]) -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    port = _serve_options()["port"]
    (upstreams,) = re.findall(r"^\s*reverse_proxy ([^{\n]+)\{", caddyfile, flags=re.MULTILINE)
    assert upstreams.split() == [f"{app}:{port}" for app in APPS]
    assert re.search(r"^\s*health_uri /health$", caddyfile, flags=re.MULTILINE)
    assert re.search(r"^\{\$DOMAIN\} \{$", caddyfile, flags=re.MULTILINE)
    assert set(re.findall(r"\{\$([A-Z_]+)\}", caddyfile)) <= set(compose["services"]["caddy"]["environment"])


def test_env_example_explains_every_variable_and_holds_no_secret(compose: dict[str, Any]) -> None:
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    assignment = re.compile(r"#?\s*[A-Z][A-Z0-9_]*=.*")
    for index, line in enumerate(lines):
        if assignment.fullmatch(line):
            before = lines[index - 1]
            assert before.startswith("#") and not assignment.fullmatch(before), f"no comment above {line}"
    example = _env_example()
    for name in ("POSTGRES_PASSWORD", "OCOP_SECRET_KEY"):
        assert example[name][0].startswith("change-me"), name
    # Every ${VAR} Compose needs from .env is in the example, on.
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    for name in set(re.findall(r"\$\{([A-Z0-9_]+):\?", text)):
        assert example.get(name, ("", False))[1], name
    assert ".env" in (DEPLOY / ".gitignore").read_text(encoding="utf-8").splitlines()


def _production_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Running in production\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end > 0 else None]


def _code_in(markdown: str) -> list[str]:
    """The fenced blocks and inline code spans of ``markdown``, continued lines joined."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return [re.sub(r"\\\n\s*", " ", code) for code in [*blocks, *re.findall(r"`([^`\n]+)`", prose)]]


def test_readme_production_names_only_real_commands_options_and_variables() -> None:
    section = _production_section()
    assert {name for name in VARIABLE.findall(section) if not _is_read(name)} == set()
    checked = set()
    for code in _code_in(section):
        # `ocop` then words: a command line (`-U ocop -d ocop` names the database's role).
        for invocation in re.findall(r"(?<![\w./:@$-])ocop ([a-z][^`'\n#|;&>]*)", code):
            command, words = _ocop_command([word.rstrip(",.:;)") for word in invocation.split()])
            options = {opt for param in command.params for opt in getattr(param, "opts", [])}
            for word in words:
                if word.startswith("--"):
                    assert word.split("=")[0] in options, f"ocop {invocation}: no option {word}"
            checked.add(command.name)
    assert {"serve", "upgrade", "create", "run", "ledger"} <= checked
