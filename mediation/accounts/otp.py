"""The parts of django-otp this project uses, imported in one place.

django-otp ships no type hints; importing it here, once, keeps the
``type: ignore`` comments out of every other module.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import (
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = [
    "DEVICE_ID_SESSION_KEY",
    "Device",
    "OTPMiddleware",
    "StaticDevice",
    "StaticToken",
    "TOTPDevice",
    "otp_login",
]
