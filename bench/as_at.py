"""Benchmark: rebuild the whole plan "as at" a date from 10,000 and 100,000 history rows.

    .venv/bin/python bench/as_at.py [--postgres]

Builds synthetic plans in a throwaway database (SQLite in /tmp, or a scratch PostgreSQL
database with --postgres), writes their history with simple-history's bulk helper, then
times plan_snapshot(plan, as_at=...) and counts its queries. Prints a table.
Target: under 1 s at 100,000 rows, growing no worse than linearly, constant queries.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POSTGRES = "--postgres" in sys.argv
if POSTGRES:
    os.environ["DATABASE_URL"] = "postgres://root@127.0.0.1:5432/actionplan_bench"
else:
    SCRATCH = Path(tempfile.gettempdir()) / "actionplan-bench-as-at.sqlite3"
    SCRATCH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Section  # noqa: E402
from actionplan.snapshot import plan_snapshot  # noqa: E402
from agencies.models import Agency  # noqa: E402

START = timezone.make_aware(datetime.datetime(2015, 4, 1, 9))


def prepare_database():
    if POSTGRES:
        import psycopg

        with psycopg.connect("postgres://root@127.0.0.1:5432/postgres", autocommit=True) as pg:
            pg.execute("DROP DATABASE IF EXISTS actionplan_bench")
            pg.execute("CREATE DATABASE actionplan_bench")
    call_command("migrate", verbosity=0)


def build(slug, n_actions, revisions):
    """A plan of n_actions; each action re-rated `revisions` times, one day apart."""
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench agency"})
    [plan] = bulk_create_with_history(
        [Plan(slug=slug, title=slug, partnership="Bench", owner=agency)], Plan, default_date=START
    )
    sections = bulk_create_with_history(
        [Section(plan=plan, number=n + 1, title=f"S{n + 1}") for n in range(10)],
        Section,
        default_date=START,
    )
    actions = bulk_create_with_history(
        [
            Action(
                section=sections[i % 10],
                position=i // 10 + 1,
                text=f"Action {i}",
                timescale="Sept 2015",
                due_date=datetime.date(2015, 9, 30),
                original_timescale="Sept 2015",
            )
            for i in range(n_actions)
        ],
        Action,
        default_date=START,
    )
    bulk_create_with_history(
        [ActionLead(action=a, agency=agency) for a in actions], ActionLead, default_date=START
    )
    bulk_create_with_history(
        [EvidenceEntry(action=a, text="Evidence", agency=agency) for a in actions],
        EvidenceEntry,
        default_date=START,
    )
    rags = ["red", "amber", "green"]
    for revision in range(1, revisions):
        for action in actions:
            action.rag = rags[(revision + action.pk) % 3]
            action.version += 1
        Action.history.bulk_history_create(
            actions,
            update=True,
            default_date=START + datetime.timedelta(days=revision),
            default_change_reason="Bench rating",
        )
    return plan


def measure(plan, as_at, repeat=5):
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            begun = time.perf_counter()
            snapshot = plan_snapshot(plan, as_at=as_at)
            timings.append(time.perf_counter() - begun)
    return statistics.median(timings), len(queries), len(snapshot.actions)


def history_rows(plan):
    return (
        Action.history.filter(section__plan=plan).count()
        + Section.history.filter(plan=plan).count()
        + ActionLead.history.filter(action__section__plan=plan).count()
        + EvidenceEntry.history.filter(action__section__plan=plan).count()
    )


def main():
    prepare_database()
    cases = [("10k", 500, 17), ("100k", 1000, 97)]
    rows = []
    for name, n_actions, revisions in cases:
        plan = build(f"bench-{name}", n_actions, revisions)
        as_at = (START + datetime.timedelta(days=revisions // 2)).date()
        seconds, queries, actions = measure(plan, as_at)
        rows.append((name, history_rows(plan), actions, seconds, queries))
    print(f"\nAs-at rebuild on {'PostgreSQL' if POSTGRES else 'SQLite'} (median of 5 runs)\n")
    print("| case | history rows | actions | seconds | queries | s per 100k rows |")
    print("|---|---|---|---|---|---|")
    for name, n_rows, actions, seconds, queries in rows:
        print(
            f"| {name} | {n_rows:,} | {actions} | {seconds:.3f} | {queries} | "
            f"{seconds / n_rows * 100_000:.3f} |"
        )
    (_, small_rows, _, small_s, _), (_, big_rows, _, big_s, _) = rows
    linear = big_s / small_s <= 1.2 * big_rows / small_rows
    print(
        f"\nRatio 100k/10k: time x{big_s / small_s:.1f} for rows x{big_rows / small_rows:.1f} "
        f"({'no worse than linear' if linear else 'WORSE than linear'})"
    )


if __name__ == "__main__":
    main()
