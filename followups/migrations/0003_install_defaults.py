from django.db import migrations


def install(apps, schema_editor):
    from followups.defaults import defaults_install

    defaults_install(apps)


class Migration(migrations.Migration):
    dependencies = [("followups", "0002_followup_engine")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
