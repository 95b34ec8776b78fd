"""What residents see of a case's progress: coarse stages in plain words.

Residents never see internal states such as screening: a stage must not
reveal a safety screening or the other party's arrangements.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import Status


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ARRANGING = "arranging", _("Being arranged")
    SESSIONS = "sessions", _("Sessions")
    AGREEMENT = "agreement", _("Agreement")
    CLOSED = "closed", _("Closed")


STAGE_OF_STATUS: dict[str, Stage] = {
    Status.SUBMITTED: Stage.RECEIVED,
    Status.SCREENING: Stage.ARRANGING,
    Status.ASSIGNED: Stage.ARRANGING,
    Status.SESSIONS: Stage.SESSIONS,
    Status.AGREEMENT: Stage.AGREEMENT,
    Status.FOLLOW_UP: Stage.AGREEMENT,
    Status.NO_AGREEMENT: Stage.CLOSED,
    Status.WITHDRAWN: Stage.CLOSED,
    Status.CLOSED: Stage.CLOSED,
}

STAGE_EXPLANATIONS = {
    Stage.RECEIVED: _("The centre has your request. A coordinator will read it soon."),
    Stage.ARRANGING: _("A coordinator is arranging mediation and will contact you."),
    Stage.SESSIONS: _("Mediation sessions are being held."),
    Stage.AGREEMENT: _(
        "An agreement has been written. The centre may check later how it is going."
    ),
    Stage.CLOSED: _("The case is closed."),
}


def resident_stage(status: str) -> Stage:
    return STAGE_OF_STATUS[status]
