"""Changes to staff accounts: two-factor devices, recovery codes, sessions, deactivation.

Every function records what it did in the access log, with purpose
"authentication"; sign-in failures and refusals are recorded so that no
rollback can remove them. The log holds plain ids and codes, never a
username, a code or a session key.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from mediation.accounts import lockout, recovery_codes
from mediation.accounts.models import User
from mediation.accounts.otp import StaticDevice, StaticToken, TOTPDevice
from mediation.accounts.sessions import Expiry
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Outcome, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused

# Object types in the access log.
STAFF_USER = "staff_user"
STAFF_SESSION = "staff_session"
TOTP_DEVICE = "totp_device"
RECOVERY_CODES = "recovery_codes"
TWO_FACTOR = "two_factor"
ADMIN_SITE = "admin_site"

TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


# ---- sign-in events -------------------------------------------------------


def sign_in_failed(*, user_id: int | None) -> None:
    """Record a wrong username or password (``user_id`` is None when no such user exists)."""
    access_event_record_refused(
        actor=Actor.anonymous(),
        action=Action.LOGIN,
        object_type=STAFF_USER,
        object_id=user_id,
        purpose=Purpose.AUTHENTICATION,
        outcome=Outcome.FAILED,
    )


def sign_in_refused(*, user_id: int | None) -> None:
    """Record an attempt refused unchecked (username locked out, client over its rate).

    Also recorded, after the failure itself, for the failure that locks a username out.
    """
    access_event_record_refused(
        actor=Actor.anonymous(),
        action=Action.LOGIN,
        object_type=STAFF_USER,
        object_id=user_id,
        purpose=Purpose.AUTHENTICATION,
        outcome=Outcome.REFUSED,
    )


def second_step_failed(*, user_id: int, object_type: str, device_id: int | None) -> None:
    """Record a wrong code after a right password (``object_type``: TOTP_DEVICE, RECOVERY_CODES)."""
    access_event_record_refused(
        actor=Actor.staff(user_id),
        action=Action.LOGIN,
        object_type=object_type,
        object_id=device_id,
        purpose=Purpose.AUTHENTICATION,
        outcome=Outcome.FAILED,
    )


def second_step_throttled(*, user_id: int, object_type: str, device_id: int | None) -> None:
    """Record a code refused unchecked because the device is pausing after failures."""
    access_event_record_refused(
        actor=Actor.staff(user_id),
        action=Action.LOGIN,
        object_type=object_type,
        object_id=device_id,
        purpose=Purpose.AUTHENTICATION,
        outcome=Outcome.REFUSED,
    )


def sign_in_succeeded(*, user: User, object_type: str, device_id: int) -> None:
    """Record a completed sign-in and which kind of second factor completed it."""
    access_event_record(
        actor=Actor.staff(user.pk),
        action=Action.LOGIN,
        object_type=object_type,
        object_id=device_id,
        purpose=Purpose.AUTHENTICATION,
    )


def signed_out(*, user_id: int) -> None:
    """Record that a staff member signed out."""
    access_event_record(
        actor=Actor.staff(user_id),
        action=Action.DELETE,
        object_type=STAFF_SESSION,
        object_id=user_id,
        purpose=Purpose.AUTHENTICATION,
    )


def session_expired(*, user_id: int, expiry: Expiry) -> None:
    """Record a staff session ended by a timeout (or lacking the sign-in stamp)."""
    access_event_record(
        actor=Actor.system(f"session_{expiry.value}"),
        action=Action.DELETE,
        object_type=STAFF_SESSION,
        object_id=user_id,
        purpose=Purpose.AUTHENTICATION,
    )


def admin_site_refused(*, user_id: int) -> None:
    """Record a signed-in staff member without admin rights refused by the admin site."""
    access_event_record_refused(
        actor=Actor.staff(user_id),
        action=Action.VIEW,
        object_type=ADMIN_SITE,
        object_id=None,
        purpose=Purpose.AUTHENTICATION,
    )


def staff_account_accessed(*, actor: Actor, action: Action, user_id: object) -> None:
    """Record an administrator listing, reading or changing staff accounts in the admin.

    ``user_id`` is None for a list. Called inside the admin's transaction for a change.
    """
    access_event_record(
        actor=actor,
        action=action,
        object_type=STAFF_USER,
        object_id=user_id,
        purpose=Purpose.AUTHENTICATION,
    )


# ---- two-factor devices ---------------------------------------------------


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating one with a new secret."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        return device


def totp_device_confirm(*, device: TOTPDevice) -> None:
    """Make ``device`` the user's authenticator (its code has been checked by the caller).

    Any other authenticator device of the user, confirmed or not, is removed:
    one app per person.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        access_event_record(
            actor=Actor.staff(device.user_id),
            action=Action.CREATE,
            object_type=TOTP_DEVICE,
            object_id=device.pk,
            purpose=Purpose.AUTHENTICATION,
        )


def totp_device_create_confirmed(*, user: User, actor: Actor) -> TOTPDevice:
    """Give ``user`` a ready authenticator device (demo data); return it to show its secret."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        access_event_record(
            actor=actor,
            action=Action.CREATE,
            object_type=TOTP_DEVICE,
            object_id=device.pk,
            purpose=Purpose.AUTHENTICATION,
        )
        return device


def recovery_codes_issue(*, user: User, actor: Actor, codes: list[str] | None = None) -> list[str]:
    """Replace the user's recovery codes with ``codes`` (new random ones by default).

    Return the codes in canonical form: the only time they exist in the clear.
    """
    issued = (
        codes
        if codes is not None
        else [recovery_codes.new_code() for _ in range(recovery_codes.COUNT)]
    )
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=recovery_codes.stored_form(code)) for code in issued
        )
        access_event_record(
            actor=actor,
            action=Action.CREATE,
            object_type=RECOVERY_CODES,
            object_id=device.pk,
            purpose=Purpose.AUTHENTICATION,
        )
    return issued


def recovery_codes_remaining(*, user: User) -> int:
    """Return how many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# ---- sessions and deactivation --------------------------------------------


def user_sessions_end(*, user: User, actor: Actor) -> None:
    """End every session of ``user`` at once, wherever it is.

    The session generation is part of the hash Django checks on each request
    (``User._get_session_auth_hash``), so raising it invalidates them all.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        access_event_record(
            actor=actor,
            action=Action.DELETE,
            object_type=STAFF_SESSION,
            object_id=user.pk,
            purpose=Purpose.AUTHENTICATION,
        )


def user_lockout_lift(*, user: User, actor: Actor) -> None:
    """Let ``user`` try to sign in again before the cool-off ends (an administrator's action)."""
    lockout.lockout_reset(user.username)
    access_event_record(
        actor=actor,
        action=Action.UPDATE,
        object_type=STAFF_USER,
        object_id=user.pk,
        purpose=Purpose.AUTHENTICATION,
    )


def user_deactivate(*, user: User, actor: Actor) -> None:
    """Disable ``user``'s account and end every session they have."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        access_event_record(
            actor=actor,
            action=Action.UPDATE,
            object_type=STAFF_USER,
            object_id=user.pk,
            purpose=Purpose.AUTHENTICATION,
        )
        user_sessions_end(user=user, actor=actor)


def user_two_factor_reset(*, user: User, actor: Actor) -> None:
    """Remove the user's authenticator and recovery codes and end their sessions.

    At the next sign-in, after the password, they set up an authenticator again.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        access_event_record(
            actor=actor,
            action=Action.DELETE,
            object_type=TWO_FACTOR,
            object_id=user.pk,
            purpose=Purpose.AUTHENTICATION,
        )
        user_sessions_end(user=user, actor=actor)
