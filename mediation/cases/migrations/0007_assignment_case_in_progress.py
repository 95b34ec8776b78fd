"""Whether an assignment's case is still in progress, kept on the assignment for counting load.

A mediator's load was counted by joining each of their active assignments to
its case to read the status: with years of history that is one case lookup per
case they ever had. The workflow now marks the assignments when a case is
withdrawn or closed, and a partial index holds only the assignments that count.
"""

from django.db import migrations, models

FINISHED = ("withdrawn", "closed")


def mark_finished(apps, schema_editor):
    CaseAssignment = apps.get_model("cases", "CaseAssignment")
    CaseAssignment.objects.filter(case__status__in=FINISHED).update(case_in_progress=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_add_partners_and_referrals"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseassignment",
            name="case_in_progress",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(mark_finished, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="caseassignment",
            index=models.Index(
                condition=models.Q(("case_in_progress", True), ("ended_at__isnull", True)),
                fields=["mediator"],
                name="assignment_load",
            ),
        ),
    ]
