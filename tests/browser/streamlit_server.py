"""Run a Streamlit script as a real server on a free loopback port, for the browser tests.

The browser tests drive the app the way a user's browser does, so they need the real
`streamlit run` process, not AppTest. This starts it, waits until its health endpoint says
"ok", and always stops it again:

    with running_streamlit("app.py", cwd=repo_root, log_path=tmp / "app.log") as base_url:
        page.goto(base_url)        # e.g. http://127.0.0.1:43127
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

STARTUP_TIMEOUT_S = 60.0
LOG_TAIL_CHARS = 4000

# Base URL -> log file of each server started here. The app hides tracebacks from viewers
# (client.showErrorDetails), so a failing page is explained from its server's log.
_LOGS_BY_BASE_URL: dict[str, Path] = {}


class StreamlitStartError(RuntimeError):
    """The server exited or never answered its health check; the message carries its output."""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def streamlit_command(script: str | Path, port: int, *options: str) -> list[str]:
    """The plain `streamlit run` command line, with the same Python as the tests.

    The app starts the way every Streamlit user, host and container starts it, so
    the browser tests see what they see (deep links on a fresh server included).
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        # Other code may change under a running test server; it must not offer reruns.
        "--server.fileWatcherType",
        "none",
        *options,
    ]


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
"""Colour codes: Streamlit prints tracebacks through rich, in colour when it thinks a terminal
is watching; a failure message should read as plain text."""


def _log_tail(log_path: Path) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return ANSI_ESCAPE.sub("", text)[-LOG_TAIL_CHARS:] or "(no output)"


def server_log_tail(url: str) -> str | None:
    """The end of the log of the running server that serves url, if it was started here."""
    for base_url, log_path in _LOGS_BY_BASE_URL.items():
        if url == base_url or url.startswith(f"{base_url}/"):
            return _log_tail(log_path)
    return None


def _answers_ok(health_url: str) -> bool:
    try:
        with urllib.request.urlopen(health_url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until_healthy(
    process: subprocess.Popen[bytes], base_url: str, log_path: Path, timeout_s: float
) -> None:
    """Poll `/_stcore/health` until it answers "ok"; raise with the server's output otherwise."""
    health_url = f"{base_url}/_stcore/health"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StreamlitStartError(
                f"`{' '.join(process.args)}` exited with code {process.returncode} before "
                f"{health_url} answered. Its output:\n{_log_tail(log_path)}"
            )
        if _answers_ok(health_url):
            return
        time.sleep(0.2)
    raise StreamlitStartError(
        f"{health_url} did not answer 'ok' within {timeout_s:.0f} s. "
        f"Server output:\n{_log_tail(log_path)}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server, killing it if it does not exit within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_streamlit(
    script: str | Path,
    *,
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float = STARTUP_TIMEOUT_S,
    port: int | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """Start `streamlit run script` in cwd and yield its base URL; stop it on exit.

    ``port``: when the caller must know the address first (a sign-in redirect URI);
    ``options``: more Streamlit command-line options.
    """
    with running_streamlit_process(
        script, cwd=cwd, log_path=log_path, env=env, timeout_s=timeout_s, port=port, options=options
    ) as (base_url, _pid):
        yield base_url


@contextmanager
def running_streamlit_process(
    script: str | Path,
    *,
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float = STARTUP_TIMEOUT_S,
    port: int | None = None,
    options: Sequence[str] = (),
) -> Iterator[tuple[str, int]]:
    """Like ``running_streamlit``, yielding (base URL, server pid) for memory readings.

    The server's stdout and stderr go to log_path (a file, so a chatty server never blocks
    on a full pipe) and appear in the error when it fails to start.
    """
    port = port or free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            streamlit_command(script, port, *options),
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, base_url, log_path, timeout_s)
        _LOGS_BY_BASE_URL[base_url] = log_path
        yield base_url, process.pid
    finally:
        _LOGS_BY_BASE_URL.pop(base_url, None)
        stop(process)
