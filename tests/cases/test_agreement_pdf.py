"""Agreement PDFs: each party's copy in their language, read back with pypdf.

The text is extracted from the PDF itself, so these tests see what a printer
would print: the terms, the labels in the copy's language, the centre's name
in that language, and for Chinese an embedded subset of WenQuanYi Micro Hei.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
from django.utils import translation
from django.utils.translation import gettext
from weasyprint import HTML

from mediation.accounts.models import Community
from mediation.audit.models import AccessEvent, Action, ActorRole, Outcome
from mediation.cases.agreement_pdf import (
    AgreementDocument,
    NoFetching,
    agreement_html,
    agreement_pdf_render,
    harfbuzz_subsetting_available,
)
from mediation.cases.models import Agreement, AgreementCopy, Case, FollowUp, PartyRole
from mediation.cases.references import display
from tests.cases.agreement_fixtures import (
    CHINESE_TERMS,
    ENGLISH_TERMS,
    bring_to_sessions,
    parties,
    write_agreement,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

SUBSET_PREFIX = re.compile(r"^/[A-Z]{6}\+")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _copy(case: Case, role: str) -> AgreementCopy:
    agreement = Agreement.objects.filter(case=case).latest("recorded_at")
    return agreement.copies.get(party__role=role)


@pytest.fixture
def agreed_case(cast: Cast) -> Case:
    cast.community.name_en = "Riverside Mediation Centre"
    cast.community.name_zh = "河畔社区人民调解委员会"
    cast.community.save()
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    return case


def _download(cast: Cast, case: Case, role: str) -> tuple[bytes, str]:
    copy = _copy(case, role)
    response = client_for(cast.mediator).get(
        f"/cases/{case.reference}/agreement/copies/{copy.pk}.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content, response["Content-Disposition"]


def test_english_copy_holds_the_terms_labels_and_centre_name(cast: Cast, agreed_case: Case) -> None:
    pdf, _disposition = _download(cast, agreed_case, PartyRole.REQUESTER)
    text = _text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "Music stops at 10 pm on weekdays." in text
    assert "The requester pays half of the repair." in text
    assert "Riverside Mediation Centre" in text
    assert display(agreed_case.reference) in text
    with translation.override("en"):
        for label in ("Mediation agreement", "What the parties agreed", "What happens next"):
            assert gettext(label) in text
    # No other party's terms on this party's copy.
    assert "播放音乐" not in text


def test_chinese_copy_holds_the_chinese_terms_and_centre_name(
    cast: Cast, agreed_case: Case
) -> None:
    pdf, _disposition = _download(cast, agreed_case, PartyRole.OTHER_PARTY)
    text = _text(pdf)
    assert "工作日晚上十点以后不再播放音乐。" in text
    assert "申请人承担一半的维修费用。" in text
    assert "河畔社区人民调解委员会" in text
    assert display(agreed_case.reference) in text
    assert "Music stops" not in text
    # Dates in Chinese form, e.g. 2026年11月29日.
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)


def test_chinese_copy_uses_the_catalogues_translations(cast: Cast, agreed_case: Case) -> None:
    """Whatever the zh-Hans catalogue says (English until translated) is what is printed."""
    pdf, _disposition = _download(cast, agreed_case, PartyRole.OTHER_PARTY)
    text = _text(pdf)
    with translation.override("zh-hans"):
        heading = gettext("Mediation agreement")
        labels = [gettext("Case reference"), gettext("What happens next")]
    assert heading in text
    for label in labels:
        assert label in text


def test_chinese_copy_embeds_a_subset_of_wenquanyi_and_stays_small(
    cast: Cast, agreed_case: Case
) -> None:
    pdf, _disposition = _download(cast, agreed_case, PartyRole.OTHER_PARTY)
    fonts = _fonts(pdf)
    assert fonts, "the PDF embeds its fonts"
    assert all(SUBSET_PREFIX.match(name) for name in fonts), fonts
    assert any("WenQuanYi" in name for name in fonts), fonts
    # The font file is 5 MB; a subset of the glyphs used is a few kilobytes.
    assert len(pdf) < 100_000


def test_english_copy_is_set_in_the_same_subset_font(cast: Cast, agreed_case: Case) -> None:
    pdf, _disposition = _download(cast, agreed_case, PartyRole.REQUESTER)
    fonts = _fonts(pdf)
    assert all(SUBSET_PREFIX.match(name) and "WenQuanYi" in name for name in fonts), fonts
    assert len(pdf) < 100_000


def test_download_is_an_attachment_named_by_reference_without_names(
    cast: Cast, agreed_case: Case
) -> None:
    _pdf, disposition = _download(cast, agreed_case, PartyRole.OTHER_PARTY)
    assert disposition.startswith("attachment;")
    assert display(agreed_case.reference) in disposition
    assert disposition.endswith('-other_party-zh-hans.pdf"')
    for personal in ("flat above", "resident", "example.org"):
        assert personal not in disposition


def test_each_pdf_writes_a_print_event(cast: Cast, agreed_case: Case) -> None:
    _download(cast, agreed_case, PartyRole.REQUESTER)
    copy = _copy(agreed_case, PartyRole.REQUESTER)
    event = AccessEvent.objects.get(action=Action.PRINT)
    assert (event.object_type, event.object_id, event.actor_id, event.actor_role) == (
        "agreement_copy",
        str(copy.pk),
        str(cast.mediator.pk),
        ActorRole.MEDIATOR,
    )
    assert event.community_id == agreed_case.community_id


def test_pdf_response_is_not_cached(cast: Cast, agreed_case: Case) -> None:
    copy = _copy(agreed_case, PartyRole.REQUESTER)
    response = client_for(cast.coordinator).get(
        f"/cases/{agreed_case.reference}/agreement/copies/{copy.pk}.pdf"
    )
    assert "no-store" in response["Cache-Control"]


def test_pdf_of_a_replaced_copy_is_not_found(cast: Cast, agreed_case: Case) -> None:
    old = _copy(agreed_case, PartyRole.REQUESTER)
    write_agreement(cast, agreed_case)
    response = client_for(cast.mediator).get(
        f"/cases/{agreed_case.reference}/agreement/copies/{old.pk}.pdf"
    )
    assert response.status_code == 404
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.action, refused.object_type) == (Action.PRINT, "agreement_copy")


def test_pdf_of_another_cases_copy_is_not_found(cast: Cast, agreed_case: Case) -> None:
    copy = _copy(agreed_case, PartyRole.REQUESTER)
    other = bring_to_sessions(cast, cast.unassigned_case)
    response = client_for(cast.coordinator).get(
        f"/cases/{other.reference}/agreement/copies/{copy.pk}.pdf"
    )
    assert response.status_code == 404


def test_footer_gives_the_follow_up_dates(cast: Cast, agreed_case: Case) -> None:
    pdf, _disposition = _download(cast, agreed_case, PartyRole.REQUESTER)
    text = _text(pdf)
    for follow_up in FollowUp.objects.filter(case=agreed_case):
        with translation.override("en"):
            from django.utils.formats import date_format

            assert date_format(follow_up.due_on, "DATE_FORMAT") in text


def test_acceptance_date_is_printed_once_recorded(cast: Cast, agreed_case: Case) -> None:
    copy = _copy(agreed_case, PartyRole.REQUESTER)
    client_for(cast.mediator).post(
        f"/cases/{agreed_case.reference}/agreement/accept/", {"copy": str(copy.pk)}
    )
    pdf, _disposition = _download(cast, agreed_case, PartyRole.REQUESTER)
    assert "The centre recorded this party" in _text(pdf)


# --- Nothing is ever fetched -------------------------------------------------------------


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listening_server() -> Iterator[str]:
    """A local HTTP server that counts requests, standing in for any remote address."""
    _CountingHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _document(terms: str, language: str = "en") -> AgreementDocument:
    return AgreementDocument(
        reference="ABCDE12340",
        community=Community(slug="c", name_en="Riverside", name_zh="河畔"),
        language=language,
        party_role=PartyRole.REQUESTER,
        terms=terms,
        recorded_on=date(2026, 11, 29),
        accepted_on=None,
        follow_up_dates=(),
    )


def test_markup_in_the_terms_is_printed_as_text_and_fetches_nothing(
    listening_server: str,
) -> None:
    terms = (
        f'<img src="{listening_server}/img"> <link rel="stylesheet" href="{listening_server}/css">'
        f'<style>@import url("{listening_server}/import");</style>'
    )
    fetcher = NoFetching()
    pdf = agreement_pdf_render(_document(terms), fetcher=fetcher)
    text = _text(pdf)
    assert f'<img src="{listening_server}/img">' in text
    assert fetcher.refused == []  # escaped: nothing was even asked for
    assert _CountingHandler.hits == []


def test_the_url_fetcher_refuses_every_url(listening_server: str) -> None:
    """Even HTML that does ask for resources (not ours) gets none of them."""
    html = f"""<html><head>
        <link rel="stylesheet" href="{listening_server}/css">
        <style>@import url("{listening_server}/import"); body {{ background:
          url("{listening_server}/background") }}</style></head>
        <body><img src="{listening_server}/img"><img src="file:///etc/passwd">
        <img src="data:image/png;base64,iVBORw0KGgo="><p>Still rendered</p></body></html>"""
    fetcher = NoFetching()
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    assert "Still rendered" in _text(pdf)
    assert _CountingHandler.hits == []
    assert f"{listening_server}/img" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert any(url.startswith("data:") for url in fetcher.refused)


def test_the_template_itself_asks_for_no_url() -> None:
    html = agreement_html(_document("Terms", language="zh-hans"))
    assert "http" not in html.replace("http-equiv", "")
    assert "url(" not in html
    assert 'lang="zh-Hans"' in html


def test_an_unknown_language_falls_back_to_english_labels(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    requester, _other = parties(case)
    AgreementCopy.objects.filter(party=requester).update(language="fr")
    pdf, disposition = _download(cast, case, PartyRole.REQUESTER)
    assert ENGLISH_TERMS.splitlines()[0] in _text(pdf)
    assert disposition.endswith('-requester-en.pdf"')


def test_chinese_terms_survive_on_a_long_agreement(cast: Cast) -> None:
    long_terms = "\n\n".join(f"{n}、{CHINESE_TERMS}" for n in range(1, 60))
    pdf = agreement_pdf_render(_document(long_terms, language="zh-hans"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    assert "59、一、工作日晚上十点以后不再播放音乐。" in _text(pdf)


def test_harfbuzz_subsetting_is_installed() -> None:
    """Without HarfBuzz subsetting a PDF takes over a second (fontTools parses the 5 MB font).

    The setup (.ci/run) installs Debian's libharfbuzz-subset0; a developer
    machine without it still renders, slowly, and skips this check.
    """
    if not harfbuzz_subsetting_available() and os.environ.get("CI") != "true":
        pytest.skip("libharfbuzz-subset0 is not installed: agreement PDFs will be slow")
    assert harfbuzz_subsetting_available()
