"""What the benchmark ran on: the machine (from /proc) and the software versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

from bench import db


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
        "redis": db.redis_version(),
    }
