"""How the run was set up, in the report: machine and versions, how to reproduce, settings.

``bench.report`` puts these sections after the summary.
"""

from __future__ import annotations

from typing import Any

from bench.config import DEFAULT_SIZE_PHASES, PHASES
from bench.report_common import app_settings
from bench.report_common import table as _table

Results = dict[str, Any]


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


def _calibration(results: Results) -> str:
    taken = results.get("calibration")
    if not taken:
        return "not taken (a run before `bench/calibrate.py`)"
    start, end = taken.get("start", {}), taken.get("end", {})
    figures = ", ".join(
        f"{entry['table_render_ms']:.2f} ms at the {when}"
        for when, entry in (("start", start), ("end", end))
        if entry
    )
    return (
        f"{figures}: a 50-row table rendered by Django's template engine, none of this "
        "application's code (`bench/calibrate.py`); compare it across runs to tell a slower "
        "machine from slower code"
    )


def machine_section(results: Results) -> list[str]:
    machine, versions = results["machine"], results["versions"]
    rows = [
        ["CPU", f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs"],
        ["Memory", f"{machine['memory_gib']} GiB"],
        ["OS, kernel", f"{machine['os']}, Linux {machine['kernel']}"],
        ["Code measured", _code(results)],
        ["CPU calibration", _calibration(results)],
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


def reproduce_section(results: Results) -> list[str]:
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


def settings_section(results: Results) -> list[str]:
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
        f"### Worker class: {plan['worker_class']}, {threads} thread{'s' if threads != 1 else ''} "
        "per worker\n",
        "Two worker processes, one per core, as the issue asks, each serving one request at "
        "a time (decision 0018). gthread keeps connections alive between requests, which "
        "gunicorn's sync worker does not. The application is CPU-bound Python, so threads "
        "in one process take turns at the GIL: with 4 threads per worker the status check "
        "made 171-183 requests/s in six runs at 10,000 cases, with one thread 196-209 in "
        "six, and its p50 fell from ~35 to ~27 ms; whole form journeys, which commit ten "
        "times each, varied more between runs (240-443 requests/s) than between thread "
        "counts. A slow client would hold a worker, so production serves through a "
        "reverse proxy that buffers requests and answers (docs/operations.md). "
        "`BENCH_THREADS` and `BENCH_WORKER_CLASS` change this for comparison.\n",
    ]
