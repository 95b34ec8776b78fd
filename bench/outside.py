"""CPU used by processes outside the benchmark while it measures, read from /proc.

The machine may be shared (a test suite, an editor's tools). While a phase runs,
a thread reads every process's own CPU time twice a second; what processes that
are not the benchmark's used in between is outside load that shared the CPUs
with the figures. A process that lives less than half a second can be missed.
The benchmark's processes: this one and its descendants (gunicorn, the load
clients), PostgreSQL and Redis (which serve it; other databases' work shows in
``db.other_commits``), and kernel threads.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

_TICKS = os.sysconf("SC_CLK_TCK")
_SERVING = {"postgres", "redis-server"}


def _stat(pid: int) -> tuple[str, int, int] | None:
    """Return (command, parent pid, own CPU ticks) of ``pid``, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
    return command, int(fields[1]), int(fields[11]) + int(fields[12])  # utime + stime


def snapshot() -> dict[int, int]:
    """Return the CPU ticks so far of every process outside the benchmark."""
    stats = {
        int(entry.name): stat
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None
    }
    ours = {os.getpid()}
    outside = {}
    for pid, (command, parent, ticks) in stats.items():
        chain, current = [], pid
        while current > 1 and current not in ours:  # walk up to init or to us
            chain.append(current)
            current = stats[current][1] if current in stats else 1
        if current in ours:
            ours.update(chain)
        elif command not in _SERVING and 2 not in (pid, parent):
            outside[pid] = ticks
    return outside


class OutsideLoad:
    """Context manager: CPU seconds used outside the benchmark while it was open."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        """Record each outside process's ticks; one first seen after the start counts in full."""
        started = bool(self.first)
        for pid, ticks in snapshot().items():
            if ticks < self.last.get(pid, 0):  # a reused pid: a new process
                self.first[pid] = 0
            self.first.setdefault(pid, 0 if started else ticks)
            self.last[pid] = ticks

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> OutsideLoad:
        self._sample()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / _TICKS
