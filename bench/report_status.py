"""The status check's part of the report: residents signing in to see their case.

Checks (counted requests per second, the throttles) and the section on the
status check under load. ``bench.report`` puts them into the checks and the
Markdown.
"""

from __future__ import annotations

from typing import Any

from bench.report_common import app_settings
from bench.report_common import check as _check
from bench.report_common import label as _label
from bench.report_common import latency_row as _latency_row
from bench.report_common import ms as _ms
from bench.report_common import outside_load as _outside_load
from bench.report_common import table as _table

Results = dict[str, Any]


STATUS_COUNTED = "sign-in POST + GET /status/case/"


STATUS_ROWS = (
    ("status_get", "GET /status/ (sign-in form; not counted)"),
    ("sign_in_post", "POST /status/ (sign-in, 302)"),
    ("case_get", "GET /status/case/ (status page, 200)"),
)


def checks(entry: Results, rate: float) -> list[dict[str, Any]]:
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


def section(results: Results) -> list[str]:
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
