"""An index on the live evidence table for an action's current entries (issue 17):
(action_id, withdrawn_at, activity_date, recorded_at, id).

- "Has this action evidence dated since the start of the quarter?" (the dashboard, my
  actions, ``ActionQuerySet.with_evidence_status``) read every entry of the action
  without it: 60–80 ms for the dashboard when one action has thousands of entries;
- the latest entries of an action, newest first (the plan overview shows 13, the
  action's page 20), are read straight off it, without sorting all of them;
- how many current entries an action has is counted from it alone.

The newest entries come first when it is read backwards, so an entry without a date
must sort as the oldest: PostgreSQL is told to put NULLs first (SQLite always does).

It belongs in ``EvidenceEntry.Meta.indexes``; it is SQL here only because this change
could not touch the models. When the Meta index is added, make its migration drop this
one (the same columns) instead of creating a second.
"""

from django.db import migrations

NAME = "evidenceentry_current_idx"


def create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    date = "activity_date NULLS FIRST" if postgresql else "activity_date"
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON actionplan_evidenceentry "
        f"(action_id, withdrawn_at, {date}, recorded_at, id)"
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0005_history_read_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
