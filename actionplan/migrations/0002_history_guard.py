from django.db import migrations


def install_guards(apps, schema_editor):
    from actionplan.guards import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    """On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on history tables (see guards.py)."""

    dependencies = [
        ("actionplan", "0001_initial"),
        ("agencies", "0001_initial"),
        ("reporting", "0001_initial"),
    ]

    operations = [migrations.RunPython(install_guards, migrations.RunPython.noop)]
