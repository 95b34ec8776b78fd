"""Test data built through the same services the app uses."""

from __future__ import annotations

import factory
from django.db import transaction

from mediation.accounts.models import Community, Role, RoleAssignment, User
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Category,
    ContactChannel,
    IntakeChannel,
)
from mediation.cases.services import Contact, case_open

PASSWORD = "correct-horse-battery-staple"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"community-{n}")
    name_en = factory.Sequence(lambda n: f"Community {n}")
    name_zh = factory.Sequence(lambda n: f"社区{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: object = None) -> None:
        if create:
            instance.save()


def staff_with_role(role: Role, community: Community | None, username: str) -> User:
    user = UserFactory(username=username)
    RoleAssignment.objects.create(user=user, role=role, community=community)
    return user


def make_case(
    *,
    community: Community,
    description: str = "The neighbour's dog barks all night.",
    contact: Contact | None = None,
    category: Category = Category.NEIGHBOUR,
    mediator: User | None = None,
) -> Case:
    """Open a case with the real service (encrypted), optionally assigned to a mediator."""
    with transaction.atomic():
        case, _requester = case_open(
            community=community,
            category=category,
            description=description,
            requester_contact=contact
            or Contact(channel=ContactChannel.EMAIL, detail="resident@example.org"),
            intake_channel=IntakeChannel.WEB,
        )
    if mediator is not None:
        CaseAssignment.objects.create(case=case, mediator=mediator, role=AssignmentRole.LEAD)
    return case
