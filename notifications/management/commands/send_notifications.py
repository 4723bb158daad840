import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from notifications.due import run

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send every email due now: update reminders, the chair's digest, rating alerts, "
        "and anything waiting in the outbox or due to be tried again. Safe to run twice, or "
        "on two machines at once: nobody gets a message twice. Run it every 15 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (for development: make run uses 60).",
        )

    def handle(self, *args, every=None, **options):
        if not getattr(settings, "SITE_URL", ""):
            raise CommandError(
                "SITE_URL is not set: emails link to the service, so set SITE_URL to its "
                "address, e.g. SITE_URL=https://plans.example.org"
            )
        if every is not None and every < 1:
            raise CommandError("--every must be at least 1 second")
        while True:
            if every is None:
                self.report(*run(), quiet=False)
                return
            try:
                self.report(*run(), quiet=True)
            except Exception:
                # Keep going (make run): the next round tries again. Logged, never hidden.
                logger.exception("send_notifications: this round failed")
            close_old_connections()
            time.sleep(every)

    def report(self, queued, outcomes, quiet):
        new = sum(queued.values())
        if quiet and not new and not outcomes:
            return
        parts = [f"{n} {kind}" for kind, n in queued.items() if n]
        line = f"Queued {new} email{'' if new == 1 else 's'}"
        if parts:
            line += f" ({', '.join(parts)})"
        done = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        line += f"; outbox: {done or 'nothing to send'}."
        self.stdout.write(line)
