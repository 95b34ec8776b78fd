"""A fixed CPU workload, to tell a slower machine from slower code.

Renders the same 50-row table with Django's template engine, from a string, with
none of this application's templates, filters or data: what it costs depends on
the machine, Python and Django, not on the code being measured. ``bench.run``
takes it at the start and at the end of a run (the machine's speed can drift
during a run), and the report shows both. Prints one JSON line.

Run as ``python -m bench.calibrate`` with the benchmark's environment.
"""

from __future__ import annotations

import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

TABLE = (
    "<table>{% for row in rows %}<tr><td><a href='/cases/{{ row.reference }}/'>"
    "{{ row.reference }}</a></td><td>{{ row.category|capfirst }}</td><td>{{ row.status }}</td>"
    "<td>{% if row.mediators %}{{ row.mediators|join:', ' }}{% else %}-{% endif %}</td>"
    "</tr>{% endfor %}</table>"
)
RENDERS = 100
ROUNDS = 9


def calibrate() -> dict[str, float]:
    """Return the median time of one render over ``ROUNDS`` rounds of ``RENDERS`` renders."""
    import django
    from django.template import Context, Engine

    django.setup()
    template = Engine().from_string(TABLE)
    rows = [
        {
            "reference": f"ABCDE{number:05d}",
            "category": "neighbours",
            "status": "screening",
            "mediators": ["mediator-a", "mediator-b"][: number % 3],
        }
        for number in range(50)
    ]
    context = Context({"rows": rows})
    template.render(context)  # first use is not what is measured
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(RENDERS):
            template.render(context)
        rounds.append((time.perf_counter() - started) / RENDERS * 1000)
    return {"table_render_ms": round(statistics.median(rounds), 3)}


if __name__ == "__main__":
    print(json.dumps(calibrate()))
