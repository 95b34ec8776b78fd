"""The benchmark behind `make bench`: PostgreSQL, gunicorn, a separate load client.

Entry point: ``bench/run.py``. Results go to ``bench/out/results.json`` (git-ignored)
and ``docs/benchmarks.md``.
"""
