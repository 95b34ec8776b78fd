"""The status check under load: residents sign in with reference and code, see their case.

One visit is what a resident's browser without JavaScript does: GET /status/ (the
sign-in form, its CSRF token and cookie), POST /status/ with the reference and
the code as they were shown (``XXXXX-XXXXX``, ``XXXX-XXXX-XXXX-XXXX-XXXX``),
expect a 302 to /status/case/, GET /status/case/ and expect 200 with the
reference on the page. Every visit starts without cookies (a new browser
session) and stops at the first unexpected answer.

The residents are seeded with known codes (``bench.seed residents``). Client
``i`` of ``n`` takes residents ``i``, ``i + n``, ... in turn. Both throttles stay
on: each resident is one client identity (``X-Bench-Client``, trusted in bench
mode), and no resident signs in more often in a phase than the per-reference
budget allows, so neither the per-client nor the per-reference throttle is what
is measured. A client that has used all its residents that often stops early and
says so. ``status_throttle_probe`` then shows both throttles answering 429.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from bench.client import Client, csrf_token
from bench.journey import Sample
from bench.load import Row, run_clients, summarise_phase
from bench.stats import summarise

STATUS_PATH = "/status/"
CASE_PATH = "/status/case/"
# Kinds of request, in the order a visit makes them.
KINDS = ("status_get", "sign_in_post", "case_get")
# What the target counts: the sign-in and the status page (not the form page before them).
COUNTED = ("sign_in_post", "case_get")

Resident = tuple[str, str]  # (reference, code), both canonical (no separators)


def display_reference(reference: str) -> str:
    return f"{reference[:5]}-{reference[5:]}"


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def budget(rate: str) -> int:
    """Return the number of attempts a django-ratelimit rate allows: ``"10/15m"`` -> 10."""
    return int(rate.split("/", 1)[0])


@dataclass(frozen=True)
class StatusPhase:
    """One concurrent run of status checks."""

    name: str
    host: str
    port: int
    clients: int
    warmup_seconds: float
    seconds: float
    max_requests_per_client: int
    residents: tuple[Resident, ...]
    max_uses: int  # sign-ins per resident in this phase: at most the per-reference budget
    journey: ClassVar[bool] = False  # for ``load.summarise_phase``


def _note(samples: list[Sample], kind: str, method: str, answer: Any, ok: bool) -> bool:
    status = f"{method} {answer.status}"
    samples.append(Sample(kind, "", answer.started, answer.seconds, ok, status))
    return ok


def visit(client: Client, reference: str, code: str, see_case: bool = True) -> list[Sample]:
    """Sign in as one resident and (if ``see_case``) read their status page."""
    samples: list[Sample] = []
    try:
        page = client.get(STATUS_PATH)
        token = csrf_token(page)
        ok = page.status == 200 and bool(token) and "csrftoken" in client.cookies
        if not _note(samples, "status_get", "GET", page, ok):
            return samples
        form = {
            "csrfmiddlewaretoken": token,
            "reference": display_reference(reference),
            "code": display_code(code),
        }
        answer = client.post_form(STATUS_PATH, form)
        ok = answer.status == 302 and answer.location == CASE_PATH
        if not _note(samples, "sign_in_post", "POST", answer, ok and "sessionid" in client.cookies):
            return samples
        if see_case:
            case = client.get(CASE_PATH)
            ok = case.status == 200 and display_reference(reference) in case.body
            _note(samples, "case_get", "GET", case, ok)
    except OSError as exc:  # refused, reset, timed out: an error, then a new connection
        client.close()
        samples.append(Sample("error", "", time.monotonic(), 0.0, False, type(exc).__name__))
    return samples


def _row(sample: Sample) -> Row:
    return (sample.kind, sample.step, sample.started, sample.seconds, sample.ok, sample.status)


def _status_worker(
    phase: StatusPhase, index: int, start_at: float, queue: Any, _shared: Any
) -> None:
    """Run one client until the phase ends; put all its samples on ``queue``."""
    client = Client(phase.host, phase.port)
    mine = phase.residents[index :: phase.clients]
    stop_at = start_at + phase.warmup_seconds + phase.seconds
    rows: list[Row] = []
    visits, exhausted = 0, False
    time.sleep(max(0.0, start_at - time.monotonic()))
    while len(rows) < phase.max_requests_per_client and time.monotonic() < stop_at:
        if visits >= len(mine) * phase.max_uses:
            exhausted = True
            break
        reference, code = mine[visits % len(mine)]
        client.reset_identity({"X-Bench-Client": f"status-{reference}"})
        rows += [_row(sample) for sample in visit(client, reference, code)]
        visits += 1
    client.close()
    queue.put(
        {
            "index": index,
            "rows": rows,
            "reconnects": client.reconnects,
            "visits": visits,
            "residents": len(mine),
            "max_uses": math.ceil(visits / len(mine)),
            "exhausted": exhausted,
        }
    )


def run_status_phase(phase: StatusPhase) -> dict[str, Any]:
    """Run ``phase`` with one process per client; return per-kind and counted summaries."""
    if len(phase.residents) < phase.clients:
        raise ValueError(f"{phase.name}: fewer residents than clients")
    reports, start_at = run_clients(_status_worker, phase)
    measure_from = start_at + phase.warmup_seconds
    stop_at = measure_from + phase.seconds
    result = summarise_phase(phase, reports, measure_from, stop_at, kind_order=KINDS)
    rows: list[Row] = [row for report in reports for row in report["rows"]]
    measured = [row for row in rows if measure_from <= row[2] < stop_at]
    counted = [row for row in measured if row[0] in COUNTED]
    wall = result["wall_seconds"]
    pages = [row for row in measured if row[0] == "case_get" and row[4]]
    result["counted"] = {
        "kinds": list(COUNTED),
        "count": len(counted),
        "requests_per_second": len(counted) / wall if wall else 0.0,
        "errors": sum(1 for row in counted if not row[4]),
        **{
            key: value
            for key, value in summarise([row[3] for row in counted]).items()
            if key != "count"
        },
    }
    result["visits"] = {
        "completed": len(pages),
        "per_second": len(pages) / wall if wall else 0.0,
        "completed_all": sum(1 for row in rows if row[0] == "case_get" and row[4]),
        "sign_ins_all": sum(1 for row in rows if row[0] == "sign_in_post"),
        "signed_in_all": sum(1 for row in rows if row[0] == "sign_in_post" and row[4]),
        "refused_all": sum(1 for row in rows if row[5] == "POST 429"),
    }
    result["residents"] = {
        "count": len(phase.residents),
        "max_uses_allowed": phase.max_uses,
        "max_uses": max(int(report["max_uses"]) for report in reports),
        "clients_out_of_residents": sum(1 for report in reports if report["exhausted"]),
    }
    result["reconnects"] = sum(int(report["reconnects"]) for report in reports)
    return result


def _sign_in_status(client: Client, reference: str, code: str) -> int:
    """Sign in once; return the POST's status, or 0 if it was not reached."""
    samples = visit(client, reference, code, see_case=False)
    posts = [sample for sample in samples if sample.kind == "sign_in_post"]
    return int(posts[0].status.split()[1]) if posts else 0


def status_throttle_probe(
    *, host: str, port: int, residents: list[Resident], client_rate: str, reference_rate: str
) -> dict[str, Any]:
    """Show both throttles on the sign-in: each answers 429 one attempt past its budget.

    Per reference: one resident signs in ``reference budget + 1`` times, each time
    as a new client. Per client: one client signs in ``client budget + 1`` times,
    each time as another resident. All with the right codes; the residents are
    not the load's. Every sign-in writes one access event ('login party', refused or not).
    """
    by_reference_limit, by_client_limit = budget(reference_rate), budget(client_rate)
    if len(residents) < by_client_limit + 2:
        raise ValueError("status throttle probe: too few residents")
    client = Client(host, port)
    reference, code = residents[0]
    by_reference = []
    for _ in range(by_reference_limit + 1):
        client.reset_identity({"X-Bench-Client": f"status-probe-{uuid.uuid4().hex}"})
        by_reference.append(_sign_in_status(client, reference, code))
    identity = f"status-probe-{uuid.uuid4().hex}"
    by_client = []
    for reference, code in residents[1 : by_client_limit + 2]:
        client.reset_identity({"X-Bench-Client": identity})
        by_client.append(_sign_in_status(client, reference, code))
    client.close()
    return {
        "reference_rate": reference_rate,
        "client_rate": client_rate,
        "by_reference": by_reference,
        "by_client": by_client,
        "refused": sum(status == 429 for status in by_reference + by_client),
        "signed_in": sum(status == 302 for status in by_reference + by_client),
        "passed": (
            by_reference == [302] * by_reference_limit + [429]
            and by_client == [302] * by_client_limit + [429]
        ),
    }


def probe_residents(client_rate: str) -> int:
    """How many residents the probe needs: one for the reference, one per client attempt."""
    return 1 + budget(client_rate) + 1
