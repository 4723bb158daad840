from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies import factors
from agencies.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Reset a person's second factor (their authenticator app and recovery codes), for "
        "whoever cannot be reset from Manage: a superuser, or the only business manager. "
        "They set up an app again the next time they sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Kept in the audit log.")

    def handle(self, *args, username, reason, **options):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"Nobody has the username {username!r}.")
        if not reason.strip():
            raise CommandError("Give the reason with --reason.")
        factors.reset(person)
        AuditEvent.objects.record(
            AuditEvent.Event.FACTOR_RESET,
            username="manage.py",
            detail=f"{person.username}: {reason.strip()}",
        )
        self.stdout.write(
            f"The second factor of {person.username} has been reset: they will set up an "
            "authenticator app the next time they sign in."
        )
