"""Copy every attached file into a folder, for the backup beside the database's.

    python manage.py backup_attachments var/backups/attachments-2026-03-02

Works through Django's storage API, so the files come from wherever they are kept (the
private folder by default, an S3-compatible store by configuration). Every file an
attachment ever pointed at is copied, withdrawn ones included. The folder is readable
by its owner only: the documents are as sensitive as the plan.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan.models import Attachment
from actionplan.models.attachments import attachment_storage


def stored_names():
    """Every stored file: attachments (withdrawn ones too) and imported plans' documents."""
    from imports.models import PlanImport

    names = set(Attachment.objects.exclude(file="").values_list("file", flat=True))
    names |= set(Attachment.history.exclude(file="").values_list("file", flat=True))
    names |= set(PlanImport.objects.values_list("file", flat=True))
    return sorted(names)


class Command(BaseCommand):
    help = "Copy every attached file into DEST (a new folder)."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="A folder that does not exist yet.")

    def handle(self, *args, dest, **options):
        target = Path(dest)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new name.")
        target.mkdir(parents=True, mode=0o700)
        storage = attachment_storage()
        copied = missing = 0
        for name in stored_names():
            if not storage.exists(name):
                missing += 1
                self.stderr.write(f"Missing from storage: {name}")
                continue
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out, storage.open(name, "rb") as source:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    out.write(chunk)
            copied += 1
        self.stdout.write(
            self.style.SUCCESS(f"Copied {copied} attached files to {target}.")
            + (f" {missing} were missing from storage." if missing else "")
        )
        if missing:
            raise CommandError(f"{missing} attached files were missing from storage.")
