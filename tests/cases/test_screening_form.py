"""The safety screening form: the process it suggests, and what it says about answers to fix."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from mediation.cases.models import (
    SafetyScreening,
    ScreeningDecision,
)
from mediation.cases.screening_questions import QUESTIONS, suggest_process
from tests.cases.screening_helpers import (
    ALARMING,
    CALM,
    _answers_url,
    _form,
    _requester,
    _screen_url,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


# The suggested process


def test_calm_answers_suggest_joint_sessions() -> None:
    suggestion = suggest_process(CALM)
    assert suggestion.decision == ScreeningDecision.JOINT
    assert [str(r) for r in suggestion.reasons] == ["No safety concern in the answers."]


@pytest.mark.parametrize(
    ("changes", "expected", "reason"),
    [
        ({"fear": "1"}, "remote", "The person is a little afraid of the other party."),
        ({"speak_freely": "not_sure"}, "remote", "not sure they could speak freely"),
        ({"stalking": "prefer_not"}, "remote", "Some questions were not answered"),
        ({"threats": "yes"}, "shuttle", "Threats or intimidation."),
        ({"control_money": "yes"}, "shuttle", "Controlling behaviour"),
        ({"fear": "2"}, "shuttle", "quite or very afraid"),
        ({"violence_ever": "yes"}, "shuttle", "Physical violence in the past."),
        ({"weapons": "has_access"}, "shuttle", "has or could get a weapon"),
        ({"children": "yes"}, "shuttle", "child protection"),
        ({"weapons": "used_or_threatened"}, "no_mediation", "A weapon has been used"),
        ({"sexual_coercion": "yes"}, "no_mediation", "Sexual pressure or force."),
        (
            {"violence_ever": "yes", "violence_recent": "yes", "fear": "3"},
            "no_mediation",
            "and the person is very afraid",
        ),
        (
            {"violence_ever": "yes", "violence_recent": "yes", "speak_freely": "no"},
            "no_mediation",
            "and the person could not speak freely",
        ),
    ],
)
def test_concerns_suggest_a_stricter_process_and_say_why(
    changes: dict[str, str], expected: str, reason: str
) -> None:
    suggestion = suggest_process({**CALM, **changes})
    assert suggestion.decision == expected
    assert any(reason in str(r) for r in suggestion.reasons)


def test_every_concern_is_listed_strictest_first() -> None:
    suggestion = suggest_process({**CALM, "fear": "1", "threats": "yes", "sexual_coercion": "yes"})
    assert [decision for decision, _reason in suggestion.concerns] == [
        "no_mediation",
        "shuttle",
        "remote",
    ]


def test_the_suggest_button_shows_the_suggestion_and_records_nothing(cast: Cast) -> None:
    case = cast.assigned_case
    response = client_for(cast.coordinator).post(
        _screen_url(case, _requester(case)),
        {**ALARMING, "held_privately": "on", "action": "suggest"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Suggested process: No mediation: refer elsewhere" in text
    assert "A weapon has been used or threatened." in text
    assert "There is a problem" not in text
    # The screener decides: nothing is chosen for them.
    assert 'value="no_mediation" id="id_decision_3" checked' not in text
    assert not SafetyScreening.objects.exists()


def test_the_screener_may_choose_other_than_the_suggestion_and_both_are_shown(
    cast: Cast,
) -> None:
    case = cast.assigned_case
    client = client_for(cast.coordinator)
    client.post(_screen_url(case, _requester(case)), _form({**CALM, "fear": "2"}, "remote"))
    screening = SafetyScreening.objects.get()
    assert screening.decision == ScreeningDecision.REMOTE
    text = client.get(_answers_url(case, screening)).content.decode()
    assert "Remote sessions" in text
    assert "Separate (shuttle) sessions" in text  # suggested
    assert "2: quite afraid" in text


# Validation


def test_missing_answers_are_listed_in_an_error_summary(cast: Cast) -> None:
    case = cast.assigned_case
    response = client_for(cast.coordinator).post(
        _screen_url(case, _requester(case)), {"action": "record"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    for question in QUESTIONS:
        assert escape(str(question.missing)) in text
    assert 'href="#id_weapons_0"' in text
    assert "Confirm that the screening is held privately" in text
    assert "Choose the process for this person." in text
    assert not SafetyScreening.objects.exists()


def test_an_invalid_choice_is_refused(cast: Cast) -> None:
    case = cast.assigned_case
    response = client_for(cast.coordinator).post(
        _screen_url(case, _requester(case)), _form({**CALM, "fear": "9"}, "sometimes")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose one of the answers given." in text
    assert "Choose one of the processes given." in text
    assert not SafetyScreening.objects.exists()


def test_recent_violence_that_never_happened_is_questioned(cast: Cast) -> None:
    case = cast.assigned_case
    response = client_for(cast.coordinator).post(
        _screen_url(case, _requester(case)), _form({**CALM, "violence_recent": "yes"}, "shuttle")
    )
    assert response.status_code == 400
    assert "The answers about physical violence disagree" in response.content.decode()
    assert not SafetyScreening.objects.exists()


def test_recording_without_a_process_asks_for_one_and_shows_the_suggestion(cast: Cast) -> None:
    case = cast.assigned_case
    data = _form({**CALM, "threats": "yes"})
    del data["decision"]
    response = client_for(cast.coordinator).post(_screen_url(case, _requester(case)), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the process for this person." in text
    assert "Suggested process: Separate (shuttle) sessions" in text
    # The answers given are kept on the page.
    assert 'name="threats" value="yes" id="id_threats_0" checked' in text


def test_the_form_groups_questions_in_fieldsets_and_asks_for_privacy_first(cast: Cast) -> None:
    case = cast.assigned_case
    text = client_for(cast.coordinator).get(_screen_url(case, _requester(case))).content.decode()
    for legend in ("Physical violence", "Threats and intimidation", "Control", "Weapons", "Fear"):
        assert f"<legend>{legend}</legend>" in text
    assert "separately from the other party and privately" in text
    assert text.index("held_privately") < text.index("violence_ever")
    assert "<script>" not in text.split("</head>")[1]
    assert 'style="' not in text
