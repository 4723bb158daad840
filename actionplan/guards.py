"""Tamper-proof history on PostgreSQL: triggers that refuse UPDATE, DELETE and TRUNCATE
on every history table, the audit log, issued board packs and the hash chain
(integrity/), so even stray SQL fails.

Installed by migration actionplan 0002 and again after every ``migrate`` (post_migrate),
so tables added later are guarded too. The one way round is deliberate, and only for the
tables' owner (the role that runs migrations, or a superuser): a session that runs
``SET actionplan.history_guard = 'off'``. The test suite does that to empty its
database between tests; nothing in the product does. The application's own role
(``grant_app_role`` below) is not a member of the owner, so for it the setting changes
nothing; nor may it alter, disable or drop a trigger or replace this function, which
only their owner may do. What an owner could still do is *detected*: the hash chain.
"""

from django.apps import apps

FUNCTION = """
CREATE OR REPLACE FUNCTION actionplan_refuse_history_change() RETURNS trigger AS $$
BEGIN
    -- The switch works only for the table's owner (or a member of its role, or a
    -- superuser): the application's role may SET it, to no effect.
    IF pg_catalog.current_setting('actionplan.history_guard', true) = 'off'
       AND pg_catalog.pg_has_role(
           current_user,
           (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
           'MEMBER'
       ) THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'History is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def guarded_tables():
    from integrity.chain import chained_models

    tables = [model._meta.db_table for model in chained_models(apps)]
    if apps.is_installed("integrity"):
        tables.append(apps.get_model("integrity", "ChainLink")._meta.db_table)
    return sorted(tables)


def install(connection):
    """Create the function and the triggers; safe to run again."""
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table in guarded_tables():
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            for name, when in (
                ("refuse_row_change", "BEFORE UPDATE OR DELETE ON {} FOR EACH ROW"),
                ("refuse_truncate", "BEFORE TRUNCATE ON {} FOR EACH STATEMENT"),
            ):
                trigger = connection.ops.quote_name(f"{table}_{name}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quoted}")
                cursor.execute(
                    f"CREATE TRIGGER {trigger} {when.format(quoted)} "
                    "EXECUTE FUNCTION actionplan_refuse_history_change()"
                )


def install_after_migrate(sender, using, **kwargs):
    from django.db import connections

    install(connections[using])


# -- the application's role -----------------------------------------------------------

# Tables the application only reads (written by migrations).
READ_ONLY = {"django_migrations"}


class NotAnAppRole(Exception):
    """The role named would not be least privilege (it owns the tables, or is a superuser)."""


def create_app_role(connection, role, password=""):
    """Create ``role`` as a plain login role (no superuser, no CREATEDB or CREATEROLE, not
    inheriting), unless it exists. Returns whether it was created."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            return False
        sql = (
            f"CREATE ROLE {connection.ops.quote_name(role)} "
            "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
        )
        if password:
            cursor.execute(sql + " PASSWORD %s", [password])
        else:
            cursor.execute(sql)
    return True


def grant_app_role(connection, role):
    """Give ``role`` what the running service needs and nothing more: read and write the
    ordinary tables; read and append to the guarded ones (no UPDATE, DELETE or
    TRUNCATE, so the triggers are a second wall); use the sequences. Run as the owner,
    after every ``migrate``. Returns the number of tables granted."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, pg_has_role(rolname, current_user, 'MEMBER') "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        if found is None:
            raise NotAnAppRole(f"There is no role {role}: create it first (createuser).")
        if any(found):
            raise NotAnAppRole(
                f"{role} is a superuser or a member of the owner role: the application's "
                "role must be a separate role with no such rights."
            )
        who = quote(role)
        cursor.execute(
            f"GRANT CONNECT ON DATABASE {quote(connection.settings_dict['NAME'])} TO {who}"
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {who}")
        # Before PostgreSQL 15 everyone could create objects in public: not the service.
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {who}")
        guarded = set(guarded_tables())
        tables = connection.introspection.table_names()
        for table in tables:
            quoted = quote(table)
            cursor.execute(f"REVOKE ALL ON {quoted} FROM {who}")
            if table in READ_ONLY:
                privileges = "SELECT"
            elif table in guarded:
                privileges = "SELECT, INSERT"
            else:
                privileges = "SELECT, INSERT, UPDATE, DELETE"
            cursor.execute(f"GRANT {privileges} ON {quoted} TO {who}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}")
    return len(tables)
