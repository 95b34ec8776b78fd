"""One resident's walk through the request form, as a browser without JavaScript does it.

Each question is a page: GET it (for the CSRF token), POST the answer, expect a
302 to the next question. After the last question: GET the check page, POST
/request/send/, expect 200 with the case reference and the status code. The
draft between pages lives in the ``draft`` cookie, which ``Client`` keeps.
The answers mirror ``tests/intake/journey.py``, varied per resident.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

from bench.client import COMMUNITY_RADIO, Client, Response, csrf_token

STEPS = (
    "community",
    "dispute",
    "what-happened",
    "other-party",
    "contact",
    "language",
    "safety",
    "consent",
)
FIRST_PATH = "/request/"
CHECK_PATH = "/request/check/"
SEND_PATH = "/request/send/"
# Kinds of request, in the order a journey makes them; 8 + 8 + 1 + 1 per journey.
KINDS = ("step_get", "step_post", "check_get", "send_post")
REQUESTS_PER_JOURNEY = 2 * len(STEPS) + 2
REFERENCE = re.compile(r'class="reference">([^<]+)<')

CATEGORIES = ["neighbour", "family", "landlord_tenant", "consumer", "workplace", "other"]
STORIES = [
    "The people upstairs move furniture late every night and we cannot sleep.",
    "Our neighbour's tree drops leaves into our gutter and we cannot agree who trims it.",
    "My landlord kept the deposit for a carpet that was already worn when I moved in.",
    "楼上邻居每天晚上装修到很晚，我们多次沟通无果，希望调解。",
    "A shared parking space behind the flats has caused an argument for months.",
]
OTHER_PARTIES = ["the family in the flat above", "my landlord", "", "住在隔壁的邻居"]
TIMES = ["any", "mornings", "afternoons", "evenings", "weekends"]


def step_path(slug: str) -> str:
    return FIRST_PATH if slug == STEPS[0] else f"{FIRST_PATH}{slug}/"


def next_path(slug: str) -> str:
    """Where a valid answer to ``slug`` redirects (no safety concern, not changing)."""
    index = STEPS.index(slug)
    return step_path(STEPS[index + 1]) if index + 1 < len(STEPS) else CHECK_PATH


def answers(slug: str, page: str, rng: random.Random, serial: str) -> dict[str, str]:
    """Return a resident's answer to one question; ``page`` is the question's HTML."""
    if slug == "community":
        ids = COMMUNITY_RADIO.findall(page)
        return {"community": rng.choice(ids) if ids else ""}
    if slug == "dispute":
        return {"category": rng.choice(CATEGORIES)}
    if slug == "what-happened":
        return {"description": f"{rng.choice(STORIES)} (bench {serial})"}
    if slug == "other-party":
        return {
            "identity": rng.choice(OTHER_PARTIES),
            "approach": rng.choice(["centre", "myself", "unknown"]),
            "contact": "",
        }
    if slug == "contact":
        detail = f"resident-{serial}@example.org"
        return {"channel": "email", "detail": detail, "times": rng.choice(TIMES)}
    if slug == "language":
        return {"language": rng.choice(["en", "zh-hans"])}
    if slug == "safety":
        return {"violence": "no", "threats": "no", "fear": "no"}
    if slug == "consent":
        return {"mediation": "on", "contact": "on", "statistics": "on"}
    raise ValueError(slug)


@dataclass(frozen=True)
class Sample:
    """One request of a journey: its kind, step, start (monotonic), duration and outcome."""

    kind: str
    step: str
    started: float
    seconds: float
    ok: bool
    status: str  # "GET 200", "POST 302", ... or an exception's name


@dataclass
class Walk:
    samples: list[Sample] = field(default_factory=list)
    send_status: int = 0  # 0: the journey stopped before /request/send/ answered

    @property
    def completed(self) -> bool:
        return self.send_status == 200 and all(sample.ok for sample in self.samples)


def _note(walk: Walk, kind: str, step: str, answer: Response, ok: bool) -> bool:
    method = "GET" if kind.endswith("get") else "POST"
    status = f"{method} {answer.status}"
    walk.samples.append(Sample(kind, step, answer.started, answer.seconds, ok, status))
    return ok


def _page(client: Client, walk: Walk, kind: str, step: str, path: str) -> tuple[str, str]:
    """GET a page; return its body and CSRF token, or a '' token if the page is not right."""
    page = client.get(path)
    token = csrf_token(page)
    ok = page.status == 200 and bool(token) and "csrftoken" in client.cookies
    if step == STEPS[0]:
        ok = ok and bool(COMMUNITY_RADIO.search(page.body))
    _note(walk, kind, step, page, ok)
    return page.body, (token if ok else "")


def _journey(client: Client, walk: Walk, rng: random.Random, serial: str) -> None:
    for slug in STEPS:
        body, token = _page(client, walk, "step_get", slug, step_path(slug))
        if not token:
            return
        form = {"csrfmiddlewaretoken": token, **answers(slug, body, rng, serial)}
        answer = client.post_form(step_path(slug), form)
        ok = answer.status == 302 and answer.location == next_path(slug)
        if not _note(walk, "step_post", slug, answer, ok and "draft" in client.cookies):
            return
    _body, token = _page(client, walk, "check_get", "check", CHECK_PATH)
    if not token:
        return
    sent = client.post_form(SEND_PATH, {"csrfmiddlewaretoken": token})
    walk.send_status = sent.status
    confirmed = bool(REFERENCE.search(sent.body)) and 'id="status-code"' in sent.body
    ok = sent.status == 200 and confirmed and "draft" not in client.cookies
    _note(walk, "send_post", "send", sent, ok)


def walk(client: Client, rng: random.Random, serial: str) -> Walk:
    """Walk the whole form once as ``client``; stop at the first unexpected answer.

    A refused or reset connection ends the journey with a failed sample named after
    the exception, and the connection is closed so the next journey opens a new one.
    """
    result = Walk()
    try:
        _journey(client, result, rng, serial)
    except OSError as exc:
        client.close()
        failed = Sample("error", "", time.monotonic(), 0.0, False, type(exc).__name__)
        result.samples.append(failed)
    return result
