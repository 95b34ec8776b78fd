"""Turn the raw results into PASS/FAIL checks and the Markdown report docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

Results = dict[str, Any]

LIST, DETAIL = "GET /cases/", "GET /cases/<reference>/"


def _check(name: str, measured: str, target: str, passed: bool, kind: str) -> dict[str, Any]:
    return {
        "name": name,
        "measured": measured,
        "target": target,
        "passed": bool(passed),
        "kind": kind,  # "target": from the issue; "sanity": the run itself was sound
    }


def _label(size: int) -> str:
    return f"{size // 1000}k"


def _size_checks(entry: Results, targets: Results) -> list[dict[str, Any]]:
    label, checks = _label(entry["size"]), []
    rate = targets["form_requests_per_second"]
    form_get, journey = entry["form"]["form_get"], entry["form"]["form_journey"]
    for name, phase in (("GET /request/", form_get), ("GET + POST /request/ journeys", journey)):
        measured = phase["total"]["requests_per_second"]
        checks.append(
            _check(
                f"{label}: {name}, {phase['clients']} clients",
                f"{measured:.0f} req/s",
                f">= {rate:.0f} req/s",
                measured >= rate,
                "target",
            )
        )
    staff = entry["staff"]
    for kind, page, target in (
        ("list", LIST, targets["list_p50_ms"]),
        ("detail", DETAIL, targets["detail_p50_ms"]),
    ):
        p50 = staff[kind]["p50_ms"]
        checks.append(
            _check(
                f"{label}: {page} p50",
                f"{p50:.1f} ms",
                f"<= {target:.0f} ms",
                p50 <= target,
                "target",
            )
        )
    pages = entry["queries"]["list"] + entry["queries"]["detail"]
    most = max(page["queries"] for page in pages)
    checks.append(
        _check(
            f"{label}: SQL queries per page (list 5/50/200, case page)",
            ", ".join(str(page["queries"]) for page in pages),
            f"<= {targets['max_queries_per_page']} each",
            most <= targets["max_queries_per_page"],
            "target",
        )
    )
    errors = form_get["total"]["errors"] + journey["total"]["errors"]
    errors += sum(staff[kind]["errors"] for kind in ("list", "detail", "list_200"))
    errors += sum(page["status"] != 200 for page in pages)
    checks.append(_check(f"{label}: unexpected answers", str(errors), "0", errors == 0, "sanity"))
    made = sum(staff["requests_made"].values())
    written = staff["access_events_written"] + journey["access_events_written"]
    expected = made + journey["posts_ok_all"] + form_get["access_events_written"]
    checks.append(
        _check(
            f"{label}: access events written (one per staff page, one per request sent)",
            f"{written:,}",
            f"= {expected:,}",
            written == expected and form_get["access_events_written"] == 0,
            "sanity",
        )
    )
    probe = entry["throttle_probe"]
    checks.append(
        _check(
            f"{label}: throttle on (one client, {probe['limit'] + 1} POSTs)",
            f"last answer {probe['statuses'][-1]}",
            f"{probe['limit']} x 302, then 429",
            probe["throttled_after_limit"],
            "sanity",
        )
    )
    problems = len(entry["server_log_problems"])
    checks.append(
        _check(f"{label}: errors in gunicorn's log", str(problems), "0", not problems, "sanity")
    )
    return checks


def evaluate(results: Results) -> list[dict[str, Any]]:
    """Return one check per target (and per database size where the target says so)."""
    targets = results["targets"]
    seed_total = sum(part["wall_seconds"] for part in results["seeding"])
    seeded = sum(part["count"] for part in results["seeding"])
    checks = [
        _check(
            f"Seeding {seeded:,} cases",
            f"{seed_total:.1f} s ({seeded / seed_total:.0f} cases/s)",
            f"< {targets['seed_100k_seconds']:.0f} s",
            seed_total < targets["seed_100k_seconds"],
            "target",
        )
    ]
    by_size = {entry["size"]: entry for entry in results["sizes"]}
    for entry in by_size.values():
        checks += _size_checks(entry, targets)
    sizes = sorted(by_size)
    if len(sizes) >= 2:
        small, large = by_size[sizes[0]]["staff"], by_size[sizes[-1]]["staff"]
        factor = targets["growth_factor"]
        for kind, page in (("list", LIST), ("detail", DETAIL)):
            ratio = large[kind]["p50_ms"] / small[kind]["p50_ms"]
            checks.append(
                _check(
                    f"{page} p50, {_label(sizes[-1])} / {_label(sizes[0])}",
                    f"{ratio:.2f}x",
                    f"<= {factor}x",
                    ratio <= factor,
                    "target",
                )
            )
    order = {"target": 0, "sanity": 1}
    return sorted(checks, key=lambda check: order[check["kind"]])


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


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
    return [
        "# Benchmarks\n",
        "Generated by `make bench` (`bench/run.py`); do not edit by hand, run it again. "
        f"This run started {results['started_at']} and took "
        f"{results['runtime_seconds'] / 60:.1f} minutes. Raw figures, including the SQL of "
        "every counted query: `bench/out/results.json` (git-ignored).\n",
        f"**{passed} of {len(checks)} checks pass.** Targets come from the issue; the "
        "last rows check that the run itself was sound.\n",
        _table(["Check", "Measured", "Target", "Result"], rows),
    ]


def _machine(results: Results) -> list[str]:
    machine, versions = results["machine"], results["versions"]
    rows = [
        ["CPU", f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs"],
        ["Memory", f"{machine['memory_gib']} GiB"],
        ["OS, kernel", f"{machine['os']}, Linux {machine['kernel']}"],
        ["Python", versions["python"]],
        ["Django", versions["django"]],
        ["PostgreSQL (server)", versions["postgresql"]],
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
        "its CPUs, so the figures include the load client's own cost.\n",
    ]


def _reproduce(results: Results) -> list[str]:
    plan, first = results["plan"], results["sizes"][0]
    settings = first["queries"]["settings"]
    command = " ".join([".venv/bin/python", *first["gunicorn"]["command"][1:]])
    command = command.replace(f"127.0.0.1:{first['gunicorn']['port']}", "127.0.0.1:<free port>")
    steps = (
        "1. seeds the cases with `mediation.cases.seeding.seed_cases` (a data key per case, "
        f"AES-256-GCM encryption) in {plan['seed_processes']} processes of "
        f"{plan['seed_batch']:,}-case batches, then runs `VACUUM ANALYZE` (as autovacuum "
        "would soon after a bulk load), `CHECKPOINT` and `sync`, so that writing the load "
        "back to disk does not slow the commits measured next;\n"
        "2. in-process, against the same database: counts SQL queries per page "
        "(`django.test.Client`, coordinator force-logged-in, `CaptureQueriesContext`, the "
        "second request of each page) and times the case list against its selector alone;\n"
        "3. starts gunicorn; from the load client (separate processes, over loopback) signs "
        "in as the coordinator through the login form (CSRF included) and clicks, one request "
        f"at a time, {plan['staff_requests']} times through the case list and a case page "
        f"({plan['staff_references']} different references from the coordinator's community), "
        f"after {plan['staff_warmup_requests']} unmeasured rounds; then requests the 200-row "
        f"list {plan['wide_list_requests']} times;\n"
        f"4. runs the public form with {plan['form_clients']} concurrent clients, one process "
        "each with its own keep-alive connection: first GET `/request/` only, then resident "
        "journeys (GET `/request/`, take the `csrftoken` cookie and the hidden "
        "`csrfmiddlewaretoken`, POST a valid request, expect 302 to `/request/confirmation/`). "
        "Every journey is a new resident: no cookies and a fresh `X-Bench-Client` identity, "
        "which bench mode trusts the way a trusted proxy's header would be, so the per-client "
        f"throttle (`{settings['MEDIATION_REQUEST_FORM_RATE']}`) stays on without being hit. "
        f"Each phase runs {plan['form_warmup_seconds']:.0f} s unmeasured, then "
        f"{plan['form_seconds']:.0f} s measured (at most "
        f"{plan['form_max_requests_per_client']:,} requests per client). Then one client "
        "identity sends one POST more than the throttle allows, and the last must be "
        "answered 429;\n"
        "5. reads peak memory (VmHWM in `/proc/<pid>/status`) of the master and each worker "
        "after start, after the staff run and after the form load, then stops gunicorn.\n"
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
        "password per run. Then, at 10,000 cases and again after adding 90,000:\n",
        steps,
        "Latency is timed by the client from sending a request to reading the last byte of "
        "the answer; percentiles are nearest-rank. Requests per second are the requests "
        "measured divided by the measured window. Any answer other than the expected one "
        "(200, or a 302 to the confirmation page for a POST) counts as an error. The database "
        "is left in place after the run for inspection.\n",
    ]


def _settings(results: Results) -> list[str]:
    plan = results["plan"]
    settings = results["sizes"][0]["queries"]["settings"]
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
        "bench`) gave sync 482 req/s for GET `/request/` and 337 req/s for journeys, against "
        "530 and 346 for gthread with 4 threads and 467 and 343 with 8 threads, within the "
        "run-to-run spread; gthread was kept for keep-alive and for tolerance of slow "
        "clients and database waits.\n",
    ]


def _seeding(results: Results) -> list[str]:
    rows = [
        [
            f"{part['count']:,}",
            f"{part['reaching']:,}",
            f"{part['wall_seconds']:.1f} s",
            f"{part['cases_per_second']:.0f}",
            str(part["processes"]),
        ]
        for part in results["seeding"]
    ]
    total = sum(part["wall_seconds"] for part in results["seeding"])
    count = sum(part["count"] for part in results["seeding"])
    rows.append([f"**{count:,}**", "", f"**{total:.1f} s**", f"**{count / total:.0f}**", ""])
    return [
        "## Seeding\n",
        _table(["Cases added", "Seeded total", "Time", "Cases/s", "Processes"], rows),
        "Each case gets its own data key (wrapped by the master key), an encrypted "
        "description, a requester with encrypted contact details, a consent record, a lead "
        "mediator when its status calls for one, and an access event. Size of the database "
        f"at the end of the run: {results['database_size']}.\n",
    ]


def _form(results: Results) -> list[str]:
    rows = []
    for entry in results["sizes"]:
        label = _label(entry["size"])
        get_only, journey = entry["form"]["form_get"], entry["form"]["form_journey"]
        for name, part in (
            ("GET /request/ (GET only)", get_only["get"]),
            ("GET /request/ (in journeys)", journey["get"]),
            ("POST /request/ (in journeys)", journey["post"]),
        ):
            rows.append(
                [label, name, f"{part['count']:,}", f"{part['requests_per_second']:.0f}"]
                + [_ms(part[key]) for key in ("p50_ms", "p95_ms", "p99_ms")]
                + [str(part["errors"])]
            )
        total = journey["total"]
        rows.append(
            [
                *(label, "**journeys: GET + POST**", f"{total['count']:,}"),
                *(f"**{total['requests_per_second']:.0f}**", "", "", "", str(total["errors"])),
            ]
        )
    notes = []
    for entry in results["sizes"]:
        journey = entry["form"]["form_journey"]
        notes.append(
            f"- {_label(entry['size'])}: answers {_statuses(entry)}; the journeys created "
            f"{journey['cases_created']:,} cases and wrote {journey['access_events_written']:,} "
            "access events (warm-up included); the GET-only phase wrote "
            f"{entry['form']['form_get']['access_events_written']}.\n"
        )
    header = ["Cases", "Request", "Count", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Errors"]
    return [
        "## Public request form, 8 concurrent clients\n",
        _table(header, rows),
        "".join(notes),
    ]


def _staff(results: Results) -> list[str]:
    rows = []
    for entry in results["sizes"]:
        for kind, name in (
            ("list", "GET /cases/ (50 rows)"),
            ("detail", DETAIL),
            ("list_200", "GET /cases/?per_page=200"),
        ):
            part = entry["staff"][kind]
            rows.append(
                [
                    f"{entry['size']:,} ({entry['cases_at_start']:,} in the database)",
                    name,
                    f"{part['count']:,}",
                ]
                + [_ms(part[key]) for key in ("p50_ms", "p95_ms", "mean_ms")]
                + [str(part["errors"])]
            )
    return [
        "## Staff pages, one client at a time, signed in as the coordinator\n",
        _table(["Cases", "Page", "Requests", "p50 ms", "p95 ms", "mean ms", "Errors"], rows),
        "The coordinator sees the cases of one of the two communities, about half of them. "
        "The count at 100k includes the cases the 10k form run created.\n",
    ]


def _queries(results: Results) -> list[str]:
    plan = results["plan"]
    rows = []
    for entry in results["sizes"]:
        cells = [_label(entry["size"])]
        cells += [str(page["queries"]) for page in entry["queries"]["list"]]
        cells.append(", ".join(str(page["queries"]) for page in entry["queries"]["detail"]))
        rows.append(cells)
    header = ["Cases", *(f"list ?per_page={n}" for n in plan["query_page_sizes"])]
    return [
        "## SQL queries per page\n",
        _table([*header, "case page (3 cases)"], rows),
        "A list page: the session, the user, the user's roles, the access event INSERT, the "
        "page of cases with their community, the active assignments of those cases with "
        "their mediators. A case page: session, user, roles, the case with its data key and "
        "community, its parties, the access event INSERT, its assignments. The count does not "
        "depend on the page size or the number of cases.\n",
    ]


def _breakdown(results: Results) -> list[str]:
    rows = []
    for entry in results["sizes"]:
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
        f"{_label(e['size'])}: {e['queries']['breakdown']['ms_per_row']:.2f} ms"
        for e in results["sizes"]
    )
    share = ", ".join(
        f"{_label(e['size'])}: {e['queries']['breakdown']['template_share_of_list_page']:.0%}"
        for e in results["sizes"]
    )
    detail = ", ".join(
        f"{_label(e['size'])}: {e['queries']['breakdown'].get('detail_page_ms', 0):.1f} ms"
        for e in results["sizes"]
    )
    out = [
        "## Where the case list's time goes (in-process)\n",
        "Median of 30 requests through `django.test.Client` (no HTTP, no gunicorn), against "
        "the selector alone: `case_list_for_user` (roles, access event INSERT) and fetching "
        "the page of cases with their assignments. The rest is middleware, session and user, "
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


def _memory(results: Results) -> list[str]:
    rows = []
    for entry in results["sizes"]:
        memory = entry["memory"]
        final = memory["after_form"]
        master = final["master"]["vm_hwm_kib"]
        for number, worker in enumerate(final["workers"], start=1):
            peaks = []
            for stage in ("started", "after_staff", "after_form"):
                match = [w for w in memory[stage]["workers"] if w["pid"] == worker["pid"]]
                peaks.append(_mib(match[0]["vm_hwm_kib"]) if match else "–")
            rows.append(
                [
                    _label(entry["size"]),
                    f"worker {number}",
                    *peaks,
                    _mib(worker["vm_rss_kib"]),
                ]
            )
        rows.append([_label(entry["size"]), "master", "", "", _mib(master), ""])
    replaced = [e for e in results["sizes"] if e["memory"]["after_form"]["workers_replaced"]]
    return [
        "## Memory (MiB)\n",
        _table(
            [
                "Cases",
                "Process",
                "VmHWM after start",
                "VmHWM after staff run",
                "VmHWM after form load",
                "VmRSS at the end",
            ],
            rows,
        ),
        "gunicorn is restarted for each size, so each size has its own peaks. VmHWM counts "
        "pages shared with the master too. The staff run includes one sign-in: Django's "
        "Argon2 hasher uses 100 MiB of memory per password check (memory_cost=102400 KiB), "
        "which is what lifts the peak of the worker that served it; VmRSS shows it is given "
        "back. "
        + ("Workers were replaced during the run." if replaced else "No worker was replaced.")
        + "\n",
    ]


def _statuses(entry: Results) -> str:
    counts: dict[str, int] = {}
    for phase in entry["form"].values():
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
        _seeding,
        _form,
        _staff,
        _queries,
        _breakdown,
        _memory,
    ]
    parts: list[str] = []
    for section in sections:
        parts += section(results)
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)
