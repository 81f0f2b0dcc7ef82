"""The Dockerfile, compose.yaml and the systemd unit (issue 18), checked with the real tools
where they are present (skipped, saying why, where they are not), and by reading otherwise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

UNIT = REPO / "deploy" / "editorial-bot.service"


def _unit_settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_is_hardened() -> None:
    unit = _unit_settings()
    for key, value in {
        "DynamicUser": "yes",
        "StateDirectory": "editorial-bot",
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "Restart": "on-failure",
        "EnvironmentFile": "/etc/editorial-bot.env",
    }.items():
        assert unit.get(key) == [value], key
    assert unit["ExecStart"] == ["/opt/editorial-bot/.venv/bin/python -m bot run"]


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    # The paths the unit names exist only on a server: stand-ins beside a copy of it.
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\n", encoding="utf-8")
    python.chmod(0o755)
    text = UNIT.read_text(encoding="utf-8").replace(
        "/opt/editorial-bot/.venv/bin/python", str(python)
    )
    copy = tmp_path / "editorial-bot.service"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own tool and file
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if str(copy) in line or "editorial-bot" in line
    ]
    assert problems == [], result.stdout + result.stderr


def test_the_dockerfile_runs_as_a_user_with_a_volume_and_a_healthcheck() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "\nUSER bot\n" in text
    assert 'VOLUME ["/data"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "BOT_DB_PATH=/data/bot.sqlite3" in text


def test_compose_puts_the_bot_behind_caddy() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    bot, caddy = compose["services"]["bot"], compose["services"]["caddy"]
    assert bot["environment"]["BOT_WEBHOOK_URL"].startswith("https://")
    assert "ports" not in bot  # only Caddy is reachable from outside
    assert caddy["image"].startswith("caddy")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "handle /telegram/webhook" in caddyfile and "reverse_proxy bot:8080" in caddyfile


def _docker_works() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    result = subprocess.run([docker, "info"], capture_output=True, timeout=20)  # noqa: S603
    return result.returncode == 0


@pytest.mark.slow
def test_the_image_builds_and_checks_itself() -> None:
    if not _docker_works():
        pytest.skip("no Docker daemon here (docker info fails)")
    tag = "editorial-bot:test"
    build = subprocess.run(  # noqa: S603
        ["docker", "build", "-t", tag, str(REPO)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    # No token: `check` runs as the bot's user, names the missing setting and exits 1.
    run = subprocess.run(  # noqa: S603
        ["docker", "run", "--rm", tag, "check"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "FAIL settings: TELEGRAM_BOT_TOKEN is not set" in run.stdout
    assert "ok   lessons" in run.stdout
