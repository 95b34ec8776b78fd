"""Messages to residents: only on the channel they consented to, with no case details."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import override

from mediation.cases.models import ContactChannel
from mediation.cases.references import display as display_reference
from mediation.cases.status_codes import display as display_code


def send_status_code_email(*, address: str, reference: str, code: str, language: str) -> None:
    """Email a new status code, in the person's language; nothing else about the case."""
    with override(language or settings.LANGUAGE_CODE):
        context = {"reference": display_reference(reference), "code": display_code(code)}
        subject = render_to_string("intake/email/new_code_subject.txt", context).strip()
        body = render_to_string("intake/email/new_code.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def can_email(contact: dict[str, object], contact_consent: bool) -> bool:
    return (
        contact_consent
        and contact.get("channel") == ContactChannel.EMAIL
        and bool(contact.get("detail"))
    )
