"""python manage.py verify_history: is the record what was written at the time?"""

import sys

from django.core.management.base import BaseCommand

from integrity.verify import verify


class Command(BaseCommand):
    help = (
        "Recompute the hash chain over every history row, audit event and issued board "
        "pack. Exits 0 when it is intact; otherwise 1, naming each table and row changed, "
        "deleted or inserted out of order."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        report = verify(using=database)
        if report.intact:
            self.stdout.write(
                f"History intact: {report.links} records in the chain "
                f"({report.packs} issued pack{'s' if report.packs != 1 else ''} checked)."
            )
            return
        self.stdout.write(
            f"History NOT intact: {len(report.findings)} problem"
            f"{'s' if len(report.findings) != 1 else ''} in {report.links} links:"
        )
        for finding in report.findings:
            self.stdout.write(f"  {finding}")
        sys.exit(1)
