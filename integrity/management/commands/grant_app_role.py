"""python manage.py grant_app_role --role actionplan_app: least privilege for the service.

Run as the owner (the role that runs migrations, in DATABASE_URL), after every
``migrate``. The service then connects as the app role (README, "Deploying")."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from actionplan.guards import NotAnAppRole, create_app_role, grant_app_role


class Command(BaseCommand):
    help = (
        "PostgreSQL: let ROLE read and write what the service needs, append to history, "
        "the audit log, issued packs and the hash chain, and nothing more: no UPDATE, "
        "DELETE or TRUNCATE there, no triggers, no functions, no switching the guard off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="The application's role.")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the role (LOGIN) if it does not exist; its password, if any, "
            "from the APP_ROLE_PASSWORD environment variable.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, create, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: nothing to do on SQLite.")
        if create:
            self._create(connection, role)
        try:
            count = grant_app_role(connection, role)
        except NotAnAppRole as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{role}: granted on {count} tables.")

    def _create(self, connection, role):
        if create_app_role(connection, role, os.environ.get("APP_ROLE_PASSWORD", "")):
            self.stdout.write(f"Created the role {role}.")
