"""Tamper-proof history on PostgreSQL: triggers that refuse UPDATE, DELETE and TRUNCATE
on every history table (and the audit log), so even a superuser's stray SQL fails.

Installed by migration actionplan 0003 and again after every ``migrate`` (post_migrate),
so history tables added later are guarded too. The one way round is deliberate: a
session that runs ``SET actionplan.history_guard = 'off'``. The test suite does that to
empty its database between tests; nothing in the product does.
"""

from django.apps import apps

FUNCTION = """
CREATE OR REPLACE FUNCTION actionplan_refuse_history_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('actionplan.history_guard', true) = 'off' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'History is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def guarded_tables():
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_id")
    ]
    if apps.is_installed("agencies"):
        tables.append(apps.get_model("agencies", "AuditEvent")._meta.db_table)
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
