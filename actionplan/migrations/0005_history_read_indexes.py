"""Indexes for reading history a page at a time (issue 17).

simple-history generates the historical models, so their Meta cannot declare these:
they are plain SQL (the same on SQLite and PostgreSQL), which leaves the migration
state, and so ``makemigrations --check``, untouched. Each serves one way of reading:

- (history_date, history_id, and the column that places a row in its plan): the
  activity feed walks a table newest first from a cursor and stops after a page
  (actionplan/history/pages.py), telling the plan's rows from the index alone;
- (id, history_date, history_id): one object's records in order, for an action's own
  history, the record before a change (to diff old → new, and to tell a rating from
  other edits) and the latest record of each object as at a moment (snapshot.py);
- (action_id, history_date, history_id): an action's leads and evidence, in order, for
  its history page, and the leads and evidence of the actions on a page as at a date;
  (entry_id, …) the same for attachments, by their evidence entry;
- the deletion records only (a partial index, by the column that places them in the
  plan): the objects deleted since a date, which the plan as at that date still holds.
"""

from django.db import migrations

# {table: {index kind: columns}}
INDEXES = {
    "actionplan_historicalaction": {
        "date": "history_date, history_id, section_id",
        "object": "id, history_date, history_id",
        "deleted": "section_id",
    },
    "actionplan_historicalactionlead": {
        "date": "history_date, history_id, action_id",
        "object": "id, history_date, history_id",
        "action": "action_id, history_date, history_id",
        "deleted": "action_id",
    },
    "actionplan_historicalevidenceentry": {
        "date": "history_date, history_id, action_id",
        "object": "id, history_date, history_id",
        "action": "action_id, history_date, history_id",
        "deleted": "action_id",
    },
    "actionplan_historicalattachment": {
        "date": "history_date, history_id, entry_id",
        "object": "id, history_date, history_id",
        "entry": "entry_id, history_date, history_id",
    },
    "actionplan_historicalsection": {
        "date": "history_date, history_id, plan_id",
        "object": "id, history_date, history_id",
        "deleted": "plan_id",
    },
}


def index_name(table, kind):
    return f"{table.removeprefix('actionplan_')}_{kind}_read_idx"


def create():
    return [
        f"CREATE INDEX IF NOT EXISTS {index_name(table, kind)} ON {table} ({columns})"
        + (" WHERE history_type = '-'" if kind == "deleted" else "")
        for table, kinds in INDEXES.items()
        for kind, columns in kinds.items()
    ]


def drop():
    return [
        f"DROP INDEX IF EXISTS {index_name(table, kind)}"
        for table, kinds in INDEXES.items()
        for kind in kinds
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0004_attachments"),
    ]

    operations = [migrations.RunSQL(sql=create(), reverse_sql=drop())]
