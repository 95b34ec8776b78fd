"""A party's copy of an agreement as a printable A4 PDF, in the party's language.

WeasyPrint lays the page out from an HTML template rendered under the copy's
language. Three rules keep it safe and fast:

- Nothing is fetched. The template inlines its CSS, there is no base URL, and
  the URL fetcher refuses every URL, so no text in an agreement (escaped by
  the template anyway) can make the server request an address.
- Chinese is set in WenQuanYi Micro Hei, found through fontconfig (Debian's
  ``fonts-wqy-microhei``), and embedded as a subset: only the glyphs used.
- Subsetting uses HarfBuzz (Debian's ``libharfbuzz-subset0``). Without it
  WeasyPrint falls back to fontTools, which parses the whole 5 MB font and
  takes well over a second per PDF; with it a copy renders in tens of
  milliseconds (``python -m bench.agreement_pdf``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from mediation.accounts.models import Community
from mediation.cases.models import PartyRole
from mediation.cases.references import display

TEMPLATE = "cases/agreements/pdf.html"
CONTENT_TYPE = "application/pdf"
# BCP 47 tags for the html lang attribute, which Pango uses for line breaking.
_HTML_LANG = {"zh-hans": "zh-Hans"}

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """An agreement PDF asked for a URL; it never gets one."""


class NoFetching(URLFetcher):
    """A URL fetcher that refuses everything, local files and data URLs included.

    WeasyPrint treats a failed fetch as a missing resource and goes on, so a
    refused URL leaves a gap in the page and never a request on the network.
    ``refused`` keeps the URLs asked for, for tests.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> object:
        self.refused.append(url)
        raise FetchRefused("Agreement PDFs fetch no resources.")


@dataclass(frozen=True)
class AgreementDocument:
    """What one party's copy shows: no names, the terms and the dates around them."""

    reference: str
    community: Community
    language: str
    party_role: str
    terms: str
    recorded_on: date
    accepted_on: date | None
    follow_up_dates: tuple[date, ...]

    @property
    def filename(self) -> str:
        """Return a file name with the reference and whose copy it is, never a name."""
        return f"agreement-{display(self.reference)}-{self.party_role}-{self.language}.pdf"


@cache
def harfbuzz_subsetting_available() -> bool:
    """Return whether WeasyPrint can subset fonts with HarfBuzz (the fast way); warn once if not."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is None:
        logger.warning(
            "HarfBuzz subsetting is missing (install libharfbuzz-subset0): "
            "agreement PDFs will take over a second each."
        )
    return harfbuzz_subset is not None


def agreement_html(document: AgreementDocument) -> str:
    """Return the HTML of the copy, rendered in the copy's language."""
    with translation.override(document.language):
        return render_to_string(
            TEMPLATE,
            {
                "document": document,
                "html_lang": _HTML_LANG.get(document.language, document.language),
                "reference": display(document.reference),
                "centre": document.community.display_name(document.language),
                "party_role": PartyRole(document.party_role).label
                if document.party_role in PartyRole.values
                else "",
            },
        )


def agreement_pdf_render(
    document: AgreementDocument, *, fetcher: NoFetching | None = None
) -> bytes:
    """Return the copy as a PDF (A4, tagged for screen readers, fonts subset)."""
    harfbuzz_subsetting_available()
    html = HTML(
        string=agreement_html(document),
        base_url=None,
        url_fetcher=fetcher or NoFetching(),
    )
    pdf: bytes = html.write_pdf(pdf_tags=True)
    return pdf
