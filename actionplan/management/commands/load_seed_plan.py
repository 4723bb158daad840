from django.core.management.base import BaseCommand, CommandError

from actionplan.seed import SEED_PLAN, load_plan


class Command(BaseCommand):
    help = (
        "Load the real CSE Operational Action Plan (fixtures/). Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(SEED_PLAN), help="A plan file in the same format."
        )

    def handle(self, *args, file, **options):
        try:
            result = load_plan(file)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Could not load {file}: {error}") from error
        if result.created:
            actions = sum(s.actions.count() for s in result.plan.sections.all())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded “{result.plan}”: {result.plan.sections.count()} sections, "
                    f"{actions} actions."
                )
            )
        else:
            self.stdout.write(f"“{result.plan}” is already loaded; nothing changed.")
