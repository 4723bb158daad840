"""manage.py grant_app_role: run as the owner after every migrate (README, Deploying)."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_creates_and_grants_the_app_role_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's; this runs in the PostgreSQL run")
    role = f"actionplan_app_cmd_{os.getpid()}"  # rolled back with the test's transaction
    out = StringIO()
    call_command("grant_app_role", role=role, create=True, stdout=out)
    tables = len(connection.introspection.table_names())
    assert out.getvalue() == f"Created the role {role}.\n{role}: granted on {tables} tables.\n"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'actionplan_historicalaction', 'INSERT'), "
            "has_table_privilege(%s, 'actionplan_historicalaction', 'UPDATE'), "
            "has_table_privilege(%s, 'actionplan_action', 'UPDATE'), "
            "has_table_privilege(%s, 'reporting_boardpack', 'TRUNCATE')",
            [role] * 4,
        )
        assert cursor.fetchone() == (True, False, True, False)


def test_it_refuses_the_owner_itself():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's; this runs in the PostgreSQL run")
    with pytest.raises(CommandError, match="superuser or a member of the owner role"):
        call_command("grant_app_role", role=connection.settings_dict["USER"])


def test_on_sqlite_it_says_there_is_nothing_to_do():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite has no roles")
    with pytest.raises(CommandError, match="nothing to do on SQLite"):
        call_command("grant_app_role", role="actionplan_app")
