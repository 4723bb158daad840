"""A consistent copy of the SQLite database, taken while the service runs.

    python manage.py backup_sqlite var/backups/actionplan-2026-03-02.sqlite3

Uses SQLite's online backup API (``sqlite3.Connection.backup``): the copy is the database
as it stood at one moment, even if people are saving changes meanwhile -- unlike ``cp``,
which can catch a file half written. The copy is checked (``PRAGMA integrity_check``)
and readable by its owner only: it holds the whole plan and its history
(OFFICIAL-SENSITIVE). The attached files go beside it, in ``OUTPUT.attachments/``
(``backup_attachments``).

For PostgreSQL use ``pg_dump -Fc`` (README, "Deploying": backups).
"""

import os
import sqlite3
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

PAGES_PER_STEP = 1024  # copy 4 MB at a time, letting writers in between steps


def check_integrity(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    if result != "ok":
        raise CommandError(f"{path} failed SQLite's integrity check: {result}")
    if "django_migrations" not in tables:
        raise CommandError(f"{path} is not a database of this service (no django_migrations)")


class Command(BaseCommand):
    help = "Back up the SQLite database to OUTPUT with SQLite's online backup API."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The backup file to write (must not exist).")

    def handle(self, *args, output, **options):
        if connection.vendor != "sqlite":
            raise CommandError(
                "The database is not SQLite. For PostgreSQL use: pg_dump -Fc "
                "--dbname=$DATABASE_URL --file=BACKUP (README, Deploying)."
            )
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        # Owner-only from the first byte: the copy is as sensitive as the database.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            with copy:
                connection.connection.backup(copy, pages=PAGES_PER_STEP)
        finally:
            copy.close()
        check_integrity(partial)
        partial.rename(target)
        size = target.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {target} ({size:,} bytes)."))
        # The attached files, beside it: a backup without them would restore entries whose
        # documents are gone.
        call_command("backup_attachments", f"{target}.attachments", stdout=self.stdout)
