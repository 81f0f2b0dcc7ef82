"""The browser tests' own rule: without Chromium they are skipped on a developer's machine,
naming the install command, and fail under CI (CI=true), where .ci/run installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser


def test_a_missing_browser_skips_here_and_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on the PATH either
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        browser.chromium_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI this is a failure"):
        browser.chromium_or_skip()


def test_ci_installs_debians_chromium_before_the_tests() -> None:
    script = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    install = script.index("apt-get install -y -q chromium")
    assert script.index("apt-get update") < install < script.index('bash -euo pipefail -c "$test')
    assert "DEBIAN_FRONTEND=noninteractive" in script and "sudo" in script
