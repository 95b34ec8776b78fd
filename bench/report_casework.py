"""The casework parts of the report: staff pages, SQL per page, suggestions, PDFs, seeding.

Checks and sections for the casework issue's performance targets (triage queue,
case list and case page at 100,000 and 1,000,000 cases, queries per page,
assignment suggestions, agreement PDFs) and the foundation's (case list and
case page at 10,000 and 100,000 cases), and the seeding that shapes them.
``bench.report`` puts them into the checks and the Markdown.
"""

from __future__ import annotations

import re
from typing import Any

from bench.report_common import check, label, ms, outside_share, table

Results = dict[str, Any]

LIST, DETAIL, TRIAGE = "GET /cases/", "GET /cases/<reference>/", "GET /cases/triage/"
PAGES = {"list": LIST, "detail": DETAIL, "triage": TRIAGE}
STAFF_ROWS = (
    ("list", "GET /cases/ (50 rows)"),
    ("detail", DETAIL),
    ("triage", "GET /cases/triage/ (50 rows)"),
    ("list_200", "GET /cases/?per_page=200"),
)
FOUNDATION_SIZES = (10_000, 100_000)


# ---- checks ------------------------------------------------------------------------


def p50_target(kind: str, size: int, targets: Results) -> float | None:
    """The p50 target of a staff page at a size: the strictest that applies, if any."""
    applicable = []
    if size in FOUNDATION_SIZES and kind in ("list", "detail"):
        applicable.append(targets["list_p50_ms" if kind == "list" else "detail_p50_ms"])
    if size in targets.get("casework_sizes", ()):
        applicable.append(targets["casework_p50_ms"])
    return min(applicable) if applicable else None


def staff_checks(entry: Results, targets: Results) -> list[dict[str, Any]]:
    staff, checks = entry.get("staff"), []
    if staff is None:
        return []
    for kind, page in PAGES.items():
        target = p50_target(kind, entry["size"], targets)
        if target is None or kind not in staff:
            continue
        p50 = staff[kind]["p50_ms"]
        checks.append(
            check(
                f"{label(entry['size'])}: {page} p50",
                f"{p50:.1f} ms",
                f"<= {target:.0f} ms",
                p50 <= target,
                "target",
            )
        )
    return checks


def captured_pages(entry: Results) -> list[Results]:
    """Every page whose SQL the queries phase counted at this size."""
    queries = entry.get("queries", {})
    return [*queries.get("list", []), *queries.get("detail", []), *queries.get("pages", [])]


def query_check(entry: Results, targets: Results) -> list[dict[str, Any]]:
    pages = captured_pages(entry)
    if not pages:
        return []
    most, limit = max(page["queries"] for page in pages), targets["max_queries_per_page"]
    over = [f"{page_label(page)} {page['queries']}" for page in pages if page["queries"] > limit]
    return [
        check(
            f"{label(entry['size'])}: SQL queries per page ({len(pages)} pages: case list, "
            "case pages, triage queue, casework pages)",
            f"at most {most}" + (f"; over: {', '.join(over)}" if over else ""),
            f"<= {limit} each",
            most <= limit,
            "target",
        )
    ]


def staff_errors(entry: Results) -> int:
    """Unexpected answers on the staff pages and the pages whose SQL was counted."""
    staff = entry.get("staff", {})
    errors = sum(part["errors"] for kind, part in staff.items() if kind in dict(STAFF_ROWS))
    return errors + sum(page["status"] != 200 for page in captured_pages(entry))


def growth_checks(by_size: dict[int, Results], targets: Results) -> list[dict[str, Any]]:
    checks, factor = [], targets["growth_factor"]
    for small, large, kinds in targets.get("growth_pairs", ()):
        if "staff" not in by_size.get(small, {}) or "staff" not in by_size.get(large, {}):
            continue
        for kind in kinds:
            before, after = by_size[small]["staff"], by_size[large]["staff"]
            if kind not in before or kind not in after:
                continue
            ratio = after[kind]["p50_ms"] / before[kind]["p50_ms"]
            checks.append(
                check(
                    f"{PAGES[kind]} p50, {label(large)} / {label(small)}",
                    f"{ratio:.2f}x",
                    f"<= {factor}x",
                    ratio <= factor,
                    "target",
                )
            )
    return checks


def seeding_check(results: Results, targets: Results) -> list[dict[str, Any]]:
    """Seeding up to 100,000 cases (the target's size) within the target time."""
    parts = [part for part in results["seeding"] if part["reaching"] <= 100_000]
    if not parts:
        return []
    seconds = sum(part["wall_seconds"] for part in parts)
    count = sum(part["count"] for part in parts)
    reused = any(part.get("reused") for part in parts)
    return [
        check(
            f"Seeding {count:,} cases",
            f"{seconds:.1f} s ({count / seconds:.0f} cases/s)"
            + (" when first seeded (database reused)" if reused else ""),
            f"< {targets['seed_100k_seconds']:.0f} s",
            seconds < targets["seed_100k_seconds"],
            "target",
        )
    ]


def suggestion_runs(results: Results) -> list[Results]:
    """The suggestions phase's runs (one per number of cases; older results had one)."""
    runs = results.get("suggestions", [])
    return [runs] if isinstance(runs, dict) else list(runs)


def once_checks(results: Results, targets: Results) -> list[dict[str, Any]]:
    """Assignment suggestions, agreement PDFs, and the outside load while they ran."""
    checks, measured = [], []
    for figures in suggestion_runs(results):
        measured.append(figures)
        p95 = figures["suggestions"]["p95_ms"]
        checks.append(
            check(
                f"Assignment suggestions, {figures['mediators']} mediators, "
                f"{figures['cases_seeded']:,} cases assigned among them "
                f"(p95 of {figures['calls']} calls)",
                f"{p95:.1f} ms (p50 {figures['suggestions']['p50_ms']:.1f} ms)",
                f"< {targets['suggestions_ms']:.0f} ms",
                p95 < targets["suggestions_ms"],
                "target",
            )
        )
    if "pdf" in results:
        figures = results["pdf"]
        measured.append(figures)
        languages = figures["languages"]
        slowest = max(part["warm_max_seconds"] for part in languages.values())
        checks.append(
            check(
                f"Agreement PDF, one party's copy (slowest of {figures['repeat']} warm renders "
                f"in each of {', '.join(languages)})",
                f"{slowest:.2f} s",
                f"< {targets['pdf_seconds']} s",
                slowest < targets["pdf_seconds"],
                "target",
            )
        )
    if measured:
        cpus = results["machine"]["logical_cpus"]
        share = outside_share(measured, cpus)
        checks.append(
            check(
                "Suggestions and PDFs: CPU used outside the benchmark",
                f"{share:.1%} of {cpus} CPUs",
                f"< {targets['outside_cpu_share_max']:.0%}",
                share < targets["outside_cpu_share_max"],
                "sanity",
            )
        )
    if "reused_database" in results:
        state = results["reused_database"]["state"]
        checks.append(
            check(
                "Database seeded by this run",
                f"reused, seeded {state['seeded_at']} (BENCH_REUSE_DB)",
                "seeded from scratch",
                False,
                "sanity",
            )
        )
    return checks


# ---- sections ----------------------------------------------------------------------


def seeding_section(results: Results) -> list[str]:
    if not results["seeding"]:
        return []
    rows = []
    for part in results["seeding"]:
        history = part.get("history", {})
        casework = part.get("casework", {})
        rows.append(
            [
                f"{part['count']:,}",
                f"{part['reaching']:,}",
                f"{part['wall_seconds']:.1f} s" + (" (reused)" if part.get("reused") else ""),
                f"{part['cases_per_second']:.0f}",
                str(part["processes"]),
                f"{history.get('events_added', 0):,} in {history.get('wall_seconds', 0):.1f} s",
                f"{history.get('cases_flagged', 0):,}",
                f"{len(casework.get('cases', []))} in {casework.get('wall_seconds', 0):.1f} s",
            ]
        )
    total = sum(part["wall_seconds"] for part in results["seeding"])
    count = sum(part["count"] for part in results["seeding"])
    rows.append([f"**{count:,}**", "", f"**{total:.1f} s**", f"**{count / total:.0f}**"] + [""] * 4)
    header = [
        "Cases added",
        "Seeded total",
        "Time",
        "Cases/s",
        "Processes",
        "Timeline events added",
        "Cases safety-flagged",
        "Cases given casework",
    ]
    plan = results["plan"]
    return [
        "## Seeding\n",
        table(header, rows),
        "Each case gets its own data key (wrapped by the master key), an encrypted "
        "description, a requester with encrypted contact details, a consent record, a lead "
        "mediator when its status calls for one, and an access event "
        "(`mediation.cases.seeding`). The seeder writes cases in the state they reached but "
        "no timeline, so `bench/history.py` then gives every new case, in one SQL statement, "
        "the timeline events of the steps that led to its status and outcome (accepted, "
        "screened, assigned, sessions, agreement, follow-up, closure, with the workflow's "
        "reasons: none for a new request, up to 15, about 8 on average), and marks one case "
        f"in {plan.get('safety_flagged_one_in', 20)} as safety-flagged, as intake would. Then "
        f"`bench/casework.py` takes {plan.get('casework_cases', 0)} cases of the "
        "coordinator's community that are in sessions and, through the services staff use, "
        "records their other party, arranges two sessions, adds two case notes and a caucus "
        "note, writes the agreement (a copy per party, English and Chinese), moves them to "
        "follow-up and dates their first follow-up a week ago, so that the casework pages "
        "and the overdue list have something to show. Size of the database at the end of "
        f"the run: {results['database_size']}.\n",
    ]


def staff_section(results: Results) -> list[str]:
    entries = [entry for entry in results["sizes"] if "staff" in entry]
    if not entries:
        return []
    rows = []
    for entry in entries:
        for kind, name in STAFF_ROWS:
            if kind not in entry["staff"]:
                continue
            part = entry["staff"][kind]
            rows.append(
                [
                    f"{entry['size']:,} ({entry['cases_at_start']:,} in the database)",
                    name,
                    f"{part['count']:,}",
                ]
                + [ms(part[key]) for key in ("p50_ms", "p95_ms", "mean_ms")]
                + [str(part["errors"])]
            )
    queued = ", ".join(
        f"{label(entry['size'])}: {entry['triage_queue_cases']:,}"
        for entry in entries
        if "triage_queue_cases" in entry
    )
    calibrated = ", ".join(
        f"{label(entry['size'])}: {entry['calibration']['table_render_ms']:.2f} ms"
        for entry in entries
        if "calibration" in entry
    )
    drift = (
        " The CPU calibration (`bench/calibrate.py`, a fixed template workload, lower is a "
        f"faster machine) taken right before each size's staff pages: {calibrated}; "
        "compare it between sizes before reading a difference between them as the code's."
        if calibrated
        else ""
    )
    return [
        "## Staff pages, one client at a time, signed in as the coordinator\n",
        table(["Cases", "Page", "Requests", "p50 ms", "p95 ms", "mean ms", "Errors"], rows),
        "The coordinator sees the cases of one of the two communities, about half of them. "
        "Each round requests the case list, a case page (one of 50 random cases of the "
        "coordinator's community, with their seeded timelines) and the triage queue (new "
        "requests of the coordinator's community, oldest first, first page of 50), one "
        "after the other. New requests waiting in the coordinator's triage queue: "
        f"{queued or 'not counted'}. The count of cases at a size includes those the form "
        f"runs at the sizes before created.{drift}\n",
    ]


_REFERENCE = re.compile(r"^(/cases/|/assignment/cases/)[0-9A-Z]{10}/")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def page_label(page: Results) -> str:
    """``/cases/AB12CD34EF/notes/`` -> ``/cases/<ref>/notes/``; says who asked, if not the
    coordinator."""
    path = _UUID.sub("<copy>", _REFERENCE.sub(r"\1<ref>/", page["path"]))
    who = page.get("who", "coordinator")
    return f"{path} ({who})" if who != "coordinator" else path


def _page_rows(entries: list[Results]) -> list[list[str]]:
    labels: dict[str, dict[int, list[Results]]] = {}
    for entry in entries:
        for page in captured_pages(entry):
            name = page_label(page)
            if name == "/cases/<ref>/" and page.get("group", "") == "":
                name = "/cases/<ref>/ (3 random cases)"
            elif page.get("group", "") == "" and "per_page" in name:
                name = f"{name} (case list)"
            labels.setdefault(name, {}).setdefault(entry["size"], []).append(page)
    rows = []
    for name, by_size in labels.items():
        cells = [f"`{name}`"]
        for entry in entries:
            pages = by_size.get(entry["size"], [])
            counts = ", ".join(str(page["queries"]) for page in pages) or "–"
            timed = [page["median_ms"] for page in pages if "median_ms" in page]
            cells.append(counts + (f" ({ms(timed[0])} ms)" if timed else ""))
        rows.append(cells)
    return rows


def _repeated_queries(entries: list[Results]) -> str:
    """Name the pages that send the same SELECT twice within one request, if any."""
    repeated: dict[str, set[str]] = {}
    for entry in entries:
        for page in captured_pages(entry):
            sql = [query for query in page["sql"] if query.startswith("SELECT")]
            for query in {query for query in sql if sql.count(query) > 1}:
                table_name = (
                    query.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in query else "?"
                )
                repeated.setdefault(f"`{page_label(page)}`", set()).add(f"`{table_name}`")
    if not repeated:
        return "No page sends the same query twice.\n"
    return (
        "Sent twice within one request: "
        + "; ".join(f"{page}: {', '.join(sorted(t))}" for page, t in sorted(repeated.items()))
        + " (see the SQL in `bench/out/results.json`).\n"
    )


def queries_section(results: Results) -> list[str]:
    entries = [entry for entry in results["sizes"] if "queries" in entry]
    if not entries:
        return []
    header = ["Page"]
    header += [f"{label(entry['size'])}: queries (in-process median)" for entry in entries]
    return [
        "## SQL queries per page\n",
        "Counted in-process (`django.test.Client`, `CaptureQueriesContext`, the second "
        "request of each page), signed in as the coordinator unless said otherwise; the "
        "time in brackets is the median of 10 more requests in-process (3 for a PDF; fewer, "
        "at least 3, once they took 2 s), "
        "without HTTP or gunicorn, for comparison between pages and sizes. `<ref>` on the "
        "casework pages is a case `bench/casework.py` worked (sessions, notes, agreement, "
        "follow-ups); on `/assignment/cases/<ref>/` a case in screening with its other party "
        "recorded and no mediator yet; the mediator is that case's lead.\n",
        table(header, _page_rows(entries)),
        "A list page: the session, the user, the user's roles, the access event INSERT, the "
        "page of cases with their community, the active assignments of those cases with "
        "their mediators. A case page: session, user, roles, the case with its data key and "
        "community, its parties, the access event INSERT, its assignments, the statements "
        "added to it later, its latest timeline events. The count does not depend on the "
        "page size or the number of cases. " + _repeated_queries(entries),
    ]


def once_section(results: Results) -> list[str]:
    out = []
    runs = suggestion_runs(results)
    if runs:
        rows = []
        for figures in runs:
            for key, name in (
                ("suggestions", "`assignment_suggestions(case, limit=10)`"),
                ("page_selector", "`assignment_page` selector"),
            ):
                part = figures[key]
                rows.append(
                    [
                        f"{figures['cases_seeded']:,}",
                        name,
                        *(ms(part[stat]) for stat in ("p50_ms", "p95_ms", "max_ms")),
                        str(part["queries"]),
                    ]
                )
        first = runs[0]
        out += [
            f"## Assignment suggestions, a community of {first['mediators']} mediators\n",
            f"`bench/suggestions.py` on a {first['database']} database of its own (created "
            f"and dropped by Django's test machinery): {first['mediators']} mediators with "
            "varied languages, kinds of dispute, availability and limits and "
            f"{first['declarations_each']} declared acquaintances each, encrypted cases "
            "assigned among them for load (as many as the first column says; a mediator's "
            "load is counted from their assignments, so the history matters), a second "
            "community as noise, and one case in screening with a named other party. "
            f"{first['calls']} calls after a warm-up; "
            f"{first['candidates']} candidates ranked, {first['shown']} shown, "
            f"{first['conflicts_found']} conflict found. The page selector is what the "
            "assignment page calls: scope, access event, suggestions, history.\n",
            table(["Cases", "Call", "p50 ms", "p95 ms", "max ms", "Queries"], rows),
        ]
    if "pdf" in results:
        figures = results["pdf"]
        rows = [
            [
                f"`{language}`",
                f"{part['first_seconds']:.3f}",
                f"{part['warm_p50_seconds']:.3f}",
                f"{part['warm_max_seconds']:.3f}",
                f"{part['pdf_bytes'] / 1024:.0f}",
            ]
            for language, part in figures["languages"].items()
        ]
        served = [
            f"{label(entry['size'])}: "
            + ", ".join(
                f"{ms(page['median_ms'])} ms ({page['queries']} queries)"
                for page in entry["queries"].get("pages", [])
                if page.get("group") == "pdf"
            )
            for entry in results["sizes"]
            if any(page.get("group") == "pdf" for page in entry.get("queries", {}).get("pages", []))
        ]
        subsetting = (
            "HarfBuzz subsetting (libharfbuzz-subset0)"
            if figures["harfbuzz_subsetting"]
            else "fontTools subsetting (**libharfbuzz-subset0 missing**)"
        )
        out += [
            "## Agreement PDFs\n",
            "`bench/agreement_pdf.py`: one party's copy of a five-clause agreement, rendered "
            "by `agreement_pdf_render` (WeasyPrint, the CJK font embedded as a subset, "
            f"{subsetting}); the first render of each language apart (fontconfig, the font "
            f"file and the templates load then), then {figures['repeat']} warm renders.\n",
            table(["Language", "First s", "Warm p50 s", "Warm max s", "KiB"], rows),
            "Downloaded in-process from the casework case's agreement page, as the server "
            "answers it (scope, decrypting the terms, rendering, the access event), median "
            "of 3, English and Chinese copies: "
            + ("; ".join(served) if served else "not measured")
            + ".\n",
        ]
    return out
