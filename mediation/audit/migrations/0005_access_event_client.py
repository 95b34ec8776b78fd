from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_access_log_sealing"),
    ]

    operations = [
        # A constant default: on PostgreSQL 11+ adding the column rewrites no row,
        # so the append-only triggers are not involved. The database keeps the
        # default, so an INSERT that names no client (another tool) still works.
        migrations.AddField(
            model_name="accessevent",
            name="client",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Coarse client marker: a keyed hash of the address, new every day.",
                max_length=8,
            ),
        ),
    ]
