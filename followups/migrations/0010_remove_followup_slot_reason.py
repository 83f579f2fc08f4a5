from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0009_slot_reason_to_codes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="followup",
            name="slot_reason",
        ),
        migrations.AlterField(
            model_name="followup",
            name="slot_explain",
            field=models.JSONField(blank=True, default=list, verbose_name="why this moment"),
        ),
    ]
