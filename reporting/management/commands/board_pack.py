import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplan.snapshot import PlanDidNotExist
from reporting.issuing import PackAlreadyIssued, draft_pdf, issue_pack
from reporting.management.commands.export_plan import choose_plan, parse_date
from reporting.models import PackKind
from reporting.pack import long_date


def since_date(value):
    try:
        return parse_date(value)
    except CommandError:
        raise CommandError(f"--since must be a date like 2015-06-30, not “{value}”") from None


class Command(BaseCommand):
    help = (
        "Write the board pack of a plan as at a date as a PDF: the plan as it stood at the "
        "end of that day and what changed since the last issued pack (or --since), with "
        "every action in full or (--kind exceptions) an exception report. "
        "With --issue, also store it as the plan's issued pack for that date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="The plan's slug; optional when there is one plan.")
        parser.add_argument(
            "--as-at", required=True, type=parse_date, help="YYYY-MM-DD: the plan then."
        )
        parser.add_argument(
            "--since",
            type=since_date,
            help="YYYY-MM-DD: report changes after the end of this day "
            "(default: the last issued pack's as-at date, or the day the plan was set up).",
        )
        parser.add_argument(
            "--kind",
            choices=PackKind.values,
            default=PackKind.FULL.value,
            help="full: every action in full (the default); exceptions: Red, Amber, overdue "
            "and changed actions in full, every other action on one line.",
        )
        parser.add_argument("--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--issue", action="store_true", help="Store the pack as issued; it cannot change."
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help="Who is issuing (recorded and printed on the cover)."
        )

    def handle(self, *args, plan, as_at, since, kind, output, issue, by, **options):
        if since is not None and since >= as_at:
            raise CommandError(
                f"--since ({since}) must be before --as-at ({as_at}): "
                "the pack reports the changes made after the since date up to the as-at date."
            )
        chosen = choose_plan(plan)
        person = self._person(by)
        folder = Path(output).resolve().parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise CommandError(f"Cannot write {output}: {folder} is not a folder I can write to")
        try:
            if issue:
                pack = issue_pack(chosen, as_at, since, by=person, kind=PackKind(kind))
                pdf = bytes(pack.pdf)
            else:
                pdf = draft_pdf(chosen, as_at, since, by=person, kind=PackKind(kind))
        except (PlanDidNotExist, PackAlreadyIssued) as error:
            raise CommandError(str(error)) from None
        Path(output).write_bytes(pdf)
        if issue:
            self.stderr.write(
                f"Issued the {pack.period_label} pack of “{chosen}” as at {long_date(as_at)} "
                f"({pack.get_kind_display().lower()}, SHA-256 {pack.sha256}); wrote {output}"
            )
        else:
            self.stderr.write(
                f"Wrote a draft pack of “{chosen}” as at {long_date(as_at)} "
                f"({PackKind(kind).label.lower()}) to {output} "
                "(not issued: add --issue to issue it)"
            )

    def _person(self, username):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user “{username}”")
        return user
