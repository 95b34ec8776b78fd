"""Profile a staff page in-process (cProfile) against the benchmark database.

Not part of `make bench`; for finding where a page's time goes once a run has
seeded ``mediation_bench``. Example, from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_bench DEBUG=false \\
    CACHE_URL=redis://127.0.0.1:6379/9 MEDIATION_BENCH_MODE=true \\
    .venv/bin/python -m bench.profile_page /cases/ --repeat 200

Prints the mean time per request with and without the profiler, then the top
functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time

from bench.config import COORDINATOR

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", help="e.g. /cases/ or /cases/<reference>/")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--username", default=COORDINATOR)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.inprocess import verified_client

    client = verified_client(args.username)
    for _ in range(5):
        client.get(args.path)

    started = time.perf_counter()
    for _ in range(args.repeat):
        client.get(args.path)
    plain = (time.perf_counter() - started) / args.repeat

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.disable()
    print(f"{args.path}: {plain * 1000:.2f} ms per request in-process (without the profiler)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
