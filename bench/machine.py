"""What the benchmark ran on: the machine (from /proc) and the software versions."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench import db
from bench.config import ROOT

# The benchmark's own files: changing them does not change what is measured.
_NOT_APP = [":(exclude)bench", ":(exclude)docs"]


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    mem_kib = int(_first("/proc/meminfo", "MemTotal").split()[0])
    return {
        "cpu_model": _first("/proc/cpuinfo", "model name"),
        "logical_cpus": cpuinfo.count("\nprocessor") + cpuinfo.startswith("processor"),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_name(),
    }


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
        "redis-py": metadata.version("redis"),
        "cryptography": metadata.version("cryptography"),
        "postgresql": db.server_version(),
        "postgresql_settings": db.server_settings(),
        "redis": db.redis_version(),
    }


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60
    )
    return done.stdout if done.returncode == 0 else ""


def code_state() -> dict[str, object]:
    """Return the commit measured and a digest of uncommitted changes outside bench/ and docs/.

    Taken at the start and at the end of a run: if they differ, the application
    changed while it was being measured.
    """
    changed = _git("status", "--porcelain", "--", ".", *_NOT_APP).splitlines()
    diff = _git("diff", "HEAD", "--", ".", *_NOT_APP)
    return {
        "commit": _git("rev-parse", "HEAD").strip() or "unknown",
        "uncommitted_files": len(changed),
        "digest": hashlib.sha256("\n".join([diff, *changed]).encode()).hexdigest()[:16],
    }
