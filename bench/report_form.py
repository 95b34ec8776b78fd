"""The public form's part of the report: request rates, journeys, and memory over a soak.

Checks (requests per second, worker RSS over the soak) and the sections on the
form under load and on the soak. ``bench.report`` puts them into the checks and
the Markdown.
"""

from __future__ import annotations

from typing import Any

from bench.journey import REQUESTS_PER_JOURNEY, STEPS
from bench.report_common import check as _check
from bench.report_common import label as _label
from bench.report_common import latency_row as _latency_row
from bench.report_common import mib as _mib
from bench.report_common import ms as _ms
from bench.report_common import outside_load as _outside_load
from bench.report_common import table as _table

Results = dict[str, Any]


FORM_ROWS = (
    ("step_get", "step page GETs (8 per journey)"),
    ("step_post", "step answer POSTs (8 per journey, 302)"),
    ("check_get", "GET /request/check/"),
    ("send_post", "POST /request/send/ (200, confirmation)"),
)


def rate_checks(entry: Results, rate: float) -> list[dict[str, Any]]:
    label = _label(entry["size"])
    form_get, journey = entry["form"]["form_get"], entry["form"]["form_journey"]
    checks = []
    for name, phase in (
        ("GET /request/ alone", form_get),
        ("whole journeys (all steps, check, send)", journey),
    ):
        measured = phase["total"]["requests_per_second"]
        extra = f" ({phase['journeys']['per_second']:.1f} journeys/s)" if phase["journey"] else ""
        checks.append(
            _check(
                f"{label}: {name}, {phase['clients']} clients",
                f"{measured:.0f} req/s{extra}",
                f">= {rate:.0f} req/s",
                measured >= rate,
                "target",
            )
        )
    return checks


def soak_check(entry: Results, targets: Results) -> dict[str, Any]:
    soak = entry["soak"]
    growth = rss_growth(soak, targets)
    done = soak["journeys"]["sends_ok_all"]
    measured = "; ".join(
        f"worker {n}: {_mib(w['from_kib'])} → {_mib(w['to_kib'])} MiB"
        for n, w in enumerate(growth["workers"], start=1)
    )
    fraction, mib = targets["soak_rss_growth_fraction"], targets["soak_rss_growth_kib"] / 1024
    return _check(
        f"{_label(entry['size'])}: worker RSS flat over a soak of {done:,} journeys",
        measured or growth.get("reason", "no samples"),
        f"end <= after {growth.get('baseline_journeys', 0):,} journeys "
        f"+ {fraction:.0%} or {mib:.0f} MiB",
        growth["passed"],
        "target",
    )


def rss_growth(soak: Results, targets: Results) -> Results:
    """Compare each worker's RSS after the soak with its RSS after the first sample's journeys.

    Flat: no worker grew by more than the larger of the allowed fraction and the
    allowed KiB. The first sample after the start is the baseline, since first-use
    costs (imports, caches, connections) are paid by then. A replaced worker fails.
    """
    samples = soak["rss_samples"]
    if len(samples) < 3:
        return {"passed": False, "workers": [], "reason": "too few journeys for a baseline"}
    baseline, final = samples[1], samples[-1]
    before = {w["pid"]: w["vm_rss_kib"] for w in baseline["workers"]}
    workers, passed = [], True
    for worker in final["workers"]:
        start = before.get(worker["pid"])
        if start is None:
            passed = False
            continue
        allowed = max(start * targets["soak_rss_growth_fraction"], targets["soak_rss_growth_kib"])
        passed = passed and worker["vm_rss_kib"] - start <= allowed
        workers.append({"pid": worker["pid"], "from_kib": start, "to_kib": worker["vm_rss_kib"]})
    return {
        "passed": passed and len(workers) == len(before),
        "workers": workers,
        "baseline_journeys": baseline["journeys"],
        "final_journeys": final["journeys"],
    }


def _form_rows(label: str, get_only: Results, journey: Results) -> list[list[str]]:
    rows = [_latency_row(label, "GET /request/ alone", get_only["kinds"]["get"])]
    rows += [
        _latency_row(label, name, journey["kinds"][kind])
        for kind, name in FORM_ROWS
        if kind in journey["kinds"]
    ]
    total, done = journey["total"], journey["journeys"]
    rows.append(
        [
            *(label, "**all journey requests**", f"{total['count']:,}"),
            *(f"**{total['requests_per_second']:.0f}**", "", "", "", str(total["errors"])),
        ]
    )
    rows.append(
        [
            *(label, "**complete journeys** (per second)", f"{done['completed']:,}"),
            *(f"**{done['per_second']:.1f}**", "", "", "", ""),
        ]
    )
    return rows


def _time_shares(phase: Results) -> str:
    """Each kind's share of the summed latency of a journey phase (count x mean)."""
    spent = {kind: part["count"] * part["mean_ms"] for kind, part in phase["kinds"].items()}
    total = sum(spent.values()) or 1.0
    names = dict(FORM_ROWS)
    return ", ".join(
        f"{names[kind].split(' (')[0]} {spent[kind] / total:.0%}"
        for kind, _ in FORM_ROWS
        if kind in spent
    )


def _step_table(results: Results) -> str:
    """p50 / p95 of each step's page and answer, per size."""
    sizes = [entry for entry in results["sizes"] if "form" in entry]
    header = ["Step"]
    for entry in sizes:
        label = _label(entry["size"])
        header += [f"{label} page GET p50 / p95 ms", f"{label} answer POST p50 / p95 ms"]
    rows = []
    for step in STEPS:
        cells = [f"`{step}`"]
        for entry in sizes:
            steps = entry["form"]["form_journey"].get("steps", {})
            for kind in ("step_get", "step_post"):
                part = steps.get(f"{kind} {step}")
                cells.append(f"{_ms(part['p50_ms'])} / {_ms(part['p95_ms'])}" if part else "–")
        rows.append(cells)
    return _table(header, rows)


def _statuses(entry: Results) -> str:
    counts: dict[str, int] = {}
    for phase in entry["form"].values():  # the measured windows of the timed phases
        for status, number in {**phase["statuses"], **phase["exceptions"]}.items():
            counts[status] = counts.get(status, 0) + number
    return ", ".join(f"{status}: {number:,}" for status, number in sorted(counts.items()))


def section(results: Results) -> list[str]:
    entries = [entry for entry in results["sizes"] if "form" in entry]
    if not entries:
        return []
    rows = []
    for entry in entries:
        form = entry["form"]
        rows += _form_rows(_label(entry["size"]), form["form_get"], form["form_journey"])
    notes, cpus = [], results["machine"]["logical_cpus"]
    for entry in entries:
        journey = entry["form"]["form_journey"]
        notes.append(
            f"- {_label(entry['size'])}: answers {_statuses(entry)}. Share of the time "
            f"the clients waited during journeys: {_time_shares(journey)}. The journey phase "
            f"(warm-up included) completed {journey['journeys']['sends_ok_all']:,} journeys, "
            f"created {journey['cases_created']:,} cases and wrote "
            f"{journey['access_events_written']:,} access events; the GET-only phase wrote "
            f"{entry['form']['form_get']['access_events_written']}. "
            + _outside_load(
                list(entry["form"].values()), cpus, results["targets"]["outside_cpu_share_max"]
            )
            + "\n"
        )
    header = ["Cases", "Request", "Count", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Errors"]
    return [
        "## Public request form, 8 concurrent clients\n",
        "A journey is one new resident answering all 8 questions (GET the page, POST the "
        f"answer, follow the 302), then the check page and the send: {REQUESTS_PER_JOURNEY} "
        "requests. Req/s of a kind is its share of the journey phase's throughput. Every "
        "answer saves the encrypted draft and commits, and the send commits twice (the case, "
        "then deleting the draft): 10 WAL flushes per journey, so journeys slow down whenever "
        "something else on the machine flushes to disk too.\n",
        _table(header, rows),
        "".join(notes),
        "### Per question\n",
        _step_table(results),
    ]


def soak_section(results: Results) -> list[str]:
    soaked = [entry for entry in results["sizes"] if "soak" in entry]
    if not soaked:
        return []
    plan, out = results["plan"], ["## Memory over many journeys (soak)\n"]
    for entry in soaked:
        soak = entry["soak"]
        done = soak["journeys"]["sends_ok_all"]
        workers = len(soak["rss_samples"][0]["workers"])
        rows = [
            [f"{sample['journeys']:,}", f"{sample['seconds']:.0f}"]
            + [_mib(w["vm_rss_kib"], 1) for w in sample["workers"]]
            for sample in soak["rss_samples"]
        ]
        header = [
            "Journeys done",
            "Seconds",
            *(f"worker {n} RSS MiB" for n in range(1, workers + 1)),
        ]
        kinds = ", ".join(
            f"{name.split(' (')[0]} p50 {_ms(soak['kinds'][kind]['p50_ms'])} ms"
            for kind, name in FORM_ROWS
            if kind in soak["kinds"]
        )
        stopped = (
            "all asked for"
            if done >= soak["journeys_asked"]
            else f"stopped by the {plan['soak_max_seconds'] / 60:.0f}-minute limit"
        )
        out += [
            f"At {entry['size']:,} cases, after the timed phases: {done:,} complete journeys "
            f"of {soak['journeys_asked']:,} asked ({stopped}) with {plan['form_clients']} "
            f"clients in {soak['wall_seconds']:.0f} s: "
            f"{soak['total']['requests_per_second']:.0f} req/s, "
            f"{soak['journeys']['per_second']:.1f} journeys/s, "
            f"{soak['total']['errors_all']} unexpected answers; {kinds}. The soak took "
            f"{soak['wall_seconds'] / 60:.1f} of this run's {results['runtime_seconds'] / 60:.1f} "
            "minutes: the default of 10,000 journeys is the largest part of `make bench` on this "
            "machine, and the time limit bounds it on a slower one. VmRSS of each "
            f"worker at the start and about every {plan['soak_sample_every']:,} journeys:\n",
            _table(header, rows),
        ]
    return out
