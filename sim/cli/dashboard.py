"""``servicechain dashboard``: start the live Solara dashboard on a loopback port.

The dashboard lives in ``dashboards/app.py`` (it imports ``sim``, never the reverse), so this
module starts it as a child process (``python -m solara run dashboards.app``) instead of
importing it. The front-end is served from the installed ``solara-assets`` wheel: no CDN is
contacted, the dashboard works offline.

Stopping: Ctrl-C, ``kill`` (SIGTERM) or a closed terminal (SIGHUP) stop the server child too,
within :data:`STOP_TIMEOUT_S` seconds (it is killed if it has not exited by then), and on Linux
the child also stops when the launcher itself is killed outright (``kill -9``), so no server
keeps the port after its launcher is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

APP = "dashboards.app"
REPO_ROOT = Path(__file__).resolve().parents[2]


def solara_command(host: str, port: int) -> list[str]:
    """The command line that serves the dashboard app (production mode, no browser opened)."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # no call to PyPI: the dashboard must work offline
        "--log-level",
        "warning",
    ]


DEFAULT_MAX_HEADCOUNT = 5_000
STOP_TIMEOUT_S = 4.0  # the server child's time to exit after the launcher is told to stop
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# A browser tab that disconnects without closing keeps its session this long (for a reconnect);
# then its models are freed. Solara's own default is a day.
IDLE_SESSION_TIMEOUT = "5m"


def dashboard_env(max_headcount: int = DEFAULT_MAX_HEADCOUNT) -> dict[str, str]:
    """Environment for the server: the repo on the path, Solara's telemetry and banner off
    (offline), idle sessions freed after minutes, and the dashboard's headcount cap."""
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
    return {
        "PYTHONPATH": path,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_KERNEL_CULL_TIMEOUT": IDLE_SESSION_TIMEOUT,
        "SERVICECHAIN_MAX_HEADCOUNT": str(int(max_headcount)),
    }


def check_port(host: str, port: int) -> None:
    """Raise UsageError when ``port`` is out of range or already taken on ``host``."""
    from sim.cli.common import UsageError

    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: takes a whole number from 1 to 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as err:
            raise UsageError(
                f"--port {port}: cannot listen on {host}:{port} ({err.strerror}); "
                "pick another port with --port, e.g. --port 8766"
            ) from None


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    """Poll ``url`` until it answers (True) or the process exits / the timeout passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


class _Stopped(Exception):
    """The launcher received a stop signal (SIGTERM, SIGHUP)."""


def _raise_stopped(signum: int, _frame) -> None:
    # One stop is enough: a second signal (``kill`` twice, a supervisor repeating itself) while
    # the server child is being stopped must not interrupt the stopping with a traceback. The
    # launcher restores the previous handlers when it returns.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise _Stopped(signum)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when the launcher dies, even by SIGKILL."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop_child(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Ask the server child to stop with ``sig``; kill it after :data:`STOP_TIMEOUT_S` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve(
    port: int = 8765, host: str = "127.0.0.1", max_headcount: int = DEFAULT_MAX_HEADCOUNT
) -> int:
    """Run the dashboard until Ctrl-C; returns the exit code.

    Args:
        port: TCP port (1-65535).
        host: Interface to listen on; the default 127.0.0.1 keeps it on this machine.
        max_headcount: The largest organization a dashboard session may build (20-100,000).
    """
    from sim.cli.common import UsageError, console, err_console

    if not 20 <= max_headcount <= 100_000:
        raise UsageError(f"--max-headcount {max_headcount}: takes a whole number from 20 to 100000")
    check_port(host, port)
    env = dict(os.environ)
    env.update(dashboard_env(max_headcount))
    proc = subprocess.Popen(
        solara_command(host, port),
        cwd=REPO_ROOT,
        env=env,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown}:{port}/"
    previous: dict = {}
    try:
        previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
        if not wait_until_up(url, proc):
            code = proc.poll()
            stop_child(proc)
            raise UsageError(
                f"the dashboard server did not start on {url}"
                + (f" (exit code {code})" if code is not None else " within 60 s")
            )
        console.print(f"servicechain dashboard: [bold]{url}[/bold]  (Ctrl-C to stop)")
        return proc.wait()
    except KeyboardInterrupt:
        err_console.print("stopping the dashboard ...")
        # A second Ctrl-C while the server stops would otherwise end in a traceback.
        previous.setdefault(signal.SIGINT, signal.signal(signal.SIGINT, signal.SIG_IGN))
        stop_child(proc, signal.SIGINT)
        return 0
    except _Stopped:
        stop_child(proc, signal.SIGTERM)
        return 0
    finally:
        stop_child(proc)  # whatever ended the launcher, the server goes with it
        for sig, handler in previous.items():
            signal.signal(sig, handler)
