from django.db import migrations


def link_existing_records(apps, schema_editor):
    from integrity.chain import link_unlinked

    link_unlinked(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Build the hash chain once for the records an existing database already holds:
    every history row, audit event and issued pack, oldest first (by its own time, then
    table and id). Records written from now on are linked as they are written."""

    dependencies = [
        ("integrity", "0001_initial"),
        # Every app's history tables as they now are, so that all of them are linked.
        ("actionplan", "0008_plan_rag_definitions"),
        ("agencies", "0003_people_history_and_second_factor"),
        ("imports", "0001_initial"),
        ("notifications", "0001_initial"),
        ("reporting", "0003_pack_chain_fingerprint"),
    ]

    operations = [migrations.RunPython(link_existing_records, migrations.RunPython.noop)]
