import datetime

from django.core.management.base import BaseCommand, CommandError

from actionplan.models import Plan
from actionplan.snapshot import PlanDidNotExist, plan_snapshot
from reporting.exports import write_csv, write_xlsx


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-at must be a date like 2015-09-30, not “{value}”") from None


def choose_plan(slug):
    """The plan named by ``slug``; with one plan, the slug may be left out."""
    plans = list(Plan.objects.order_by("slug"))
    if not plans:
        raise CommandError("There is no plan yet. Load one with: python manage.py load_seed_plan")
    choices = "\n".join(f"  {plan.slug}  ({plan.title})" for plan in plans)
    if slug is None:
        if len(plans) == 1:
            return plans[0]
        raise CommandError(f"There are {len(plans)} plans: choose one with --plan.\n{choices}")
    for plan in plans:
        if plan.slug == slug:
            return plan
    raise CommandError(f"There is no plan “{slug}”. The plans are:\n{choices}")


class Command(BaseCommand):
    help = "Export a plan, now or as at a date, as CSV (to stdout by default) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="The plan's slug; optional when there is one plan.")
        parser.add_argument(
            "--as-at", type=parse_date, help="YYYY-MM-DD: the plan at the end of that day."
        )
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="File to write; CSV goes to stdout without it.")

    def handle(self, *args, plan, as_at, format, output, **options):
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE")
        chosen = choose_plan(plan)
        try:
            snapshot = plan_snapshot(chosen, as_at=as_at)
        except PlanDidNotExist as error:
            raise CommandError(str(error)) from None
        if format == "xlsx":
            write_xlsx(snapshot, output)
        elif output:
            with open(output, "w", newline="", encoding="utf-8") as stream:
                write_csv(snapshot, stream)
        else:
            write_csv(snapshot, self.stdout)
        if output:
            actions = len(snapshot.actions)
            self.stderr.write(f"Wrote {actions} actions of “{chosen}” to {output}")
