"""English and Simplified Chinese are complete and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "mediation" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_strings() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    source = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po.translated_entries()}
    assert compiled == source, "Run: make messages"


def test_placeholders_survive_translation() -> None:
    """Named %-placeholders and {}-fields are kept, in singular and plural entries alike."""
    import re

    po = polib.pofile(str(CATALOGUE / "django.po"))
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for entry in po.translated_entries():
        if entry.msgid_plural:
            expected = sorted(pattern.findall(entry.msgid_plural))
            for translation in entry.msgstr_plural.values():
                assert sorted(pattern.findall(translation)) == expected, entry.msgid
        else:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
                entry.msgid
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "html_lang"),
    [
        ("en", "Your request for mediation", 'lang="en"'),
        ("zh-hans", "您的调解申请", 'lang="zh-hans"'),
    ],
)
def test_the_request_form_is_served_in_each_language(language, heading, html_lang) -> None:
    response = Client().get("/request/", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert heading in body
    assert f"<html {html_lang}>" in body


@pytest.mark.django_db
def test_the_language_switch_sets_the_language() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/request/"})
    assert response.status_code == 302
    assert "您的调解申请" in client.get("/request/").content.decode()


def test_choice_labels_are_translated() -> None:
    from mediation.cases.models import Category

    with translation.override("zh-hans"):
        assert str(Category.NEIGHBOUR.label) == "邻里纠纷"
