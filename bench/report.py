"""Turn the raw results into PASS/FAIL checks and the Markdown report docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from bench import report_access_log as access_log
from bench import report_casework as casework
from bench.config import DEFAULT_SIZE_PHASES, DEFAULT_SIZES, PHASES, parse_size_phases
from bench.journey import REQUESTS_PER_JOURNEY, STEPS
from bench.report_casework import LIST
from bench.report_casework import check as _check
from bench.report_casework import label as _label
from bench.report_casework import ms as _ms
from bench.report_casework import table as _table

Results = dict[str, Any]


def _form_phases(entry: Results) -> list[Results]:
    """Every phase that loaded the public form at this size, the soak included."""
    return [*entry.get("form", {}).values(), *([entry["soak"]] if "soak" in entry else [])]


def app_settings(results: Results) -> Results:
    """The settings the app ran with (read once per run; older results kept them per size)."""
    if "settings" in results:
        return dict(results["settings"])
    return dict(results["sizes"][0]["queries"]["settings"])


STATUS_COUNTED = "sign-in POST + GET /status/case/"


def _status_checks(entry: Results, rate: float) -> list[dict[str, Any]]:
    label, status = _label(entry["size"]), entry["status"]
    load, probe = status["load"], status["throttle_probe"]
    measured = load["counted"]["requests_per_second"]
    residents = load["residents"]
    by_reference, by_client = probe["by_reference"], probe["by_client"]
    return [
        _check(
            f"{label}: status check ({STATUS_COUNTED}), {load['clients']} clients",
            f"{measured:.0f} req/s ({load['visits']['per_second']:.1f} residents/s)",
            f">= {rate:.0f} req/s",
            measured >= rate,
            "target",
        ),
        _check(
            f"{label}: status check within the throttles (sign-ins per resident; clients "
            "out of residents)",
            f"at most {residents['max_uses']}; {residents['clients_out_of_residents']}",
            f"<= {residents['max_uses_allowed']}; 0",
            residents["max_uses"] <= residents["max_uses_allowed"]
            and residents["clients_out_of_residents"] == 0,
            "sanity",
        ),
        _check(
            f"{label}: status throttles on (one reference, {len(by_reference)} sign-ins; "
            f"one client, {len(by_client)} sign-ins)",
            f"last sign-ins {by_reference[-1]}, {by_client[-1]}",
            f"{len(by_reference) - 1} x 302, then 429; {len(by_client) - 1} x 302, then 429",
            probe["passed"],
            "sanity",
        ),
    ]


def _rate_checks(entry: Results, rate: float) -> list[dict[str, Any]]:
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


def _soak_check(entry: Results, targets: Results) -> dict[str, Any]:
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
    checks = _rate_checks(entry, targets["form_requests_per_second"]) if "form" in entry else []
    checks += casework.staff_checks(entry, targets)
    checks += casework.query_check(entry, targets)
    status_checks = []
    if "status" in entry:
        status_checks = _status_checks(entry, targets["status_requests_per_second"])
        checks.append(status_checks.pop(0))
    if "soak" in entry:
        checks.append(_soak_check(entry, targets))
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


def _mib(kib: int, digits: int = 0) -> str:
    return f"{kib / 1024:.{digits}f}"


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


def _code(results: Results) -> str:
    start = results.get("code", {}).get("start")
    if not start:
        return "unknown"
    extra = start["uncommitted_files"]
    dirty = f", {extra} uncommitted file(s) outside bench/ and docs/" if extra else ""
    return f"commit `{start['commit'][:10]}`{dirty}"


def _autovacuum_note(versions: Results) -> str:
    if versions.get("postgresql_settings", {}).get("autovacuum") != "off":
        return ""
    return (
        "\nAutovacuum is off on this PostgreSQL server, so only the `VACUUM ANALYZE` after "
        "each bulk load cleans tables: the dead rows that journeys leave in the draft table "
        "(every answer rewrites the draft) pile up for the rest of the run, as they would "
        "not with autovacuum on.\n"
    )


def _machine(results: Results) -> list[str]:
    machine, versions = results["machine"], results["versions"]
    rows = [
        ["CPU", f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs"],
        ["Memory", f"{machine['memory_gib']} GiB"],
        ["OS, kernel", f"{machine['os']}, Linux {machine['kernel']}"],
        ["Code measured", _code(results)],
        ["Python", versions["python"]],
        ["Django", versions["django"]],
        ["PostgreSQL (server)", versions["postgresql"]],
        [
            "PostgreSQL settings",
            ", ".join(f"{k} {v}" for k, v in versions.get("postgresql_settings", {}).items()),
        ],
        ["Redis (server)", versions["redis"]],
        ["gunicorn", versions["gunicorn"]],
        [
            "psycopg, redis-py, cryptography",
            ", ".join(versions[name] for name in ("psycopg", "redis-py", "cryptography")),
        ],
    ]
    return [
        "## Machine and versions\n",
        _table(["", ""], rows),
        "PostgreSQL, Redis, gunicorn and the load client all run on this machine and share "
        "its CPUs, so the figures include the load client's own cost. Anything else running "
        "meanwhile is measured (`bench/outside.py`: other processes' CPU time from `/proc`, "
        "sampled twice a second; commits in the server's other databases) and checked.\n"
        + _autovacuum_note(versions),
    ]


def _reproduce(results: Results) -> list[str]:
    plan = results["plan"]
    settings = app_settings(results)
    served = [entry["gunicorn"] for entry in results["sizes"] if "gunicorn" in entry]
    command = "(not started in this run)"
    if served:
        command = " ".join([".venv/bin/python", *served[0]["command"][1:]])
        command = command.replace(f"127.0.0.1:{served[0]['port']}", "127.0.0.1:<free port>")
    steps = (
        "1. seeds the cases with `mediation.cases.seeding.seed_cases` (a data key per case, "
        f"AES-256-GCM encryption) in {plan['seed_processes']} processes of "
        f"{plan['seed_batch']:,}-case batches; adds their timelines and safety flags "
        "(`bench/history.py`) and works a few cases through sessions, notes, an agreement "
        "and follow-ups (`bench/casework.py`; see Seeding below); then runs `VACUUM ANALYZE` "
        "(as autovacuum would soon after a bulk load), `CHECKPOINT` and `sync`, so that "
        "writing the load back to disk does not slow the commits measured next;\n"
        "2. in-process, against the same database: counts SQL queries per page "
        "(`django.test.Client`, coordinator force-logged-in with the session marked "
        "verified by their authenticator device, as the sign-in leaves it; "
        "`CaptureQueriesContext`, the second request of each page) for the case list, case "
        "pages, the triage queue and the casework pages (see SQL queries per page below), "
        "and times the case list against its selector alone;\n"
        "3. starts gunicorn; from the load client (separate processes, over loopback) signs "
        "in as the coordinator through the login form (CSRF included) and its second step "
        "(the 6-digit code, computed from the coordinator's authenticator key), and clicks, "
        f"one request at a time, {plan['staff_requests']} times through the case list, a "
        f"case page ({plan['staff_references']} different references from the "
        "coordinator's community) and the triage queue, after "
        f"{plan['staff_warmup_requests']} unmeasured rounds; then requests the 200-row list "
        f"{plan['wide_list_requests']} times;\n"
        f"4. runs the public form with {plan['form_clients']} concurrent clients, one process "
        "each with its own keep-alive connection: first GET `/request/` only, then whole "
        "resident journeys as a browser without JavaScript makes them: for each of the 8 "
        "questions GET the page (its hidden `csrfmiddlewaretoken`, the `csrftoken` cookie), "
        "POST a valid answer and expect a 302 to the next question (the answers so far are "
        "kept in the encrypted draft, whose key is in the `draft` cookie); then GET "
        "`/request/check/` and POST `/request/send/`, expecting 200 with the case reference "
        "and the status code. Every journey is a new resident: no cookies and a fresh "
        "`X-Bench-Client` identity, which bench mode trusts the way a trusted proxy's header "
        "would be, so the per-client send throttle "
        f"(`{settings['MEDIATION_REQUEST_FORM_RATE']}`) stays on without being hit. Each "
        f"phase runs {plan['form_warmup_seconds']:.0f} s unmeasured, then "
        f"{plan['form_seconds']:.0f} s measured (at most "
        f"{plan['form_max_requests_per_client']:,} requests per client). Then one client "
        "identity completes one journey more than the throttle allows: every send but the "
        "last must answer 200, the last 429;\n"
        "5. measures the status check with "
        f"{plan.get('status_clients', 8)} concurrent clients (see its section below): "
        f"{plan.get('status_residents', 0):,} requesters seeded with known status codes "
        "sign in with reference and code, each from a client identity of their own, and read "
        "their case page; then one reference and one client identity each sign in once more "
        "than their throttle allows: the last attempt must answer 429;\n"
        "6. reads peak memory (VmHWM in `/proc/<pid>/status`) of the master and each worker "
        "after start, after the staff run, after the form load and after the status check;\n"
        f"7. at {plan['soak_size']:,} cases only, soaks the form: "
        f"{plan['soak_journeys']:,} whole journeys (`BENCH_SOAK_JOURNEYS`) with "
        f"{plan['form_clients']} clients, stopped after {plan['soak_max_seconds'] / 60:.0f} "
        "minutes at most (`BENCH_SOAK_MAX_SECONDS`), reading each worker's VmRSS every "
        f"{plan['soak_sample_every']:,} completed journeys; then stops gunicorn.\n"
    )
    return [
        "## How to reproduce\n",
        "```sh\nmake bench\n```\n",
        "The server runs, from the repository root, as\n",
        f"```sh\n{command}\n```\n",
        "with this environment (the keys come from `var/dev-keys.json`, created if missing):\n",
        "```sh\nMEDIATION_ENV=development DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost \\\n"
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_bench \\\n"
        "CACHE_URL=redis://127.0.0.1:6379/9 MEDIATION_BENCH_MODE=true\n```\n",
        "`make bench` drops and recreates the `mediation_bench` database and empties Redis "
        "database 9 (throttle counters), runs `migrate`, `createcachetable` and "
        "`collectstatic` (DEBUG is off, so WhiteNoise serves `var/staticfiles`), and creates "
        "two communities, a coordinator of the first and three mediators, with a random "
        "password per run and a confirmed authenticator device each (django-otp TOTP, as if "
        "they had enrolled; the bench keeps the keys in memory to make the codes). It "
        "measures the assignment suggestions and the agreement PDFs once, each on data of "
        "its own (see their sections below). Then, at " + _sizes_text(plan) + ":\n",
        steps,
        "`BENCH_PHASES` runs only some of these steps, comma-separated from "
        f"{', '.join(f'`{name}`' for name in PHASES)} (the suggestions, the PDFs, then steps "
        "2, 3, 4, 5, 7); `BENCH_SIZES` picks the sizes (each reached by seeding more) and "
        "`BENCH_SIZE_PHASES` limits what runs at a size (default "
        f"`{DEFAULT_SIZE_PHASES}`). For instance `BENCH_PHASES=status BENCH_SIZES=10000 make "
        "bench` measures the status check at 10,000 cases in about a minute, and "
        "`BENCH_PHASES=queries,staff BENCH_SIZES=1000000` the staff pages at 1,000,000 cases "
        "(most of its time is seeding; `BENCH_REUSE_DB=1` keeps a database an earlier run "
        "seeded to the first size with the same seeding code, for development). Such a "
        "partial run writes its report to `bench/out/benchmarks.md` and leaves this file "
        "alone.\n",
        "Latency is timed by the client from sending a request to reading the last byte of "
        "the answer; percentiles are nearest-rank. Requests per second are the requests "
        "measured divided by the measured window; journeys per second are the sends answered "
        "200 in that window divided by it. Any answer other than the expected one (200 for a "
        "GET and for the send, a 302 to the next question for an answer) counts as an error "
        "and ends that journey. The database "
        "is left in place after the run for inspection.\n",
    ]


def _sizes_text(plan: Results) -> str:
    """``10,000 cases, 100,000 cases (after adding 90,000) and 1,000,000 (...; only ...)``."""
    parts, before = [], 0
    limits = {int(size): phases for size, phases in plan.get("size_phases", {}).items()}
    for size in plan["sizes"]:
        text = f"{size:,} cases" + (f" (after adding {size - before:,})" if before else "")
        if size in limits:
            names = ", ".join(f"`{name}`" for name in limits[size]) or "nothing"
            text += f", measuring only {names} (`BENCH_SIZE_PHASES`)"
        parts.append(text)
        before = size
    return "; ".join(parts)


def _settings(results: Results) -> list[str]:
    plan = results["plan"]
    settings = app_settings(results)
    threads = plan["threads"] if plan["worker_class"] == "gthread" else 1
    rows = [
        ["gunicorn workers", str(plan["workers"])],
        ["worker class", f"`{plan['worker_class']}`"],
        ["threads per worker", str(threads)],
        ["keep-alive", f"{plan['keep_alive']} s"],
    ]
    rows += [[name, f"`{value}`"] for name, value in settings.items() if name != "django"]
    return [
        "## Settings\n",
        _table(["Setting", "Value"], rows),
        "### Worker class: gthread, 4 threads per worker\n",
        "Two worker processes, one per core, as the issue asks. gunicorn's sync worker "
        "serves one request at a time per process and closes the connection after each "
        "answer (it does not do keep-alive), and it is blocked for as long as a client takes "
        "to send or read. gthread keeps connections alive and lets a worker run one "
        "request's Python while another waits on PostgreSQL (every POST commits, and every "
        "staff page writes an access event); 4 threads per worker give each of the 8 "
        "concurrent clients a thread. The GIL still holds each worker to one core of Python, "
        "so more threads only add queueing. On this 2-core machine the difference is small: "
        "a comparison at 10,000 cases (`BENCH_WORKER_CLASS=sync BENCH_SIZES=10000 make "
        "bench`), made with the earlier single-page form, gave sync 482 req/s for GET "
        "`/request/` and 337 req/s for its GET + POST journeys, against 530 and 346 for "
        "gthread with 4 threads and 467 and 343 with 8 threads, within the run-to-run "
        "spread; gthread was kept for keep-alive and for tolerance of slow clients and "
        "database waits.\n",
    ]


FORM_ROWS = (
    ("step_get", "step page GETs (8 per journey)"),
    ("step_post", "step answer POSTs (8 per journey, 302)"),
    ("check_get", "GET /request/check/"),
    ("send_post", "POST /request/send/ (200, confirmation)"),
)


def _latency_row(label: str, name: str, part: Results) -> list[str]:
    return (
        [label, name, f"{part['count']:,}", f"{part['requests_per_second']:.0f}"]
        + [_ms(part[key]) for key in ("p50_ms", "p95_ms", "p99_ms")]
        + [str(part["errors"])]
    )


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


def _outside_share(phases: list[Results], cpus: int) -> float:
    wall = sum(phase["outside_wall_seconds"] for phase in phases)
    cpu = sum(phase["outside_cpu_seconds"] for phase in phases)
    return cpu / (wall * cpus) if wall and cpus else 0.0


def _outside_load(measured: list[Results], cpus: int, limit: float) -> str:
    """Say how much other processes and databases used while these phases were measured."""
    phases = [phase for phase in measured if "outside_cpu_seconds" in phase]
    if not phases:
        return ""
    share = _outside_share(phases, cpus)
    commits = sum(phase.get("other_database_commits", 0) for phase in phases)
    text = (
        f"Meanwhile, processes outside the benchmark used {share:.1%} of the CPUs and other "
        f"databases on the server committed {commits:,} transactions"
    )
    return f"**{text}: these figures may be low.**" if share >= limit or commits else text + "."


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


def _form(results: Results) -> list[str]:
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


STATUS_ROWS = (
    ("status_get", "GET /status/ (sign-in form; not counted)"),
    ("sign_in_post", "POST /status/ (sign-in, 302)"),
    ("case_get", "GET /status/case/ (status page, 200)"),
)


def _status_rows(label: str, load: Results) -> list[list[str]]:
    rows = [
        _latency_row(label, name, load["kinds"][kind])
        for kind, name in STATUS_ROWS
        if kind in load["kinds"]
    ]
    counted, total, visits = load["counted"], load["total"], load["visits"]
    rows.append(
        [
            *(label, f"**counted: {STATUS_COUNTED}**", f"{counted['count']:,}"),
            f"**{counted['requests_per_second']:.0f}**",
            *(_ms(counted[key]) for key in ("p50_ms", "p95_ms", "p99_ms")),
            str(counted["errors"]),
        ]
    )
    rows.append(
        [
            *(label, "all requests, the form page included", f"{total['count']:,}"),
            *(f"{total['requests_per_second']:.0f}", "", "", "", str(total["errors"])),
        ]
    )
    rows.append(
        [
            *(label, "residents signed in and shown their case (per second)"),
            *(f"{visits['completed']:,}", f"{visits['per_second']:.1f}", "", "", "", ""),
        ]
    )
    return rows


def _status(results: Results) -> list[str]:
    entries = [entry for entry in results["sizes"] if "status" in entry]
    if not entries:
        return []
    settings, plan = app_settings(results), results["plan"]
    cpus, limit = results["machine"]["logical_cpus"], results["targets"]["outside_cpu_share_max"]
    rows, notes = [], []
    for entry in entries:
        label, status = _label(entry["size"]), entry["status"]
        load, probe, seeded = status["load"], status["throttle_probe"], status["residents"]
        rows += _status_rows(label, load)
        answers = {**load["statuses"], **load["exceptions"]}
        residents = load["residents"]
        notes.append(
            f"- {label}: answers "
            + ", ".join(f"{name}: {count:,}" for name, count in sorted(answers.items()))
            + f". {seeded['count']:,} requesters were given a known code in "
            f"{seeded['wall_seconds']:.1f} s; the load used {residents['count']:,} of them, "
            f"each signing in at most {_times(residents['max_uses'])} "
            f"({residents['clients_out_of_residents']} clients ran out of residents). The "
            f"phase (warm-up included) made {load['visits']['sign_ins_all']:,} sign-ins, "
            f"showed {load['visits']['completed_all']:,} status pages, wrote "
            f"{load['access_events_written']:,} access events and left "
            f"{load['sessions_created']:,} new session rows. Throttle probe: one reference "
            f"answered {_runs(probe['by_reference'])}; one client identity answered "
            f"{_runs(probe['by_client'])}. " + _outside_load([load], cpus, limit) + "\n"
        )
    header = ["Cases", "Request", "Count", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Errors"]
    return [
        f"## Status check, {plan.get('status_clients', 8)} concurrent clients\n",
        "A visit is one resident coming back to see their case, as a browser without "
        "JavaScript does it: GET `/status/` (the sign-in form, its CSRF token and cookie), "
        "POST `/status/` with the case reference and status code as they were shown to the "
        "resident, expecting a 302 to `/status/case/`, then GET `/status/case/`, expecting "
        "200 with the reference on the page. The target counts the two requests of the "
        f"issue, the sign-in POST and the status page GET ({STATUS_COUNTED}): their "
        "number in the measured window divided by it. The form page GET before them is "
        "made, timed and shown, but not counted, so the counted rate is what the server "
        "sustains while also serving it. Any other answer counts as an error and ends the "
        "visit. The sign-in compares a keyed hash (HMAC-SHA256) of the code, not a password "
        "hash; it writes the session (a new key, then the resident's access) and one access "
        "event ('login party'), and the status page writes one access event and updates the "
        "session's idle time.\n",
        "Before the measurements at each size, "
        f"{plan.get('status_residents', 0):,} seeded requesters who have no code yet are "
        "given one (`python -m bench.seed residents`: codes from a seeded RNG, only their "
        "keyed hash stored, as the service stores it, in one `bulk_update`; the references "
        "and codes go to `bench/out/status-residents-<size>.json`, git-ignored), so each "
        "size has residents of its own. Client *i* of 8 takes residents *i*, *i* + 8, ... in "
        "turn. Every visit starts without cookies, and every resident is one client "
        "identity of its own (`X-Bench-Client: status-<reference>`, trusted in bench mode "
        "as a trusted proxy's header would be). Both throttles stay on: every sign-in POST "
        "counts against the client "
        f"(`MEDIATION_STATUS_CLIENT_RATE` `{settings.get('MEDIATION_STATUS_CLIENT_RATE')}`) "
        "and against the reference "
        f"(`MEDIATION_STATUS_REFERENCE_RATE` `{settings.get('MEDIATION_STATUS_REFERENCE_RATE')}`"
        "), successful or not, and no resident signs in more often in a phase than the "
        "reference allows (a client that has used up its residents stops and the check "
        "says so), so the throttles are not what is measured. After the load, one "
        "reference signs in once more than its budget (each attempt as a new client), and "
        "one client identity once more than its budget (each attempt as another resident): "
        "the last attempt of each must answer 429.\n",
        "A visit does not sign out. Signing out (POST `/status/sign-out/`) drops the "
        "resident's access from the session and gives the session a new key, so the row "
        "stays in `django_session` either way (checked: one row per sign-in, before and "
        "after signing out) until it expires "
        f"{_duration(settings.get('SESSION_COOKIE_AGE', 0))} after its last write and "
        "`clearsessions` removes it; the resident's access in it lapses after "
        f"{_duration(settings.get('MEDIATION_RESIDENT_IDLE_SECONDS', 0))} idle. Signing out "
        "would add a request without keeping session rows from piling up.\n",
        _table(header, rows),
        "".join(notes),
    ]


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _duration(seconds: int) -> str:
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600} hours"
    return f"{seconds // 60} minutes"


def _runs(statuses: list[int]) -> str:
    """``[302, 302, 429]`` -> ``2 x 302, then 1 x 429``."""
    runs: list[tuple[int, int]] = []
    for status in statuses:
        if runs and runs[-1][0] == status:
            runs[-1] = (status, runs[-1][1] + 1)
        else:
            runs.append((status, 1))
    return ", then ".join(f"{count} x {status}" for status, count in runs)


def _soak(results: Results) -> list[str]:
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


def _statuses(entry: Results) -> str:
    counts: dict[str, int] = {}
    for phase in entry["form"].values():  # the measured windows of the timed phases
        for status, number in {**phase["statuses"], **phase["exceptions"]}.items():
            counts[status] = counts.get(status, 0) + number
    return ", ".join(f"{status}: {number:,}" for status, number in sorted(counts.items()))


def render(results: Results) -> str:
    """Return the Markdown report."""
    sections = [
        _summary,
        _machine,
        _reproduce,
        _settings,
        casework.seeding_section,
        _form,
        _status,
        _soak,
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
