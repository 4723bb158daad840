"""Put a backup made by ``backup_sqlite`` back in place of the SQLite database.

    python manage.py restore_sqlite var/backups/actionplan-2026-03-02.sqlite3 --yes

Stop the service first (gunicorn): everything written since the backup is lost, and a
running service would keep writing to the database being replaced. The backup is checked
before anything is touched; the database it replaces is first kept beside it as
``<database>.before-restore-<time>``. Then run ``python manage.py migrate`` in case the backup
predates the code. Attached files saved beside the backup (``BACKUP.attachments/``)
are put back too.
"""

import sqlite3
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from .backup_sqlite import check_integrity


class Command(BaseCommand):
    help = "Replace the SQLite database with BACKUP (made by backup_sqlite). Stop gunicorn first."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A file written by backup_sqlite.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current database is replaced."
        )

    def handle(self, *args, backup, yes, **options):
        if connection.vendor != "sqlite":
            raise CommandError(
                "The database is not SQLite. For PostgreSQL use pg_restore (README, Deploying)."
            )
        source = Path(backup)
        if not source.is_file():
            raise CommandError(f"No backup file {source}")
        check_integrity(source)
        if not yes:
            raise CommandError(
                "This replaces the whole database with the backup. Stop the service, then "
                "run again with --yes."
            )
        live = Path(connection.settings_dict["NAME"])
        connection.ensure_connection()
        if live.exists() and live.stat().st_size:
            kept = live.with_name(f"{live.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}")
            keep = sqlite3.connect(kept)
            with keep:
                connection.connection.backup(keep)
            keep.close()
            kept.chmod(0o600)
            self.stdout.write(f"The database being replaced is kept as {kept}.")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
        connection.close()
        self.stdout.write(self.style.SUCCESS(f"Restored {live} from {source}."))
        files = Path(f"{source}.attachments")
        if files.is_dir():
            call_command("restore_attachments", str(files), stdout=self.stdout)
