import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actionplan.models import Plan
from agencies.models import Agency, Membership

# username, first name, last name, agency slug, role
DEMO_PEOPLE = [
    ("chair", "Chris", "Chair", None, Membership.Role.CHAIR),  # chair of the plan's owning group
    ("awaken.lead", "Alex", "Awaken", "awaken", Membership.Role.AGENCY_LEAD),
    ("police.lead", "Pat", "Police", "lancashire-police", Membership.Role.AGENCY_LEAD),
    ("manager", "Morgan", "Manager", "bscb", Membership.Role.BUSINESS_MANAGER),
    ("board.member", "Bobbie", "Member", "bscb", Membership.Role.BOARD_MEMBER),
]


class Command(BaseCommand):
    help = (
        "Create the demo people (development only): "
        "chair, awaken.lead, police.lead, manager, board.member."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for every demo person (default: $DEMO_PASSWORD)."
        )

    @transaction.atomic
    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo people are for development only: this refuses to run when DEBUG is off."
            )
        password = password or os.environ.get("DEMO_PASSWORD")
        if not password:
            raise CommandError(
                "Give a password with --password or the DEMO_PASSWORD environment variable."
            )
        plan = Plan.objects.order_by("pk").first()
        if plan is None:
            raise CommandError("Load the plan first: python manage.py load_seed_plan")
        User = get_user_model()
        for username, first, last, slug, role in DEMO_PEOPLE:
            agency = plan.owner if slug is None else Agency.objects.get(slug=slug)
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            # example.org never receives mail (RFC 2606); make run prints emails instead.
            user.email = user.email or f"{username}@example.org"
            user.set_password(password)
            user.save()
            if not Membership.objects.filter(user=user, agency=agency, role=role).exists():
                membership = Membership(user=user, agency=agency, role=role)
                membership._change_reason = "Demo person"
                membership.save()
            verb = "Created" if created else "Updated"
            self.stdout.write(f"{verb} {username:13} {role.label} – {agency}, {user.email}")
