"""The case list's and triage queue's rows: the markup the template loops produced, escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

from mediation.cases.lists import CaseRow
from mediation.cases.templatetags.case_tables import case_list_rows, triage_rows

# The loops the two templates had, kept here as the reference markup.
LIST_LOOP = """{% for row in rows %}
    <tr>
      <td><a href="{{ row.url }}">{{ row.reference }}</a></td>
      <td>{{ row.category }}</td>
      <td>{{ row.status }}</td>
      <td>{{ row.community }}</td>
      <td>{{ row.submitted_at|iso_minute }}</td>
      <td>{{ row.mediators|default:"—" }}</td>
    </tr>
{% endfor %}"""
TRIAGE_LOOP = """{% load i18n %}{% for row in rows %}
    <tr>
      <td><a href="{{ row.url }}">{{ row.reference }}</a></td>
      <td>{{ row.category }}</td>
      <td>{{ row.community }}</td>
      <td>{{ row.channel }}</td>
      <td>{{ row.submitted_at|iso_minute }}</td>
      <td>{% if row.safety_flagged %}<span class="flag">{% translate "Needs safety screening" %}\
</span>{% else %}—{% endif %}</td>
    </tr>
{% endfor %}"""

ROWS = [
    CaseRow(
        url="/cases/7KQ3M9XWD2/",
        reference="7KQ3M-9XWD2",
        category="Neighbours",
        status="Submitted",
        community="north",
        submitted_at=datetime(2026, 11, 29, 23, 5, 59, tzinfo=UTC),
        mediators="",
        channel="Web form",
        safety_flagged=True,
    ),
    CaseRow(
        url='/cases/"><script>x</script>/',
        reference="<b>ref</b>",
        category="Family & friends",
        status="Sessions",
        community="o'hara",
        submitted_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        mediators="mei, <i>tom</i>",
        channel="Phone",
        safety_flagged=False,
    ),
]


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(("tag", "loop"), [(case_list_rows, LIST_LOOP), (triage_rows, TRIAGE_LOOP)])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rows_are_the_template_loops_markup(tag, loop, language: str) -> None:  # type: ignore[no-untyped-def]
    reference = engines["django"].from_string(loop)
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = _squeezed(reference.render({"rows": ROWS}))
        built = _squeezed(tag(ROWS))
    assert built == expected
    assert built.count("<tr>") == 2


def test_every_value_is_escaped_and_the_time_is_local() -> None:
    with timezone.override("Asia/Shanghai"):
        html = case_list_rows(ROWS)
    assert "<script>" not in html
    assert "&lt;b&gt;ref&lt;/b&gt;" in html
    assert "Family &amp; friends" in html
    assert "mei, &lt;i&gt;tom&lt;/i&gt;" in html
    assert "2026-11-30 07:05" in html  # 23:05 UTC is the next morning in Shanghai
    assert "<td>—</td>" in html  # no mediators yet


def test_triage_flags_only_the_flagged_request_in_the_language_of_the_page() -> None:
    with translation.override("zh-hans"):
        html = triage_rows(ROWS)
    flagged, plain = html.split("\n")
    assert '<span class="flag">' in flagged
    assert "Needs safety screening" not in flagged
    assert plain.endswith("<td>—</td></tr>")


def test_no_rows_no_markup() -> None:
    assert case_list_rows([]) == ""
    assert triage_rows([]) == ""
