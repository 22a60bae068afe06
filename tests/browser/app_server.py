"""The live app and the browser settings shared by the browser tests and benchmarks/page.py."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1600, "height": 1000}  # projector-like
SERVER_START_TIMEOUT = 240.0  # app.py compiles every default picture before it answers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL, to the server's own process group (it was started in a new one)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
            return


@contextlib.contextmanager
def app_server(script: str = "app.py") -> Iterator[tuple[str, int]]:
    """`streamlit run <script>` (app.py; relative to the repository) on a free local port;
    yields its URL and pid; always stopped after. Raises RuntimeError with the command and the
    server's output if it does not answer its health check within SERVER_START_TIMEOUT
    seconds."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    why = (
                        f"exited with code {proc.returncode}"
                        if proc.poll() is not None
                        else f"did not answer {url}/_stcore/health within "
                        f"{SERVER_START_TIMEOUT:.0f} s"
                    )
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(
                        f"Streamlit server {why}.\ncommand: {' '.join(cmd)}\n"
                        f"--- server output ---\n{output}"
                    )
                time.sleep(0.25)
            yield url, proc.pid
        finally:
            stop(proc)
