"""Backups round-trip the plan and its history: every table's row count and the plan as
at a date are the same after a restore.

The backup tools read what is committed, so each test prepares a scratch database in a
child process (tests/security/plan_state.py), backs it up, restores it elsewhere and
compares."""

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def var_dir_for(database_url):
    """Each scratch database has its own VAR_DIR, so its attached files are its own."""
    name = database_url.rsplit("/", 1)[-1]
    return Path(tempfile.gettempdir()) / f"actionplan-var-{os.getpid()}-{name}"


def child(database_url, *args, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    if database_url.startswith("sqlite:///"):
        env["VAR_DIR"] = str(Path(database_url[len("sqlite:///") :]).parent / "var")
    else:
        env["VAR_DIR"] = str(var_dir_for(database_url))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 -- our own interpreter and scripts
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def plan_state(database_url):
    result = child(database_url, "-m", "tests.security.plan_state", "state")
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(database_url, *args, check=True):
    return child(database_url, "manage.py", *args, check=check)


def assert_same_plan(before, after):
    assert after["counts"] == before["counts"]
    assert after["exports"] == before["exports"]
    assert after["files"] == before["files"]
    assert list(before["files"].values()) != ["missing"] and before["files"]
    assert before["counts"]["actionplan.HistoricalAction"] > 0
    assert before["exports"]["now"].count("\n") > 10


@pytest.fixture(scope="module")
def prepared_sqlite(tmp_path_factory):
    """A scratch SQLite database with the plan and some history, and its state."""
    golden = tmp_path_factory.mktemp("backups") / "golden.sqlite3"
    url = f"sqlite:///{golden}"
    child(url, "-m", "tests.security.plan_state", "prepare")
    return golden, plan_state(url)


def attachments_folder(path):
    """Where the child process keeps the attached files of the database at ``path``."""
    return path.parent / "var" / "attachments"


@pytest.fixture
def live(prepared_sqlite, tmp_path):
    """(path, DATABASE_URL, state) of a copy of the prepared database."""
    golden, state = prepared_sqlite
    path = tmp_path / "live.sqlite3"
    shutil.copyfile(golden, path)
    shutil.copytree(attachments_folder(golden), attachments_folder(path))
    return path, f"sqlite:///{path}", state


def test_an_sqlite_backup_restores_the_plan_and_its_history(live, tmp_path):
    path, url, before = live
    backup = tmp_path / "backups" / "actionplan.sqlite3"

    made = manage(url, "backup_sqlite", str(backup))
    again = manage(url, "backup_sqlite", str(backup), check=False)
    # Disaster: the database and the attached files are lost; both come back from the backup.
    path.unlink()
    shutil.rmtree(attachments_folder(path))
    refused = manage(url, "restore_sqlite", str(backup), check=False)
    manage(url, "restore_sqlite", str(backup), "--yes")
    after = plan_state(url)

    assert "Backed up to" in made.stdout
    assert "Copied 1 attached files" in made.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    files = Path(f"{backup}.attachments")
    assert stat.S_IMODE(files.stat().st_mode) == 0o700
    assert again.returncode != 0 and "already exists" in again.stderr
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert_same_plan(before, after)
    assert "History intact" in manage(url, "verify_history").stdout


def test_restoring_over_a_changed_database_brings_back_the_backup_and_keeps_the_old_one(
    live, tmp_path
):
    path, url, before = live
    backup = tmp_path / "backup.sqlite3"
    manage(url, "backup_sqlite", str(backup))
    child(url, "-m", "tests.security.plan_state", "prepare")  # more ratings: more history

    manage(url, "restore_sqlite", str(backup), "--yes")
    after = plan_state(url)

    assert_same_plan(before, after)
    kept = list(tmp_path.glob("live.sqlite3.before-restore-*"))
    assert len(kept) == 1
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600


def test_restore_refuses_a_file_that_is_not_a_backup(live, tmp_path):
    path, url, _ = live
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    before = path.read_bytes()

    result = manage(url, "restore_sqlite", str(junk), "--yes", check=False)

    assert result.returncode != 0
    assert path.read_bytes() == before


def test_the_backup_command_refuses_postgresql():
    result = manage("postgres://nobody@127.0.0.1:1/none", "backup_sqlite", "x.sqlite3", check=False)

    assert result.returncode != 0
    assert "pg_dump" in result.stderr


@pytest.fixture
def scratch_postgres():
    """Two empty scratch databases on the PostgreSQL server the suite runs on."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore are tested in the PostgreSQL run (make test-postgres)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore are needed (apt-get install postgresql-client)")
    import psycopg

    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    names = [f"actionplan_backup_{secrets.token_hex(4)}_{n}" for n in ("live", "restored")]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    urls = [f"{server}/{name}" for name in names]
    try:
        yield urls
    finally:
        for url in urls:
            shutil.rmtree(var_dir_for(url), ignore_errors=True)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_restores_the_plan_and_its_history(scratch_postgres, tmp_path):
    live, restored = scratch_postgres
    child(live, "-m", "tests.security.plan_state", "prepare")
    before = plan_state(live)
    dump = tmp_path / "actionplan.dump"

    # The commands of the README's "Backups": a custom-format dump and the attached files,
    # restored into an empty database and an empty storage folder.
    files = tmp_path / "attachments"
    manage(live, "backup_attachments", str(files))
    subprocess.run(  # noqa: S603 -- fixed arguments
        [
            shutil.which("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--dbname={live}",
            f"--file={dump}",
        ],
        check=True,
    )
    subprocess.run(  # noqa: S603 -- fixed arguments
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={restored}",
            str(dump),
        ],
        check=True,
    )
    manage(restored, "restore_attachments", str(files))
    after = plan_state(restored)

    assert_same_plan(before, after)
    # The restored record is the one written: its hash chain verifies.
    assert "History intact" in manage(restored, "verify_history").stdout
