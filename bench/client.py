"""A small HTTP/1.1 client over one keep-alive connection, with cookies and CSRF.

Standard library only (http.client), so that each simulated user is one cheap
process. Every request is timed from sending to the last byte of the body.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMMUNITY_RADIO = re.compile(r'name="community" value="(\d+)"')
_RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    started: float  # time.monotonic() when the request was sent

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """One user agent: a connection, a cookie jar and optional fixed headers."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.reconnects = 0

    def close(self) -> None:
        self.conn.close()

    def reset_identity(self, headers: dict[str, str] | None = None) -> None:
        """Forget cookies and use new fixed headers: a different person, same connection."""
        self.cookies = {}
        self.headers = dict(headers or {})

    def _send(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> Response:
        sent_at, started = time.monotonic(), time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        raw = self.conn.getresponse()
        data = raw.read()
        seconds = time.perf_counter() - started
        for header in raw.msg.get_all("Set-Cookie") or []:
            self._store_cookie(header)
        return Response(
            status=raw.status,
            headers={key.lower(): value for key, value in raw.getheaders()},
            body=data.decode("utf-8", "replace"),
            seconds=seconds,
            started=sent_at,
        )

    def _store_cookie(self, header: str) -> None:
        """Keep a cookie the server set; forget one it deleted (Max-Age=0, as Django does)."""
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            return self._send(method, path, body, headers)
        except _RETRYABLE:
            # The server closed an idle keep-alive connection. Send a GET once more on a
            # fresh connection; never repeat a POST (it may have been processed).
            self.conn.close()
            if method != "GET":
                raise
            self.reconnects += 1
            return self._send(method, path, body, headers)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, form: dict[str, str]) -> Response:
        return self.request("POST", path, form)


def csrf_token(page: Response) -> str:
    """Return the hidden CSRF input of a rendered form, or '' if there is none."""
    match = CSRF_INPUT.search(page.body)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class TotpKey:
    """What an authenticator app holds for one user: the key (hex) and TOTP parameters."""

    key: str
    step: int = 30
    t0: int = 0
    digits: int = 6
    drift: int = 0

    def code(self, steps_ahead: int = 0) -> str:
        """Return the code the app shows now (or ``steps_ahead`` steps from now)."""
        from django_otp.oath import TOTP  # the stdlib-only part of django-otp

        totp = TOTP(bytes.fromhex(self.key), self.step, self.t0, self.digits, self.drift)
        totp.time = time.time() + steps_ahead * self.step
        return f"{totp.token():0{self.digits}d}"


LOGIN_PATH = "/staff/login/"
VERIFY_PATH = "/staff/login/verify/"


def _form_page(client: Client, path: str) -> str:
    page = client.get(path)
    token = csrf_token(page)
    if page.status != 200 or not token or "csrftoken" not in client.cookies:
        raise RuntimeError(f"{path} answered {page.status} without a CSRF token.")
    return token


def login(client: Client, username: str, password: str, totp: TotpKey | None = None) -> int:
    """Sign in through the staff login form: password, then the 6-digit code if asked for.

    Each step is a GET for the CSRF token, then a POST. django-otp accepts a code
    once only, so if the current code is refused (used by a sign-in less than a
    step ago), the next step's code, which it also accepts, is tried once. Returns
    the access events the sign-in wrote: one per refused code, one for the sign-in.
    """
    token = _form_page(client, LOGIN_PATH)
    answer = client.post_form(
        LOGIN_PATH,
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""},
    )
    if answer.status != 302:
        raise RuntimeError(f"Login failed: {answer.status} {answer.location!r}")
    if not answer.location.startswith(VERIFY_PATH):
        if "sessionid" not in client.cookies:
            raise RuntimeError(f"Login went to {answer.location!r} without a session.")
        return 0  # one step only (before two-factor sign-in)
    if totp is None:
        raise RuntimeError(f"Login asks {username} for a code, and the bench has no key.")
    for refused, steps_ahead in enumerate((0, 1)):
        if refused:
            time.sleep(2)  # django-otp pauses a device for a second after a wrong code
        token = _form_page(client, VERIFY_PATH)
        answer = client.post_form(
            VERIFY_PATH, {"csrfmiddlewaretoken": token, "code": totp.code(steps_ahead)}
        )
        if answer.status == 302 and "sessionid" in client.cookies:
            return refused + 1
        if answer.status != 400:
            break
    raise RuntimeError(f"Second step failed: {answer.status} {answer.location!r}")
