"""Memory over many journeys: does each gunicorn worker's RSS stay flat?

Runs complete journeys with the form's concurrent clients until a total is
reached or a time limit passes, and reads each worker's VmRSS (``/proc``) at
the start and every ``sample_every`` completed journeys, then once more at the
end. ``report`` judges whether it stayed flat.
"""

from __future__ import annotations

import time
from typing import Any

from bench.config import HOST, Plan
from bench.load import FormPhase, run_form_phase
from bench.server import Gunicorn


def _sample(server: Gunicorn, journeys: int, started: float) -> dict[str, Any]:
    workers = server.memory()["workers"]
    return {
        "journeys": journeys,
        "seconds": time.monotonic() - started,
        "workers": [{"pid": w["pid"], "vm_rss_kib": w["vm_rss_kib"]} for w in workers],
    }


def run_soak(plan: Plan, server: Gunicorn) -> dict[str, Any]:
    """Run the soak against ``server``; return the load summary and the RSS samples."""
    phase = FormPhase(
        name="soak",
        host=HOST,
        port=server.port,
        clients=plan.form_clients,
        warmup_seconds=0.0,
        seconds=plan.soak_max_seconds,
        max_requests_per_client=10**9,
        journey=True,
        journeys_total=plan.soak_journeys,
    )
    started = time.monotonic()
    samples = [_sample(server, 0, started)]

    def monitor(completed: int) -> None:
        if completed >= samples[-1]["journeys"] + plan.soak_sample_every:
            samples.append(_sample(server, completed, started))

    outcome = run_form_phase(phase, monitor)
    done = outcome["journeys"]["sends_ok_all"]
    if done > samples[-1]["journeys"]:
        samples.append(_sample(server, done, started))
    return {**outcome, "journeys_asked": plan.soak_journeys, "rss_samples": samples}
