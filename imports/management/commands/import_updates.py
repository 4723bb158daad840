from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.management.commands.import_plan import person_named
from imports.preview_text import describe_updates
from imports.safety import MAX_FILE_BYTES, ImportRefused
from imports.updates import read_updates, save_updates


class Command(BaseCommand):
    help = (
        "Read back a plan's Excel export that went round the agencies: show each action's "
        "changes, then save them with the rights of --by (nothing with --dry-run). An "
        "action changed in the tracker since the export is a conflict and is not saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The returned workbook (.xlsx).")
        parser.add_argument("--plan", help="The plan's short name (checked against the file).")
        parser.add_argument(
            "--by", required=True, help="The username whose rights decide what is saved."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the changes only.")

    def handle(self, *args, file, plan, by, dry_run, **options):
        path = Path(file)
        person = person_named(by)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImportRefused("The selected file must be smaller than 10 MB")
            preview = read_updates(path.name, path.read_bytes(), person, plan_slug=plan)
        except (ImportRefused, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(describe_updates(preview))
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        saved, conflicts = save_updates(preview, person)
        self.stdout.write(
            self.style.SUCCESS(f"Saved the changes to {len(saved)} actions: {', '.join(saved)}.")
            if saved
            else "Nothing was saved."
        )
        for ref in conflicts:
            self.stdout.write(f"{ref} was changed by someone else meanwhile: not saved.")
