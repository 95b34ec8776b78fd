"""Time agreement PDFs: one party's copy in Chinese and in English, as the server renders it.

`make bench` runs it (its ``pdf`` phase, with ``--out``); no database needed. From
the repository root::

    .venv/bin/python -m bench.agreement_pdf            # 30 warm renders per language
    .venv/bin/python -m bench.agreement_pdf --repeat 100

``--without-harfbuzz`` measures what happens on a machine without Debian's
libharfbuzz-subset0 (fontTools subsetting; written to agreement_pdf_fonttools.json).
The first render of each language is reported apart (fontconfig, the font
file and the templates load then); the warm figures are what a running
server sees. Target: under 1.5 s per PDF. Writes ``var/bench/agreement_pdf.json``
and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

TARGET_SECONDS = 1.5
OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "agreement_pdf.json"

# Terms as a mediator would write them: numbered, a page or so, many distinct characters.
TERMS = {
    "zh-hans": "\n\n".join(
        [
            "一、自本协议签订之日起，甲方在工作日晚上十点以后、周末晚上十一点以后不再播放音乐或使用音响设备。",
            "二、乙方同意在每月第一个星期六上午与甲方共同检查楼道公共区域，发现问题及时联系物业管理处。",
            "三、双方同意由乙方承担阳台漏水维修费用的一半，共计人民币八百元，于下月十五日前通过银行转账支付。",
            "四、如今后再发生纠纷，双方先当面协商；协商不成的，可再次向社区人民调解委员会申请调解。",
            "五、本协议一式两份，双方各执一份，自双方签字之日起生效。调解中心将在约定日期进行回访。",
        ]
    ),
    "en": "\n\n".join(
        [
            "1. From the date of this agreement, the requester will not play music or use speakers "
            "after 10 pm on weekdays and after 11 pm at weekends.",
            "2. The other party will check the shared stairway with the requester on the first "
            "Saturday morning of each month and report any problem to the building manager.",
            "3. The other party will pay half of the cost of repairing the leaking balcony, 800 "
            "yuan, by bank transfer before the 15th of next month.",
            "4. If a new disagreement arises, both will first talk it over in person; if that does "
            "not settle it, either may ask the community mediation centre for mediation again.",
            "5. Each party keeps one copy of this agreement. The centre will follow up on the "
            "dates below.",
        ]
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="warm renders per language")
    parser.add_argument(
        "--without-harfbuzz",
        action="store_true",
        help="subset with fontTools, as WeasyPrint does when libharfbuzz-subset0 is missing",
    )
    parser.add_argument("--out", type=Path, default=None, help="write the figures here instead")
    args = parser.parse_args()

    import django

    django.setup()
    if args.without_harfbuzz:
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None
    from django.utils import timezone

    from mediation.accounts.models import Community
    from mediation.cases.agreement_pdf import (
        AgreementDocument,
        agreement_pdf_render,
        harfbuzz_subsetting_available,
    )

    community = Community(
        slug="riverside",
        name_en="Riverside Community Mediation Centre",
        name_zh="河畔社区人民调解委员会",
    )
    today = timezone.localdate()
    results: dict[str, object] = {
        "target_seconds": TARGET_SECONDS,
        "repeat": args.repeat,
        "harfbuzz_subsetting": harfbuzz_subsetting_available() and not args.without_harfbuzz,
        "languages": {},
    }
    for language, terms in TERMS.items():
        document = AgreementDocument(
            reference="ABCDE12340",
            community=community,
            language=language,
            party_role="other_party",
            terms=terms,
            recorded_on=today,
            accepted_on=None,
            follow_up_dates=(today + timedelta(days=30), today + timedelta(days=90)),
        )
        start = time.perf_counter()
        pdf = agreement_pdf_render(document)
        first = time.perf_counter() - start
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            agreement_pdf_render(document)
            timings.append(time.perf_counter() - start)
        figures = {
            "first_seconds": round(first, 4),
            "warm_p50_seconds": round(statistics.median(timings), 4),
            "warm_max_seconds": round(max(timings), 4),
            "pdf_bytes": len(pdf),
            "within_target": max(timings) < TARGET_SECONDS,
        }
        results["languages"][language] = figures  # type: ignore[index]
        print(
            f"{language:8} first {first:.3f} s   warm p50 {figures['warm_p50_seconds']:.3f} s   "
            f"max {figures['warm_max_seconds']:.3f} s   {len(pdf) / 1024:.1f} KB"
        )
    if not results["harfbuzz_subsetting"]:
        print("HarfBuzz subsetting is missing (libharfbuzz-subset0): expect over a second each.")
    output = OUTPUT.with_name("agreement_pdf_fonttools.json") if args.without_harfbuzz else OUTPUT
    output = args.out or output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written to {output}")


if __name__ == "__main__":
    main()
