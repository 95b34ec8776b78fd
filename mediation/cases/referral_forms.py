"""Forms of the referral page: what to send to whom, then the check before sending."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import PacketLanguage
from mediation.cases.referral_packet import OPTIONAL_ITEMS


class ReferralForm(forms.Form):
    """Who is referred, to which partner, with which of the optional items.

    The choices come from the page's selector: the case's parties and the
    partners serving its community. The service checks them again.
    """

    party = forms.ChoiceField(
        label=_("Who is referred?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is referred.")},
    )
    partner = forms.ChoiceField(
        label=_("To which partner organisation?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a partner organisation.")},
    )
    items = forms.MultipleChoiceField(
        label=_("What else may be sent? (the kind of dispute is always sent)"),
        help_text=_(
            "Send only what the partner needs to help them. Safety answers, notes and "
            "anything about the other person are never sent."
        ),
        choices=[(item.value, item.label) for item in OPTIONAL_ITEMS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only from the items listed.")},
    )

    def __init__(
        self,
        *args: Any,
        parties: list[tuple[str, str]],
        partners: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = parties  # type: ignore[attr-defined]
        self.fields["partner"].choices = partners  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    """The coordinator's confirmation, and the party's agreement when it is not on record."""

    agreed = forms.BooleanField(
        label=_("I read them the notice above and they agreed to this being sent"),
        required=False,
    )
    notice_language = forms.ChoiceField(
        label=_("Which language did you read the notice in?"),
        choices=PacketLanguage.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, consent_needed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_needed = consent_needed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.consent_needed:
            if not cleaned.get("agreed"):
                self.add_error(
                    "agreed",
                    _("Read them the notice and confirm that they agreed, or do not send."),
                )
            if not cleaned.get("notice_language"):
                self.add_error("notice_language", _("Choose the language you read the notice in."))
        return cleaned
