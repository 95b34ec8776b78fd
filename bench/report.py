"""Turn the raw results into PASS/FAIL checks and the Markdown report docs/benchmarks.md.

The sections live in modules of their own: ``bench.report_setup`` (machine,
how to reproduce, settings), ``bench.report_form`` (the public form and the
soak), ``bench.report_status`` (the status check), ``bench.report_casework``
(staff pages, SQL per page, suggestions, PDFs, seeding) and
``bench.report_access_log``; ``bench.report_common`` holds their shared helpers.
"""

from __future__ import annotations

from typing import Any

from bench import report_access_log as access_log
from bench import report_casework as casework
from bench import report_form as form
from bench import report_setup as setup
from bench import report_status as status
from bench.config import DEFAULT_SIZE_PHASES, DEFAULT_SIZES, PHASES, parse_size_phases
from bench.report_casework import LIST
from bench.report_common import check as _check
from bench.report_common import label as _label
from bench.report_common import mib as _mib
from bench.report_common import ms as _ms
from bench.report_common import outside_share as _outside_share
from bench.report_common import table as _table

Results = dict[str, Any]


def _form_phases(entry: Results) -> list[Results]:
    """Every phase that loaded the public form at this size, the soak included."""
    return [*entry.get("form", {}).values(), *([entry["soak"]] if "soak" in entry else [])]


def _write_checks(entry: Results) -> list[dict[str, Any]]:
    """Access events and cases written must match what the clients were answered."""
    label = _label(entry["size"])
    written = expected = created = sends = 0
    get_only = 0
    if "staff" in entry:
        written += entry["staff"]["access_events_written"]
        expected += sum(entry["staff"]["requests_made"].values())
        expected += entry["staff"].get("sign_in_access_events", 0)
    phases = _form_phases(entry)
    sends += sum(phase["journeys"]["sends_ok_all"] for phase in phases if phase["journey"])
    written += sum(phase["access_events_written"] for phase in phases)
    created += sum(phase["cases_created"] for phase in phases)
    if "form" in entry:
        get_only = entry["form"]["form_get"]["access_events_written"]
    if "throttle_probe" in entry:
        probe = entry["throttle_probe"]
        sends += sum(status == 200 for status in probe["statuses"])
        written += probe["access_events_written"]
        created += probe["cases_created"]
        expected += sum(status == 429 for status in probe["statuses"])
    expected += sends
    if "status" in entry:
        load, probe = entry["status"]["load"], entry["status"]["throttle_probe"]
        written += load["access_events_written"] + probe["access_events_written"]
        created += load["cases_created"] + probe["cases_created"]
        expected += load["visits"]["completed_all"] + load["visits"]["refused_all"]
        expected += probe["refused"]
        # A resident's successful sign-in is logged too ('login party'), since cd06ee2.
        expected += load["visits"].get("signed_in_all", 0) + probe.get("signed_in", 0)
    return [
        _check(
            f"{label}: access events (one per staff sign-in, staff page, send, resident "
            "sign-in and status page, refused too; none for step pages)",
            f"{written:,}",
            f"= {expected:,}",
            written == expected and get_only == 0,
            "sanity",
        ),
        _check(
            f"{label}: cases created (one per successful send)",
            f"{created:,}",
            f"= {sends:,}",
            created == sends,
            "sanity",
        ),
    ]


def _size_checks(entry: Results, targets: Results) -> list[dict[str, Any]]:
    label = _label(entry["size"])
    checks = form.rate_checks(entry, targets["form_requests_per_second"]) if "form" in entry else []
    checks += casework.staff_checks(entry, targets)
    checks += casework.query_check(entry, targets)
    status_checks = []
    if "status" in entry:
        status_checks = status.checks(entry, targets["status_requests_per_second"])
        checks.append(status_checks.pop(0))
    if "soak" in entry:
        checks.append(form.soak_check(entry, targets))
    errors = sum(phase["total"]["errors_all"] for phase in _form_phases(entry))
    errors += casework.staff_errors(entry)
    if "status" in entry:
        errors += entry["status"]["load"]["total"]["errors_all"]
    checks.append(_check(f"{label}: unexpected answers", str(errors), "0", errors == 0, "sanity"))
    checks += _write_checks(entry)
    if "throttle_probe" in entry:
        probe = entry["throttle_probe"]
        checks.append(
            _check(
                f"{label}: throttle on (one client, {probe['limit'] + 1} whole journeys)",
                f"last send {probe['statuses'][-1]}",
                f"{probe['limit']} x 200, then 429",
                probe["throttled_after_limit"],
                "sanity",
            )
        )
    checks += status_checks
    problems = len(entry["server_log_problems"])
    checks.append(
        _check(f"{label}: errors in gunicorn's log", str(problems), "0", not problems, "sanity")
    )
    return checks


def evaluate(results: Results) -> list[dict[str, Any]]:
    """Return one check per target (and per database size where the target says so)."""
    targets = results["targets"]
    checks = casework.seeding_check(results, targets) + casework.once_checks(results, targets)
    checks += access_log.checks(results, targets)
    by_size = {entry["size"]: entry for entry in results["sizes"]}
    cpus = results["machine"]["logical_cpus"]
    for entry in by_size.values():
        checks += _size_checks(entry, targets)
        if _measured_phases(entry):
            checks.append(_outside_check(entry, cpus, targets["outside_cpu_share_max"]))
    checks += casework.growth_checks(by_size, targets)
    code = results.get("code", {})
    if code:
        start, end = code["start"], code.get("end", {})
        checks.append(
            _check(
                "Application code unchanged during the run (commit, uncommitted changes)",
                f"{start['commit'][:10]} → {end.get('commit', '?')[:10]}",
                "same commit and same changes",
                start == end,
                "sanity",
            )
        )
    order = {"target": 0, "sanity": 1}
    return sorted(checks, key=lambda check: order[check["kind"]])


def _measured_phases(entry: Results) -> dict[str, Results]:
    """Every phase at this size that recorded the load from outside the benchmark, by name."""
    phases = {"staff pages": entry.get("staff", {}), **entry.get("form", {})}
    phases["throttle probe"] = entry.get("throttle_probe", {})
    if "status" in entry:
        phases["status check"] = entry["status"]["load"]
        phases["status throttle probe"] = entry["status"]["throttle_probe"]
    if "logging" in entry:
        phases["logging on / off"] = entry["logging"]
    if "soak" in entry:
        phases["soak"] = entry["soak"]
    return {name: phase for name, phase in phases.items() if "outside_cpu_seconds" in phase}


def _outside_check(entry: Results, cpus: int, limit: float) -> dict[str, Any]:
    """The phase with the most outside load must have had less than ``limit`` of the CPUs."""
    phases = _measured_phases(entry)
    shares = {name: _outside_share([phase], cpus) for name, phase in phases.items()}
    worst = max(shares, key=lambda name: shares[name])
    commits = sum(phase.get("other_database_commits", 0) for phase in phases.values())
    return _check(
        f"{_label(entry['size'])}: CPU used outside the benchmark, worst phase",
        f"{shares[worst]:.1%} of {cpus} CPUs ({worst}); {commits:,} commits in other databases",
        f"< {limit:.0%}",
        shares[worst] < limit,
        "sanity",
    )


def _summary(results: Results) -> list[str]:
    checks = results["checks"]
    passed = sum(1 for check in checks if check["passed"])
    rows = [
        [
            check["name"],
            check["measured"],
            check["target"],
            "PASS" if check["passed"] else "**FAIL**",
        ]
        for check in checks
    ]
    partial = _partial(results["plan"])
    return [
        "# Benchmarks\n",
        f"{partial}Generated by `make bench` (`bench/run.py`); do not edit by hand, run it "
        f"again. This run started {results['started_at']} and took "
        f"{results['runtime_seconds'] / 60:.1f} minutes. Raw figures, including the SQL of "
        "every counted query: `bench/out/results.json` (git-ignored).\n",
        f"**{passed} of {len(checks)} checks pass.** Targets come from the issue; the "
        "last rows check that the run itself was sound.\n",
        _table(["Check", "Measured", "Target", "Result"], rows),
    ]


def _partial(plan: Results) -> str:
    """Say how a run differs from a complete one (empty for a complete run)."""
    phases, sizes = tuple(plan.get("phases", PHASES)), plan.get("sizes", [])
    size_phases = {str(k): list(v) for k, v in plan.get("size_phases", {}).items()}
    default_size_phases = {
        str(k): list(v) for k, v in parse_size_phases(DEFAULT_SIZE_PHASES).items()
    }
    differences = []
    if phases != PHASES:
        differences.append(f"only {', '.join(phases)} (`BENCH_PHASES`)")
    if ",".join(str(n) for n in sizes) != DEFAULT_SIZES:
        differences.append(f"sizes {', '.join(f'{n:,}' for n in sizes)} (`BENCH_SIZES`)")
    if size_phases != default_size_phases:
        limits = "; ".join(f"{int(k):,}: {', '.join(v)}" for k, v in size_phases.items())
        differences.append(f"per-size phases {limits or 'all'} (`BENCH_SIZE_PHASES`)")
    if plan.get("reuse_database"):
        differences.append("a reused database allowed (`BENCH_REUSE_DB`)")
    if not differences:
        return ""
    return f"**A partial run: {'; '.join(differences)}.** "


def _breakdown(results: Results) -> list[str]:
    entries = [entry for entry in results["sizes"] if "queries" in entry]
    if not entries:
        return []
    rows = []
    for entry in entries:
        breakdown = entry["queries"]["breakdown"]
        for page in breakdown["pages"]:
            rows.append(
                [
                    _label(entry["size"]),
                    str(page["per_page"]),
                    _ms(page["page_ms"]),
                    _ms(page["selector_ms"]),
                    _ms(page["rest_ms"]),
                ]
            )
    per_row = ", ".join(
        f"{_label(e['size'])}: {e['queries']['breakdown']['ms_per_row']:.2f} ms" for e in entries
    )
    share = ", ".join(
        f"{_label(e['size'])}: {e['queries']['breakdown']['template_share_of_list_page']:.0%}"
        for e in entries
    )
    detail = ", ".join(
        f"{_label(e['size'])}: {e['queries']['breakdown'].get('detail_page_ms', 0):.1f} ms"
        for e in entries
    )
    out = [
        "## Where the case list's time goes (in-process)\n",
        "Median of 30 requests through `django.test.Client` (no HTTP, no gunicorn), against "
        "the selector alone: `case_list_for_user` (roles, access event INSERT), fetching "
        "the page of cases as rows and their mediators. The rest is middleware, session and user, "
        "building the rows and rendering the page template.\n",
        _table(["Cases", "Rows", "Whole page ms", "Selector + queries ms", "Rest ms"], rows),
        f"Each extra row costs {per_row}. Share of profiled time (cProfile, 20 requests of "
        f"`/cases/`) spent rendering the template: {share}. A case page takes "
        f"{detail} in-process.\n",
    ]
    misses = [
        check
        for check in results["checks"]
        if not check["passed"] and check["name"].endswith(f"{LIST} p50")
    ]
    if misses:
        out.append(
            "The case list misses its p50 target at "
            + ", ".join(check["name"].split(":")[0] for check in misses)
            + ". Compare the whole page with the selector column above: where the selector "
            "is small, the time is in rendering; `python -m bench.profile_page /cases/` "
            "profiles one page with cProfile against the benchmark database.\n"
        )
    return out


MEMORY_STAGES = (
    ("started", "after start"),
    ("after_staff", "after staff run"),
    ("after_form", "after form load"),
    ("after_status", "after status check"),
    ("after_soak", "after soak"),
)


def _memory(results: Results) -> list[str]:
    stages = [
        (key, name)
        for key, name in MEMORY_STAGES
        if any(key in entry["memory"] for entry in results["sizes"])
    ]
    if not stages:
        return []
    rows = []
    for entry in results["sizes"]:
        memory = entry["memory"]
        if not memory:
            continue
        last = [key for key, _ in stages if key in memory][-1]
        final = memory[last]
        for number, worker in enumerate(final["workers"], start=1):
            peaks = []
            for stage, _ in stages:
                match = [
                    w for w in memory.get(stage, {}).get("workers", []) if w["pid"] == worker["pid"]
                ]
                peaks.append(_mib(match[0]["vm_hwm_kib"]) if match else "–")
            rows.append(
                [_label(entry["size"]), f"worker {number}", *peaks, _mib(worker["vm_rss_kib"])]
            )
        master = [_mib(final["master"]["vm_hwm_kib"]) if key == last else "" for key, _ in stages]
        rows.append([_label(entry["size"]), "master", *master, ""])
    replaced = [
        entry
        for entry in results["sizes"]
        if any(entry["memory"].get(key, {}).get("workers_replaced") for key, _ in stages)
    ]
    header = ["Cases", "Process", *(f"VmHWM {name}" for _, name in stages), "VmRSS at the end"]
    return [
        "## Memory (MiB)\n",
        _table(header, rows),
        "gunicorn is restarted for each size, so each size has its own peaks. VmHWM counts "
        "pages shared with the master too. The staff run includes one sign-in: Django's "
        "Argon2 hasher uses 100 MiB of memory per password check (memory_cost=102400 KiB), "
        "which is what lifts the peak of the worker that served it; VmRSS shows it is given "
        "back (status codes are checked with a keyed hash, HMAC-SHA256, not a password "
        "hasher). "
        + ("Workers were replaced during the run." if replaced else "No worker was replaced.")
        + "\n",
    ]


def render(results: Results) -> str:
    """Return the Markdown report."""
    sections = [
        _summary,
        setup.machine_section,
        setup.reproduce_section,
        setup.settings_section,
        casework.seeding_section,
        form.section,
        status.section,
        form.soak_section,
        casework.staff_section,
        casework.queries_section,
        _breakdown,
        casework.once_section,
        access_log.section,
        _memory,
    ]
    parts: list[str] = []
    for section in sections:
        parts += section(results)
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)
