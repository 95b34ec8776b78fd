"""Checking second-factor codes against django-otp devices, and showing a new secret."""

from __future__ import annotations

from base64 import b32encode
from enum import Enum

import segno
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mediation.accounts import recovery_codes
from mediation.accounts.models import User
from mediation.accounts.otp import StaticDevice, TOTPDevice


class Check(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    # django-otp pauses a device for a growing time after each failure.
    PAUSED = "paused"


def totp_device(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator device, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    """Return the device holding the user's recovery codes, if they have one."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def check_totp(device: TOTPDevice, code: str) -> Check:
    """Check a 6-digit code; a code is accepted once only (django-otp remembers its step)."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = locked.verify_is_allowed()
        if not allowed:
            return Check.PAUSED
        return Check.ACCEPTED if locked.verify_token(code) else Check.WRONG


def check_recovery_code(device: StaticDevice, code: str) -> Check:
    """Check a recovery code and use it up if it is right."""
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = locked.verify_is_allowed()
        if not allowed:
            return Check.PAUSED
        accepted = locked.verify_token(recovery_codes.stored_form(code))
        return Check.ACCEPTED if accepted else Check.WRONG


def secret_text(device: TOTPDevice) -> str:
    """Return the device's secret in base32, in groups of four, for typing into an app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """Return the device's otpauth:// address as an inline SVG QR code (no script, no style)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=4,
        dark="#000",
        light="#fff",
        title=gettext("QR code to scan with your authenticator app"),
        svgclass="qr-code",
        lineclass=None,
    )
    # segno escapes the title and builds the rest from the code's modules only.
    return mark_safe(svg)  # noqa: S308
