import argparse
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from imports.columns import parse_mapping
from imports.creating import check_as_of, create_plan, refuse_used_slug
from imports.preview_text import describe
from imports.reading import read_plan
from imports.safety import MAX_FILE_BYTES, ImportRefused, open_checked


class Command(BaseCommand):
    help = (
        "Import a plan from a Word document (.docx): shows what will be created, with every "
        "warning, then creates it all or nothing (nothing with --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Word document (.docx).")
        parser.add_argument("--title", required=True, help="The plan's title.")
        parser.add_argument(
            "--owner", required=True, help="The owning group (created if it does not exist)."
        )
        parser.add_argument("--slug", help="The plan's short name in addresses.")
        parser.add_argument("--short-title", default="")
        parser.add_argument("--partnership", default="")
        parser.add_argument("--as-of", type=_date, help="The date the document shows the plan at.")
        parser.add_argument("--by", help="The username of the person importing.")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="What an unrecognised column holds, e.g. --column 'Milestone=timescale'.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the preview only.")

    def handle(self, *args, file, title, owner, slug, as_of, by, column, dry_run, **options):
        path = Path(file)
        try:
            mapping = parse_mapping(column)
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImportRefused("The selected file must be smaller than 10 MB")
            checked = open_checked(path.name, path.read_bytes())
            slug = slug or slugify(title)[:80]
            refuse_used_slug(slug)
            check_as_of(as_of)
        except (ImportRefused, ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        preview = read_plan(checked, mapping)
        self.stdout.write(describe(preview))
        if preview.errors:
            raise CommandError(
                "Nothing was imported: " + "; ".join(preview.errors) + ". Use --column "
                "“Header=field” to say what a column holds"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
            return
        person = person_named(by)
        try:
            plan = create_plan(
                checked,
                preview,
                slug=slug,
                title=title,
                owner=owner,
                by=person,
                as_of=as_of,
                short_title=options["short_title"],
                partnership=options["partnership"],
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported “{plan}” at /plans/{plan.slug}/."))


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a date: write it as YYYY-MM-DD"
        ) from None


def person_named(username):
    if not username:
        return None
    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise CommandError(f"Nobody has the username “{username}”")
    return person
