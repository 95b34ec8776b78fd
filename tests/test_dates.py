"""The date filters every page uses: one fixed style, in the current time zone."""

from __future__ import annotations

import datetime

from django.template import engines
from django.test import override_settings
from django.utils import timezone

MOMENT = datetime.datetime(2026, 11, 29, 23, 5, 59, tzinfo=datetime.UTC)


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_filters_need_no_load_tag() -> None:
    assert _render("{{ when|iso_minute }}", when=MOMENT) == "2026-11-29 23:05"


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_datetimes_are_shown_in_the_current_time_zone() -> None:
    # 23:05 UTC is 07:05 the next day in Shanghai: the date moves too.
    with timezone.override("Asia/Shanghai"):
        assert _render("{{ when|iso_minute }}", when=MOMENT) == "2026-11-30 07:05"
        assert _render("{{ when|iso_date }}", when=MOMENT) == "2026-11-30"
        assert _render("{{ when|hour_minute }}", when=MOMENT) == "07:05"
        assert _render("{{ when|iso_datetime }}", when=MOMENT) == "2026-11-30T07:05:59+08:00"


def test_each_filter_matches_djangos_date_filter_for_the_same_pattern() -> None:
    for mine, django_pattern in (
        ("iso_minute", 'date:"Y-m-d H:i"'),
        ("iso_date", 'date:"Y-m-d"'),
        ("hour_minute", 'time:"H:i"'),
        ("hour_minute_second", 'time:"H:i:s"'),
        ("iso_datetime", 'date:"c"'),
    ):
        ours = _render(f"{{{{ when|{mine} }}}}", when=MOMENT)
        theirs = _render(f"{{{{ when|{django_pattern} }}}}", when=MOMENT)
        assert ours == theirs, mine


def test_plain_dates_and_times() -> None:
    assert _render("{{ day|iso_date }}", day=datetime.date(2026, 1, 2)) == "2026-01-02"
    assert _render("{{ at|hour_minute }}", at=datetime.time(9, 7)) == "09:07"
    # A date has no time of day to show.
    assert _render("{{ day|iso_minute }}", day=datetime.date(2026, 1, 2)) == ""


def test_nothing_is_shown_for_an_empty_or_wrong_value() -> None:
    for value in (None, "", "2026-11-29", 0):
        source = "{{ v|iso_minute }}{{ v|iso_date }}{{ v|iso_datetime }}{{ v|hour_minute }}"
        assert _render(source, v=value) == ""


def test_localtime_off_shows_the_stored_time() -> None:
    with timezone.override("Asia/Shanghai"):
        source = "{% load tz %}{% localtime off %}{{ when|iso_minute }}{% endlocaltime %}"
        assert _render(source, when=MOMENT) == "2026-11-29 23:05"
