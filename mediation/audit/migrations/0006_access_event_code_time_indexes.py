from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_access_event_client"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["purpose", "occurred_at"], name="access_event_purpose_time"),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["action", "occurred_at"], name="access_event_action_time"),
        ),
    ]
