"""Latency summaries: nearest-rank percentiles in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of already sorted values (0.0 if empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(seconds: Sequence[float], wall_seconds: float | None = None) -> dict[str, float]:
    """Return count, rate (if a wall time is given) and latency figures in milliseconds."""
    values = sorted(seconds)
    summary: dict[str, float] = {
        "count": len(values),
        "p50_ms": percentile(values, 0.50) * 1000,
        "p95_ms": percentile(values, 0.95) * 1000,
        "p99_ms": percentile(values, 0.99) * 1000,
        "mean_ms": (sum(values) / len(values) * 1000) if values else 0.0,
        "max_ms": (values[-1] * 1000) if values else 0.0,
    }
    if wall_seconds is not None:
        summary["wall_seconds"] = wall_seconds
        summary["requests_per_second"] = len(values) / wall_seconds if wall_seconds else 0.0
    return summary
