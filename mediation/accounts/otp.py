"""The parts of django-otp this project uses, imported in one place.

django-otp ships no type hints; importing it here, once, keeps the
``type: ignore`` comments out of every other module.
"""

from django_otp import DEVICE_ID_SESSION_KEY  # type: ignore[import-untyped]
from django_otp import login as otp_login
from django_otp.models import Device  # type: ignore[import-untyped]
from django_otp.plugins.otp_static.models import (  # type: ignore[import-untyped]
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

__all__ = [
    "DEVICE_ID_SESSION_KEY",
    "Device",
    "StaticDevice",
    "StaticToken",
    "TOTPDevice",
    "otp_login",
]
