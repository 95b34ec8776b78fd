"""Fixtures shared by the casework tests of more than one module.

``case`` and ``second_case`` serve the session modules (``test_sessions.py``,
``test_session_changes.py``, ``test_session_pages.py``); a module that needs
its case in another state defines its own ``case``, which takes precedence.
``partner`` and ``web_audit_context`` serve the referral modules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mediation.audit.context import audit_context
from mediation.audit.models import Channel
from mediation.cases.models import Partner, PartnerKind
from tests.cases.casework import ready_for_sessions
from tests.conftest import Cast
from tests.factories import make_case


@pytest.fixture
def case(cast: Cast):
    return ready_for_sessions(cast.assigned_case)


@pytest.fixture
def second_case(cast: Cast):
    """Another case of the same mediator: where double bookings would come from."""
    other = make_case(community=cast.community, description="Second: hedge", mediator=cast.mediator)
    return ready_for_sessions(other)


@pytest.fixture
def partner(cast: Cast) -> Partner:
    partner = Partner.objects.create(
        slug="riverside-legal-aid",
        name_en="Riverside Legal Aid",
        name_zh="河畔法律援助中心",
        kind=PartnerKind.LEGAL_AID,
        email="referrals@legal-aid.example.org",
    )
    partner.communities.add(cast.community)
    return partner


@pytest.fixture
def web_audit_context() -> Iterator[None]:
    # Refusals inside a transaction are kept in the audit context, as in a request.
    with audit_context(channel=Channel.WEB):
        yield
