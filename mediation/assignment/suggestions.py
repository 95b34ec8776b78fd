"""Assignment suggestions: the mediators of a case's community, ranked by fit, with reasons.

Three queries whatever the community's size: the parties' languages and
name hashes, the community's mediators with their profile, load, whether
they are on the case and whether they declared knowing a party (one query),
and the case's objections. Ranking and reasons are computed in Python over
plain values.
Benchmark: ``python -m bench.suggestions`` (500 mediators).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from mediation.accounts.models import Role, User
from mediation.assignment.conflicts import conflict_result
from mediation.assignment.models import (
    DEFAULT_MAX_ACTIVE_CASES,
    Availability,
    ConflictDeclaration,
    ConflictResult,
    Language,
    MediatorObjection,
)
from mediation.cases.models import Case, CaseAssignment, Category, Party

# Points for fit. Capacity, conflicts and objections order the list before points do.
LANGUAGE_POINTS = 2
CATEGORY_POINTS = 2
AVAILABILITY_POINTS = 1


def active_load() -> Coalesce:
    """Return an annotation: the user's active assignments on cases still in progress."""
    active = (
        CaseAssignment.objects.filter(
            mediator=OuterRef("pk"), ended_at__isnull=True, case_in_progress=True
        )
        .order_by()
        .values("mediator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), Value(0))


def community_mediators(community_id: int) -> QuerySet[User]:
    """Return the active users who hold the mediator role in the community."""
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.MEDIATOR,
        role_assignments__community_id=community_id,
    )


@dataclass(frozen=True)
class Suggestion:
    """One mediator who could take the case, why, and whether they may."""

    mediator_id: int
    username: str
    score: int
    load: int
    max_cases: int
    conflict: ConflictResult
    objected: bool
    has_profile: bool
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    @property
    def is_full(self) -> bool:
        return self.load >= self.max_cases

    @property
    def can_assign(self) -> bool:
        """Return whether nothing blocks the assignment ("cannot check" needs confirming)."""
        return self.conflict != ConflictResult.CONFLICT and not self.objected

    @property
    def needs_confirmation(self) -> bool:
        return self.conflict == ConflictResult.CANNOT_CHECK


@dataclass(frozen=True)
class CaseNeeds:
    """What the case asks of a mediator: the parties' languages, its category, their hashes."""

    languages: tuple[str, ...]
    category: str
    hashes: list[str]
    # The parties as (id, role), oldest first: the assignment page labels them from these.
    parties: tuple[tuple[uuid.UUID, str], ...] = ()


def case_needs(case: Case) -> CaseNeeds:
    rows = list(
        Party.objects.filter(case=case)
        .order_by("created_at", "pk")
        .values_list("pk", "role", "language", "name_index")
    )
    languages = tuple(sorted({row[2] for row in rows if row[2]}))
    return CaseNeeds(
        languages=languages,
        category=case.category,
        hashes=[row[3] for row in rows],
        parties=tuple((row[0], row[1]) for row in rows),
    )


@dataclass
class _Candidate:
    row: dict[str, Any]
    score: int = 0
    load: int = 0
    max_cases: int = DEFAULT_MAX_ACTIVE_CASES
    conflict: ConflictResult = ConflictResult.CANNOT_CHECK
    objected: bool = False

    @property
    def has_profile(self) -> bool:
        return self.row["mediator_profile__id"] is not None

    def sort_key(self) -> tuple[bool, bool, int, float, int, str]:
        blocked = self.conflict == ConflictResult.CONFLICT or self.objected
        full = self.load >= self.max_cases
        spare = self.load / self.max_cases if self.max_cases else 1.0
        return (blocked, full, -self.score, spare, self.load, self.row["username"])


_PROFILE_COLUMNS = (
    "id",
    "username",
    "mediator_profile__id",
    "mediator_profile__languages",
    "mediator_profile__categories",
    "mediator_profile__availability",
    "mediator_profile__max_active_cases",
)


def community_mediator_rows(case: Case, needs: CaseNeeds) -> list[dict[str, Any]]:
    """Return every active mediator of the case's community, in one query.

    Each row holds the profile columns, the current ``load``, whether the
    mediator is ``on_case`` already and whether they declared knowing one of
    the named parties (``declared``). The assignment page lists these
    mediators too, so it reads them once and passes them on.
    """
    named = [value for value in needs.hashes if value]
    declared = (
        Exists(ConflictDeclaration.objects.filter(mediator=OuterRef("pk"), name_hash__in=named))
        if named
        else Value(False)
    )
    on_case = Exists(
        CaseAssignment.objects.filter(case=case, mediator=OuterRef("pk"), ended_at__isnull=True)
    )
    return list(
        community_mediators(case.community_id)
        .annotate(load=active_load(), declared=declared, on_case=on_case)
        .values(*_PROFILE_COLUMNS, "mediator_profile__is_available", "load", "declared", "on_case")
    )


def _takes_cases(row: dict[str, Any]) -> bool:
    """Not on the case yet, and open to new cases (or without a profile yet)."""
    if row["on_case"]:
        return False
    return row["mediator_profile__id"] is None or bool(row["mediator_profile__is_available"])


def _score(candidate: _Candidate, needs: CaseNeeds) -> None:
    row = candidate.row
    languages = row["mediator_profile__languages"] or []
    points = LANGUAGE_POINTS * sum(1 for language in needs.languages if language in languages)
    if needs.category in (row["mediator_profile__categories"] or []):
        points += CATEGORY_POINTS
    if row["mediator_profile__availability"]:
        points += AVAILABILITY_POINTS
    candidate.score = points
    candidate.load = row["load"]
    if candidate.has_profile:
        candidate.max_cases = row["mediator_profile__max_active_cases"]


def assignment_suggestions(
    *,
    case: Case,
    limit: int | None = 10,
    needs: CaseNeeds | None = None,
    objected: set[int] | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> tuple[list[Suggestion], int]:
    """Return the best ``limit`` mediators for ``case`` (all with None), and how many there are.

    Candidates: active mediators of the case's community who take new cases
    (or have no profile yet) and are not on the case already. Order: nothing
    blocking before a conflict or an objection, room for a case before full,
    then by fit, then the lighter load. The caller has checked that the user
    may see the case. ``needs``, ``objected`` (the mediators a party objects
    to) and ``rows`` (``community_mediator_rows``) are read here unless the caller has
    them already.
    """
    needs = needs or case_needs(case)
    if rows is None:
        rows = community_mediator_rows(case, needs)
    candidates = [_Candidate(row=row) for row in rows if _takes_cases(row)]
    if objected is None:
        objected = set(
            MediatorObjection.objects.filter(case=case).values_list("mediator_id", flat=True)
        )
    for candidate in candidates:
        _score(candidate, needs)
        candidate.conflict = conflict_result(
            declared=candidate.row["declared"], hashes=needs.hashes
        )
        candidate.objected = candidate.row["id"] in objected
    candidates.sort(key=_Candidate.sort_key)
    chosen = candidates if limit is None else candidates[:limit]
    labels = _Labels()
    return [labels.suggestion(candidate, needs) for candidate in chosen], len(candidates)


class _Labels:
    """Reason texts, with the choice labels looked up once per call rather than per row."""

    def __init__(self) -> None:
        self.languages = {value: str(label) for value, label in Language.choices}
        self.categories = {value: str(label) for value, label in Category.choices}
        self.times = {value: str(label) for value, label in Availability.choices}

    def suggestion(self, candidate: _Candidate, needs: CaseNeeds) -> Suggestion:
        row = candidate.row
        reasons: list[str] = []
        concerns: list[str] = []
        if not candidate.has_profile:
            concerns.append(gettext("No profile yet: languages and kinds of dispute not known"))
        spoken = row["mediator_profile__languages"] or []
        for language in needs.languages:
            name = self.languages.get(language, language)
            if language in spoken:
                reasons.append(gettext("Speaks {language}").format(language=name))
            elif candidate.has_profile:
                concerns.append(gettext("Does not speak {language}").format(language=name))
        category = self.categories.get(needs.category, needs.category)
        if needs.category in (row["mediator_profile__categories"] or []):
            reasons.append(
                gettext("Handles this kind of dispute: {category}").format(category=category)
            )
        elif candidate.has_profile:
            concerns.append(
                gettext("Has not listed this kind of dispute: {category}").format(category=category)
            )
        load = gettext("{load} of {most} cases").format(
            load=candidate.load, most=candidate.max_cases
        )
        if candidate.load >= candidate.max_cases:
            concerns.append(gettext("Full: {load}").format(load=load))
        else:
            reasons.append(load)
        times = row["mediator_profile__availability"] or []
        if times:
            free = ", ".join(self.times[t] for t in Availability.values if t in times)
            reasons.append(gettext("Usually free: {times}").format(times=free))
        elif candidate.has_profile:
            concerns.append(gettext("No usual free times given"))
        if candidate.objected:
            concerns.append(gettext("A party has objected to this mediator"))
        return Suggestion(
            mediator_id=row["id"],
            username=row["username"],
            score=candidate.score,
            load=candidate.load,
            max_cases=candidate.max_cases,
            conflict=candidate.conflict,
            objected=candidate.objected,
            has_profile=candidate.has_profile,
            reasons=reasons,
            concerns=concerns,
        )
