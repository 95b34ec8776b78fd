"""`make bench`: seed PostgreSQL, serve with gunicorn, load it from separate processes.

Steps: recreate the ``mediation_bench`` database; migrate, create the cache
table and collect static files; create staff; measure what does not depend on
the database's size, once, each on data of its own: assignment suggestions for a
community of 500 mediators (``bench.suggestions``) and agreement PDFs
(``bench.agreement_pdf``); then for 10,000, 100,000 and 1,000,000 cases: seed
(timed), add the cases' timelines and safety flags (``bench.history``), work a
few cases through sessions, notes, an agreement and follow-ups with the services
(``bench.casework``), give some requesters known status codes, measure the staff
pages in-process (SQL queries per page, where the list's time goes), start
gunicorn, measure the staff pages (one client, sequential: the case list, a case
page, the triage queue) and the public form (concurrent clients: GET /request/
alone, then whole journeys), probe the send throttle, measure the status check
(concurrent residents signing in and reading their case page), probe its
throttles, read the processes' peak memory; at 100,000 cases also soak the form
with many journeys and watch the workers' RSS; stop gunicorn. At 1,000,000 cases
only the SQL queries and the staff pages are measured (``BENCH_SIZE_PHASES``).
Writes ``bench/out/results.json`` and ``docs/benchmarks.md`` and leaves no
process behind.

``BENCH_PHASES``, ``BENCH_SIZES`` and ``BENCH_SIZE_PHASES`` (see ``bench.config``)
run only some of the measurements, e.g. ``BENCH_PHASES=status BENCH_SIZES=10000
make bench``; such a run writes its report to ``bench/out/benchmarks.md``.
``BENCH_REUSE_DB=1`` keeps a database an earlier run seeded to the first size
(``bench.reuse``), for development.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as a script: import bench's modules as a package from the repository root. (Python
# also puts bench/ itself on the path, so no module in it may be named like a stdlib one.)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import db, machine, outside, report, reuse
from bench.client import TotpKey
from bench.config import (
    COMMUNITIES,
    COORDINATOR,
    DB_NAME,
    HOST,
    OUT_DIR,
    PARTIAL_REPORT_MD,
    PYTHON,
    REDIS_DB,
    REPORT_MD,
    RESULTS_JSON,
    ROOT,
    SIZE_PHASES,
    Plan,
    Targets,
    django_env,
)
from bench.history import add_history
from bench.load import FormPhase, run_form_phase, run_staff_sequence, throttle_probe
from bench.logging_cost import measure_logging
from bench.report_access_log import measure_access_log, measure_log_review
from bench.seed import seed_parallel
from bench.server import Gunicorn
from bench.soak import run_soak
from bench.status import (
    StatusPhase,
    budget,
    probe_residents,
    run_status_phase,
    status_throttle_probe,
)

STARTED = time.perf_counter()
# The suggestions phase's own database: Django's test machinery creates test_<name> and drops it.
SUGGESTIONS_URL = "postgres://postgres@127.0.0.1:5432/mediation_bench_suggestions"


@dataclass(frozen=True)
class Login:
    """How the load client signs staff in: the run's password and each user's TOTP key."""

    password: str
    totp: dict[str, TotpKey]


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f}s] {message}", flush=True)


def manage(*args: str) -> None:
    """Run a management command with the benchmark's environment."""
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(),
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def django_json(*args: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``python -m <module> ...`` with the benchmark's environment; parse its JSON line."""
    done = subprocess.run(
        [PYTHON, "-m", *args],
        cwd=ROOT,
        env=django_env(),
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def django_module(*args: str, timeout: float = 600) -> None:
    """Run ``python -m <module> ...`` with the benchmark's environment, its output discarded."""
    subprocess.run(
        [PYTHON, "-m", *args],
        cwd=ROOT,
        env=django_env(),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def with_outside_load(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``action()``; add the CPU time other processes used meanwhile to its result."""
    started = time.monotonic()
    with outside.OutsideLoad() as load:
        outcome = action()
    outcome["outside_cpu_seconds"] = load.cpu_seconds
    outcome["outside_wall_seconds"] = time.monotonic() - started
    return outcome


def measure_suggestions(plan: Plan) -> list[dict[str, Any]]:
    """Assignment suggestions for a community of 500 mediators, on a database of their own.

    Once per number of cases assigned among the mediators: a mediator's load is
    counted from their assignments, so the call's time depends on that history.
    """
    runs = []
    for cases in plan.suggestions_cases:
        out = OUT_DIR / f"suggestions-{cases}.json"
        progress(
            f"Assignment suggestions: {plan.suggestions_mediators} mediators, {cases:,} cases, "
            f"{plan.suggestions_calls} calls (bench.suggestions, its own database)"
        )
        outcome = with_outside_load(
            lambda cases=cases, out=out: django_json(
                *("bench.suggestions", "--mediators", str(plan.suggestions_mediators)),
                *("--cases", str(cases), "--calls", str(plan.suggestions_calls)),
                *("--database-url", SUGGESTIONS_URL, "--out", str(out)),
                timeout=900,
            )
        )
        progress(
            f"Assignment suggestions: p50 {outcome['suggestions']['p50_ms']:.1f} ms, p95 "
            f"{outcome['suggestions']['p95_ms']:.1f} ms over {outcome['candidates']} candidates"
        )
        runs.append(outcome)
    return runs


def measure_pdf(plan: Plan) -> dict[str, Any]:
    """One party's agreement PDF in each language, rendered as the server renders it."""
    out = OUT_DIR / "agreement_pdf.json"
    progress(f"Agreement PDFs: {plan.pdf_repeat} warm renders per language (bench.agreement_pdf)")

    def render() -> dict[str, Any]:
        django_module("bench.agreement_pdf", "--repeat", str(plan.pdf_repeat), "--out", str(out))
        return dict(json.loads(out.read_text()))

    outcome = with_outside_load(render)
    progress(
        "Agreement PDFs: "
        + ", ".join(
            f"{language} warm max {figures['warm_max_seconds']:.2f} s"
            for language, figures in outcome["languages"].items()
        )
    )
    return outcome


def form_phases(plan: Plan, port: int) -> list[FormPhase]:
    """GET /request/ alone, then whole resident journeys (every step, check, send)."""
    return [
        FormPhase(
            name=name,
            host=HOST,
            port=port,
            clients=plan.form_clients,
            warmup_seconds=plan.form_warmup_seconds,
            seconds=plan.form_seconds,
            max_requests_per_client=plan.form_max_requests_per_client,
            journey=journey,
        )
        for name, journey in (("form_get", False), ("form_journey", True))
    ]


def measure_in_process(plan: Plan, size: int, references: list[str]) -> dict[str, Any]:
    progress(f"{size:,} cases: SQL queries per page and list page breakdown (in-process)")
    return django_json(
        "bench.inprocess",
        "--username",
        COORDINATOR,
        "--page-sizes",
        ",".join(str(n) for n in plan.query_page_sizes),
        "--references",
        ",".join(references[:3]),
        "--community",
        COMMUNITIES[0][0],
    )


def measure_staff(plan: Plan, size: int, port: int, login: Login, refs: list[str]) -> Any:
    progress(
        f"{size:,} cases: staff pages, one client, {plan.staff_requests} x "
        "(list + case page + triage queue)"
    )
    staff = counting_writes(
        lambda: run_staff_sequence(
            host=HOST,
            port=port,
            username=COORDINATOR,
            password=login.password,
            totp=login.totp.get(COORDINATOR),
            references=refs,
            warmup=plan.staff_warmup_requests,
            requests=plan.staff_requests,
            wide_requests=plan.wide_list_requests,
            max_seconds=plan.staff_max_seconds,
        )
    )
    progress(
        f"{size:,} cases: list p50 {staff['list']['p50_ms']:.1f} ms, "
        f"case page p50 {staff['detail']['p50_ms']:.1f} ms, "
        f"triage queue p50 {staff['triage']['p50_ms']:.1f} ms"
    )
    return staff


def counting_writes(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``action()``; add the access events and cases written meanwhile to its result.

    Also the load from outside the benchmark that the figures shared the machine
    with: CPU time of other processes, commits in the server's other databases.
    """
    events_before, cases_before = db.count_access_events(), db.count_cases()
    others_before, started = db.other_commits(), time.monotonic()
    with outside.OutsideLoad() as load:
        outcome = action()
    outcome["outside_cpu_seconds"] = load.cpu_seconds
    outcome["outside_wall_seconds"] = time.monotonic() - started
    outcome["access_events_written"] = db.count_access_events() - events_before
    outcome["cases_created"] = db.count_cases() - cases_before
    outcome["other_database_commits"] = db.other_commits() - others_before
    return outcome


def measure_form(plan: Plan, size: int, port: int) -> dict[str, Any]:
    forms = {}
    for phase in form_phases(plan, port):
        progress(
            f"{size:,} cases: {phase.name}, {phase.clients} clients, "
            f"{phase.warmup_seconds:.0f} s warm-up + {phase.seconds:.0f} s"
        )
        outcome = counting_writes(lambda phase=phase: run_form_phase(phase))
        forms[phase.name] = outcome
        total = outcome["total"]
        journeys = outcome.get("journeys")
        per_journey = f", {journeys['per_second']:.1f} journeys/s" if journeys else ""
        progress(
            f"{size:,} cases: {phase.name}: {total['requests_per_second']:.0f} req/s"
            f"{per_journey}, {total['errors']} errors"
        )
    return forms


def probe_throttle(size: int, port: int, rate: str) -> dict[str, Any]:
    limit = int(rate.split("/")[0])
    progress(f"{size:,} cases: throttle probe, one client, {limit + 1} journeys")
    probe = counting_writes(lambda: throttle_probe(host=HOST, port=port, limit=limit))
    answers = ", then ".join(
        f"{len(list(run))} x {status}" for status, run in itertools.groupby(probe["statuses"])
    )
    progress(f"{size:,} cases: throttle probe: sends answered {answers}")
    return probe


def soak(plan: Plan, size: int, server: Gunicorn) -> dict[str, Any]:
    progress(
        f"{size:,} cases: memory soak, {plan.soak_journeys:,} journeys, {plan.form_clients} "
        f"clients (at most {plan.soak_max_seconds / 60:.0f} min)"
    )
    outcome = counting_writes(lambda: run_soak(plan, server))
    for sample in outcome["rss_samples"]:
        rss = ", ".join(f"{w['vm_rss_kib'] / 1024:.1f}" for w in sample["workers"])
        progress(f"  after {sample['journeys']:>6,} journeys: worker RSS {rss} MiB")
    progress(
        f"{size:,} cases: soak: {outcome['journeys']['sends_ok_all']:,} journeys in "
        f"{outcome['wall_seconds']:.0f} s ({outcome['journeys']['per_second']:.1f}/s), "
        f"{outcome['total']['errors']} errors"
    )
    return outcome


def seed_status_residents(plan: Plan, size: int, number: int, settings: Any) -> dict[str, Any]:
    """Give new requesters known status codes: the load's residents, then the probe's."""
    count = plan.status_residents + probe_residents(settings["MEDIATION_STATUS_CLIENT_RATE"])
    out = OUT_DIR / f"status-residents-{size}.json"
    progress(f"Giving {count:,} requesters a known status code ({out.relative_to(ROOT)})")
    started = time.perf_counter()
    seeded = django_json(
        *("bench.seed", "residents", "--count", str(count)),
        *("--seed", str(4242 + number), "--out", str(out)),
    )
    seeded["wall_seconds"] = time.perf_counter() - started
    if seeded["count"] < count:
        raise RuntimeError(f"Only {seeded['count']} requesters without a code, {count} needed.")
    return seeded


def measure_status(
    plan: Plan, size: int, port: int, settings: Any, seeded: dict[str, Any]
) -> dict[str, Any]:
    """Residents sign in and read their case page, 8 at once; then probe both throttles."""
    client_rate = settings["MEDIATION_STATUS_CLIENT_RATE"]
    reference_rate = settings["MEDIATION_STATUS_REFERENCE_RATE"]
    residents = [tuple(pair) for pair in json.loads(Path(seeded["file"]).read_text())["residents"]]
    probe = probe_residents(client_rate)
    phase = StatusPhase(
        name="status",
        host=HOST,
        port=port,
        clients=plan.status_clients,
        warmup_seconds=plan.status_warmup_seconds,
        seconds=plan.status_seconds,
        max_requests_per_client=plan.status_max_requests_per_client,
        residents=tuple((reference, code) for reference, code in residents[probe:]),
        max_uses=budget(reference_rate),
    )
    progress(
        f"{size:,} cases: status check, {phase.clients} clients, {len(phase.residents):,} "
        f"residents, {phase.warmup_seconds:.0f} s warm-up + {phase.seconds:.0f} s"
    )
    sessions_before = db.count_sessions()
    load = counting_writes(lambda: run_status_phase(phase))
    load["sessions_created"] = db.count_sessions() - sessions_before
    counted = load["counted"]
    progress(
        f"{size:,} cases: status check: {counted['requests_per_second']:.0f} req/s "
        f"(sign-in + status page; {load['total']['requests_per_second']:.0f} with the form "
        f"page), p50 {counted['p50_ms']:.1f} ms, p95 {counted['p95_ms']:.1f} ms, "
        f"{load['total']['errors_all']} errors"
    )
    progress(
        f"{size:,} cases: status throttle probe ({reference_rate} per reference, "
        f"{client_rate} per client)"
    )
    throttle = counting_writes(
        lambda: status_throttle_probe(
            host=HOST,
            port=port,
            residents=[(reference, code) for reference, code in residents[:probe]],
            client_rate=client_rate,
            reference_rate=reference_rate,
        )
    )
    progress(
        f"{size:,} cases: status throttle probe: last answers {throttle['by_reference'][-1]} "
        f"(per reference), {throttle['by_client'][-1]} (per client)"
    )
    return {"residents": seeded, "load": load, "throttle_probe": throttle}


def measure(
    plan: Plan, size: int, login: Login, settings: Any, residents: dict[str, Any] | None
) -> dict[str, Any]:
    """Measure what ``plan.phases_at(size)`` asks for at the current database size."""
    phases = plan.phases_at(size)
    result: dict[str, Any] = {"size": size, "phases": phases, "cases_at_start": db.count_cases()}
    references = db.sample_references(COMMUNITIES[0][0], plan.staff_references)
    result["triage_queue_cases"] = db.count_new_requests(COMMUNITIES[0][0])
    if "queries" in phases:
        result["queries"] = measure_in_process(plan, size, references)

    result["server_log_problems"], result["memory"] = [], {}
    if not set(phases) - {"queries"}:
        result["cases_at_end"] = db.count_cases()
        return result  # nothing to serve
    server = Gunicorn(plan, OUT_DIR / f"gunicorn-{size}.log")
    progress(f"{size:,} cases: starting gunicorn: {' '.join(server.command[1:])}")
    try:
        server.start()
        result["gunicorn"] = {"port": server.port, "command": server.command}
        memory = {"started": server.memory()}
        if "staff" in phases:
            # The machine's speed drifts: the fixed workload right before the staff pages.
            result["calibration"] = django_json("bench.calibrate")
            result["staff"] = measure_staff(plan, size, server.port, login, references)
            memory["after_staff"] = server.memory()
        if "form" in phases:
            result["form"] = measure_form(plan, size, server.port)
            rate = settings["MEDIATION_REQUEST_FORM_RATE"]
            result["throttle_probe"] = probe_throttle(size, server.port, rate)
            memory["after_form"] = server.memory()
        if residents is not None:
            result["status"] = measure_status(plan, size, server.port, settings, residents)
            memory["after_status"] = server.memory()
        if "logging" in phases:
            result["logging"] = with_outside_load(
                lambda: measure_logging(
                    plan=plan,
                    size=size,
                    server=server,
                    password=login.password,
                    totp=login.totp.get(COORDINATOR),
                    references=references,
                    progress=progress,
                )
            )
        if "soak" in phases and size == plan.soak_size and plan.soak_journeys > 0:
            result["soak"] = soak(plan, size, server)
            memory["after_soak"] = server.memory()
        result["memory"] = memory
    finally:
        server.stop()
    result["server_log_problems"] = server.log_problems()
    result["cases_at_end"] = db.count_cases()
    progress(f"{size:,} cases: gunicorn stopped")
    return result


def seed_size(plan: Plan, number: int, size: int, seeded: int) -> dict[str, Any]:
    """Seed up to ``size`` cases, add their history and some casework."""
    progress(f"Seeding {size - seeded:,} cases ({plan.seed_processes} processes)")
    timing = seed_parallel(size - seeded, 2026 + number, plan.seed_processes, plan.seed_batch)
    timing["reaching"] = size
    progress(
        f"Seeded {timing['count']:,} in {timing['wall_seconds']:.1f} s "
        f"({timing['cases_per_second']:.0f} cases/s)"
    )
    progress("Timelines and safety flags for the new cases (bench.history)")
    timing["history"] = add_history(db.BENCH_URL, plan.safety_flagged_one_in)
    progress(
        f"Added {timing['history']['events_added']:,} timeline events, flagged "
        f"{timing['history']['cases_flagged']:,} cases in {timing['history']['wall_seconds']:.1f} s"
    )
    progress(f"Casework on {plan.casework_cases} cases through the services (bench.casework)")
    started = time.perf_counter()
    timing["casework"] = django_json(
        *("bench.casework", "--cases", str(plan.casework_cases), "--seed", str(7 + number))
    )
    timing["casework"]["wall_seconds"] = time.perf_counter() - started
    return timing


def main() -> int:
    plan, targets = Plan(), Targets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in [*OUT_DIR.glob("gunicorn-*.log"), *OUT_DIR.glob("status-residents-*.json")]:
        old.unlink()
    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "plan": plan.as_dict(),
        "targets": targets.as_dict(),
        "machine": machine.machine(),
        "versions": machine.versions(),
        "code": {"start": machine.code_state()},
    }
    digest = reuse.fingerprint(plan)
    kept, why = reuse.reusable(plan, digest) if plan.reuse_database else (None, "")
    if kept is not None:
        progress(f"Reusing database {DB_NAME}: {why}; emptying Redis database {REDIS_DB}")
        results["reused_database"] = {"state": kept, "why": why}
    else:
        if plan.reuse_database:
            progress(f"Not reusing {DB_NAME}: {why}")
        progress(f"Recreating database {DB_NAME}, emptying Redis database {REDIS_DB}")
        db.recreate_database()
    db.redis_reset()
    progress("migrate, createcachetable, collectstatic")
    manage("migrate", "--noinput")
    manage("createcachetable")
    manage("collectstatic", "--noinput")

    password = secrets.token_urlsafe(24)
    staff = django_json("bench.seed", "staff", "--password", password)
    # Kept in memory only, never written to the results.
    login = Login(password, {name: TotpKey(**key) for name, key in staff["totp"].items()})
    settings = django_json("bench.inprocess", "--settings-only")["settings"]
    results["settings"] = settings
    results["calibration"] = {"start": django_json("bench.calibrate")}
    progress(f"Phases: {', '.join(plan.phases)}")
    for size in plan.sizes:
        if plan.phases_at(size) != tuple(n for n in SIZE_PHASES if n in plan.phases):
            progress(f"  at {size:,} cases only: {', '.join(plan.phases_at(size)) or 'none'}")

    if plan.runs_once("suggestions"):
        results["suggestions"] = measure_suggestions(plan)
    if plan.runs_once("pdf"):
        results["pdf"] = measure_pdf(plan)
    if plan.runs_once("access_log"):
        results["access_log"] = with_outside_load(lambda: measure_access_log(plan, progress))
    if plan.runs_once("log_review"):
        results["log_review"] = with_outside_load(lambda: measure_log_review(plan, progress))

    results["seeding"], results["sizes"] = [], []
    seeded = 0
    # Seeding stops at the last size that measures anything.
    asked = [number for number, size in enumerate(plan.sizes) if plan.phases_at(size)]
    for number, size in enumerate(plan.sizes[: max(asked, default=-1) + 1]):
        if number == 0 and kept is not None:
            timing = {**kept["seeding"], "reused": True}
        else:
            timing = seed_size(plan, number, size, seeded)
            reuse.write_state(
                {"fingerprint": digest, "size": size, "seeding": timing, "path": plan.sizes}
            )
        results["seeding"].append(timing)
        seeded = size
        reuse.mark_phases(plan.phases_at(size))
        residents = None
        if "status" in plan.phases_at(size):
            residents = seed_status_residents(plan, size, number, settings)
        progress("VACUUM ANALYZE, CHECKPOINT, sync")
        db.settle_after_bulk_load()
        results["sizes"].append(measure(plan, size, login, settings, residents))

    results["code"]["end"] = machine.code_state()
    results["calibration"]["end"] = django_json("bench.calibrate")
    results["database_size"] = db.database_size()
    results["runtime_seconds"] = time.perf_counter() - STARTED
    results["checks"] = report.evaluate(results)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, default=str))
    report_md = PARTIAL_REPORT_MD if plan.partial else REPORT_MD
    report_md.write_text(report.render(results))
    progress(f"Wrote {RESULTS_JSON.relative_to(ROOT)} and {report_md.relative_to(ROOT)}")
    for check in results["checks"]:
        print(f"  {'PASS' if check['passed'] else 'FAIL'}  {check['name']}: {check['measured']}")
    missed = sum(1 for check in results["checks"] if not check["passed"])
    progress(f"Done in {results['runtime_seconds'] / 60:.1f} min: {missed} check(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
