from django.db import migrations


def upgrade(apps, schema_editor):
    """New variant families, and today's wording for shipped families nobody
    has edited (issue #14)."""
    from scripts_library.loader import load_content, upgrade_shipped_tracks

    load_content(apps)
    upgrade_shipped_tracks(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("scripts_library", "0002_load_shipped_content"),
    ]

    operations = [
        migrations.RunPython(upgrade, migrations.RunPython.noop),
    ]
