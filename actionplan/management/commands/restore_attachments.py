"""Put attached files back from a folder written by ``backup_attachments``.

    python manage.py restore_attachments var/backups/attachments-2026-03-02

Files already in storage are left as they are; missing ones are put back under their
own stored names, so the restored database's attachments find them again.
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from actionplan.models.attachments import attachment_storage

from .backup_attachments import stored_names


class Command(BaseCommand):
    help = "Put back attached files from SOURCE (made by backup_attachments)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A folder written by backup_attachments.")

    def handle(self, *args, source, **options):
        folder = Path(source)
        if not folder.is_dir():
            raise CommandError(f"No attachments backup folder {folder}")
        storage = attachment_storage()
        restored = 0
        for name in stored_names():
            path = folder / name
            if storage.exists(name) or not path.is_file():
                continue
            with path.open("rb") as handle:
                saved = storage.save(name, File(handle))
            if saved != name:
                raise CommandError(f"Storage renamed {name} to {saved}; restore stopped.")
            restored += 1
        self.stdout.write(self.style.SUCCESS(f"Restored {restored} attached files from {folder}."))
