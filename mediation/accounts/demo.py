"""Two-factor sign-in for the demo users: an authenticator key and recovery codes to print.

Demo data is refused in production (``load_demo_data``). Nothing here skips
the second step: the demo users sign in like everyone else, with a code made
from the printed key or one of the printed recovery codes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from mediation.accounts import recovery_codes, services, two_factor
from mediation.accounts.models import User
from mediation.accounts.otp import StaticToken
from mediation.audit.actors import Actor

ACTOR = Actor.system("load_demo_data")


@dataclass(frozen=True)
class DemoSecondFactor:
    authenticator_key: str
    recovery_codes: list[str]


def _demo_recovery_codes(username: str) -> list[str]:
    """Return the user's demo recovery codes, the same on every run (derived from SECRET_KEY)."""
    codes = []
    for number in range(recovery_codes.COUNT):
        digest = hmac.new(
            settings.SECRET_KEY.encode(),
            f"demo-recovery-code|{username}|{number}".encode(),
            hashlib.sha256,
        ).digest()
        codes.append(
            "".join(
                recovery_codes.ALPHABET[byte % len(recovery_codes.ALPHABET)]
                for byte in digest[: recovery_codes.LENGTH]
            )
        )
    return codes


def demo_second_factor(user: User) -> DemoSecondFactor:
    """Give ``user`` an authenticator key and recovery codes if missing; return what to print.

    Safe to run again: the key is kept, and only recovery codes not used yet
    are returned (all ten again once every one has been used).
    """
    device = two_factor.totp_device(user) or services.totp_device_create_confirmed(
        user=user, actor=ACTOR
    )
    codes = _demo_recovery_codes(user.username)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    if not stored:
        services.recovery_codes_issue(user=user, actor=ACTOR, codes=codes)
        stored = {recovery_codes.stored_form(code) for code in codes}
    unused = [code for code in codes if recovery_codes.stored_form(code) in stored]
    return DemoSecondFactor(
        authenticator_key=two_factor.secret_text(device),
        recovery_codes=[recovery_codes.display(code) for code in unused],
    )
