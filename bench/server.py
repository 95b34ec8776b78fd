"""Start and stop gunicorn on a free loopback port, and read its memory from /proc."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from bench.config import HOST, PYTHON, ROOT, Plan, django_env


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def gunicorn_command(plan: Plan, port: int) -> list[str]:
    command = [PYTHON, "-m", "gunicorn", "mediation.wsgi:application"]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(plan.workers)]
    command += ["--worker-class", plan.worker_class]
    if plan.worker_class == "gthread":
        command += ["--threads", str(plan.threads)]
    command += ["--keep-alive", str(plan.keep_alive), "--timeout", "60"]
    command += ["--log-level", "warning"]
    return command


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return sorted(found)


class Gunicorn:
    """A gunicorn master started by the benchmark, stopped by it (by pid, never by name)."""

    def __init__(self, plan: Plan, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.plan = plan
        self.extra_env = dict(extra_env or {})
        self.port = free_port()
        self.command = gunicorn_command(plan, self.port)
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.worker_pids: list[int] = []

    def start(self, timeout: float = 60.0) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**django_env(), **self.extra_env},
            stdout=self._log,
            stderr=self._log,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            if self._answers() and len(_children(self.process.pid)) == self.plan.workers:
                self.worker_pids = _children(self.process.pid)
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log_path}")

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            conn.request("GET", "/")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def memory(self) -> dict[str, object]:
        """Return peak (VmHWM) and current (VmRSS) memory of the master and each worker."""
        if self.process is None:
            raise RuntimeError("gunicorn is not running.")
        master = self.process.pid
        workers = _children(master)
        return {
            "master": {"pid": master, "vm_hwm_kib": _status_kib(master, "VmHWM")},
            "workers": [
                {
                    "pid": pid,
                    "vm_hwm_kib": _status_kib(pid, "VmHWM"),
                    "vm_rss_kib": _status_kib(pid, "VmRSS"),
                }
                for pid in workers
            ],
            "workers_replaced": bool(set(workers) ^ set(self.worker_pids)),
        }

    def log_problems(self) -> list[str]:
        """Return the lines of gunicorn's log that report an error, a traceback or a timeout."""
        if not self.log_path.exists():
            return []
        words = ("ERROR", "Traceback", "CRITICAL", "WORKER TIMEOUT")
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if any(word in line for word in words)][:50]

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the master to shut down gracefully; else kill it and its workers, by pid."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                for pid in _children(self.process.pid):
                    _kill(pid)
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
