"""Browser-test fixtures: the dashboard server on a free loopback port and headless chromium.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test`` or ``.ci/run``) driven
by the PyPI ``playwright`` package; ``playwright install`` is never used (it downloads a browser).
"""

from __future__ import annotations

import os
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from sim.cli.dashboard import REPO_ROOT, dashboard_env, solara_command, wait_until_up

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# One server per test process: pytest-xdist's workers each start their own, with their own log.
SERVER_LOG = ARTIFACTS / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
# Lines of the server log that are errors (a traceback, or an error Solara logged).
ERROR_MARKERS = ("Traceback", "ERROR:", "Exception in")


def server_errors(since: int = 0) -> list[str]:
    """Error lines the dashboard server logged after byte ``since`` of its log."""
    text = SERVER_LOG.read_text(errors="replace")[since:]
    return [line for line in text.splitlines() if line.startswith(ERROR_MARKERS)]


def server_log_size() -> int:
    """Current size of the server log (pass to :func:`server_errors`)."""
    return SERVER_LOG.stat().st_size


@contextmanager
def served(command: list[str], log: Path, url: str, what: str):
    """Run a server ``command`` with its output in ``log``; yield its process once ``url``
    answers; stop it at the end."""
    env = {**os.environ, **dashboard_env()}
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "w") as fh:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=fh, stderr=fh)
        try:
            if not wait_until_up(url, proc, timeout=90):
                pytest.fail(f"{what} did not start; see {log}:\n{log.read_text()[-2000:]}")
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def dashboard_server(log: Path):
    """A dashboard server (``solara run dashboards.app``, the launcher's settings) on a free
    port, logging to ``log``; yields ``(process, url)`` and stops it at the end."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with served(solara_command("127.0.0.1", port), log, url, "dashboard server") as proc:
        yield proc, url


@pytest.fixture(scope="session")
def dashboard_url():
    """Start ``solara run dashboards.app`` on a free port; yield its URL; stop it at the end."""
    with dashboard_server(SERVER_LOG) as (_proc, url):
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through playwright (skips nothing: a missing browser fails)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
