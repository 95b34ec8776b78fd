"""The data inventory of third-party apps' tables (Django, django-otp, django-axes):
classified, and minimised where they are personal."""

from __future__ import annotations

from mediation.privacy.classification import (
    AXES_UNUSED,
    CONFIG,
    ID,
    Audience,
    Classification,
    LegalBasis,
    NotPersonal,
    Personal,
    Pseudonymous,
    Retention,
    Subject,
    axes_access,
    otp_device,
)

THIRD_PARTY: dict[str, dict[str, Classification]] = {
    "admin.LogEntry": {
        "id": ID,
        "action_time": Pseudonymous("administrators' change history", Retention.ADMIN_HISTORY),
        "user": Pseudonymous("which administrator", Retention.ADMIN_HISTORY),
        "content_type": CONFIG,
        "object_id": Pseudonymous("which configuration object", Retention.ADMIN_HISTORY),
        "object_repr": NotPersonal(
            "the object's __str__, which never returns personal data (tested); personal "
            "data models are not registered in the admin"
        ),
        "action_flag": CONFIG,
        "change_message": NotPersonal("names of the changed fields only (Django's format)"),
    },
    "auth.Permission": {"id": ID, "name": CONFIG, "content_type": CONFIG, "codename": CONFIG},
    "auth.Group": {"id": ID, "name": CONFIG, "permissions": CONFIG},
    "contenttypes.ContentType": {"id": ID, "app_label": CONFIG, "model": CONFIG},
    "sessions.Session": {
        "session_key": NotPersonal("random session id"),
        "session_data": Personal(
            purpose=(
                "keeping a staff member signed in (user id, two-factor device id, sign-in and "
                "last-use times); showing a reference once after a request"
            ),
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.SESSION,
            subject=Subject.STAFF,
            visible_to=(),
            unencrypted_because=(
                "third-party table, minimised: holds a staff user id and at most a case "
                "reference shown once; never a resident's answers"
            ),
        ),
        "expire_date": NotPersonal("session expiry"),
    },
    "otp_totp.TOTPDevice": otp_device(
        key=Personal(
            purpose="second sign-in factor: the secret shared with the staff member's app",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.THE_STAFF_MEMBER,),
            unencrypted_because=(
                "third-party table (django-otp): checking a code needs the secret itself; "
                "shown once to its owner at set-up, never in the admin"
            ),
        ),
        step=CONFIG,
        t0=CONFIG,
        digits=CONFIG,
        tolerance=CONFIG,
        drift=NotPersonal("how far the app's clock is off, in 30-second steps"),
        last_t=Pseudonymous(
            "the time step of the last code accepted, so that no code works twice",
            Retention.STAFF_ACCOUNT,
        ),
    ),
    "otp_static.StaticDevice": otp_device(),
    "otp_static.StaticToken": {
        "id": ID,
        "device": NotPersonal("which set of recovery codes"),
        "token": Personal(
            purpose="signing in without the app: unused recovery codes (keyed hash only)",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(),
            unencrypted_because=(
                "a keyed hash (pepper outside the database), never a usable code; "
                "deleted when used or replaced"
            ),
        ),
    },
    "axes.AccessAttempt": axes_access(
        username=Pseudonymous(
            "counting failed sign-ins per username: a keyed hash of what was typed, never "
            "the text itself",
            Retention.SIGN_IN_ATTEMPTS,
        ),
        attempt_time=Pseudonymous("time of the latest failure", Retention.SIGN_IN_ATTEMPTS),
        get_data=NotPersonal("the sign-in page's query parameters, every value masked"),
        post_data=NotPersonal("the sign-in form's field names, every value masked"),
        failures_since_start=Pseudonymous("number of failures", Retention.SIGN_IN_ATTEMPTS),
    ),
    "axes.AccessAttemptExpiration": {
        "access_attempt": AXES_UNUSED,
        "expires_at": AXES_UNUSED,
    },
    "axes.AccessFailureLog": axes_access(
        username=AXES_UNUSED, attempt_time=AXES_UNUSED, locked_out=AXES_UNUSED
    ),
    "axes.AccessLog": axes_access(
        username=AXES_UNUSED,
        attempt_time=AXES_UNUSED,
        logout_time=AXES_UNUSED,
        session_hash=AXES_UNUSED,
    ),
}
