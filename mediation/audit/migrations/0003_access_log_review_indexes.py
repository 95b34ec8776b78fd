"""Indexes for the access log review page (decision 0015).

B-trees for the filters that pick few events out of many (one actor over
time, one community over time, break-glass events over time), and on
PostgreSQL a BRIN index on the time of each event: the log is append-only
and written in time order, so a BRIN of a few hundred kilobytes finds any
time window of a table of millions of rows, where a B-tree would take
hundreds of megabytes. SQLite has no BRIN and keeps the B-tree on
occurred_at alone.
"""

from django.db import migrations, models

BRIN_INDEX = "access_event_time_brin"


def _brin_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BRIN_INDEX} ON audit_accessevent "
            "USING brin (occurred_at)"
        )


def _brin_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {BRIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_break_glass"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="accessevent",
            name="access_event_actor",
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(
                fields=["actor_type", "actor_id", "occurred_at"], name="access_event_actor_time"
            ),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["community_id", "occurred_at"], name="access_event_community"),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(
                condition=models.Q(("break_glass_id__isnull", False)),
                fields=["occurred_at"],
                name="access_event_break_glass_time",
            ),
        ),
        migrations.RunPython(_brin_create, _brin_drop, elidable=False),
    ]
