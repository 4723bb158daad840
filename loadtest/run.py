"""The load test: gunicorn (2 workers) + PostgreSQL on 127.0.0.1, 20 people for 2 minutes.

    make loadtest          # or: .venv/bin/python loadtest/run.py [--users 20] [--time 2m]

1. (Re)creates the scratch database ``actionplan_loadtest`` (LOADTEST_DATABASE_URL),
   migrates it, loads the real plan and the demo people with a known password;
2. collects the static files and starts gunicorn in production mode (DEBUG=0, a
   throwaway SECRET_KEY) on 127.0.0.1:8010;
3. runs Locust headless (loadtest/locustfile.py): 80 % reads, 15 % evidence added by
   agency leads, 5 % ratings changed by the chair;
4. prints p50/p95/p99, requests per second, errors, and lost updates: every write the
   server acknowledged must be in the history exactly once.

Exits 1 if a target is missed: no errors, no lost updates, p95 under 300 ms.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "loadtest"
DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://root@127.0.0.1:5432/actionplan_loadtest"
)
PORT = int(os.environ.get("LOADTEST_PORT", "8010"))
PASSWORD = "load-test-password-2026"  # noqa: S105 -- demo people, scratch database
TARGET_P95_MS = 300


def production_env():
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def run(*args, env):
    subprocess.run([*args], cwd=ROOT, env=env, check=True)  # noqa: S603


def fresh_database():
    import psycopg

    server, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def prepare(env):
    python = str(VENV_BIN / "python")
    print(f"Preparing {DATABASE_URL}: migrate, the real plan, the demo people")
    run(python, "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    run(python, "manage.py", "load_seed_plan", env=env)
    # Demo people exist only in development: this one command runs with DEBUG on.
    demo = {**env, "DEBUG": "1"}
    demo.pop("SECRET_KEY")
    run(python, "manage.py", "create_demo_users", "--password", PASSWORD, env=demo)
    run(python, "manage.py", "collectstatic", "--no-input", "-v", "0", env=env)


def start_gunicorn(env):
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 -- closed with the process
    process = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{PORT}/accounts/login/"
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    for _ in range(60):
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    sys.exit(f"gunicorn did not answer on {url}; see {OUT / 'gunicorn.log'}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def run_locust(users, run_time):
    writes = OUT / "writes.json"
    env = {**os.environ, "LOADTEST_WRITES": str(writes), "LOADTEST_PASSWORD": PASSWORD}
    subprocess.run(  # noqa: S603
        [
            str(VENV_BIN / "locust"),
            "--locustfile",
            "loadtest/locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "2",  # people arrive over 10 seconds, not all in the same second
            "--run-time",
            run_time,
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(writes.read_text())


def lost_updates(writes):
    """Compare the writes the server acknowledged with the history rows it wrote."""
    os.environ.update(DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="actionplan.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from actionplan.models import Action, EvidenceEntry

    found = {
        "evidence": [
            text.split(":")[0]
            for text in EvidenceEntry.history.filter(
                history_type="+", text__startswith="Load test evidence "
            ).values_list("text", flat=True)
        ],
        "rating": list(
            Action.history.filter(rag_reason__startswith="Load test rating ")
            .values_list("rag_reason", flat=True)
            .distinct()
        ),
    }
    report = {}
    for kind in ("evidence", "rating"):
        acknowledged = {w["marker"] for w in writes[kind] if w["status"] == 302}
        in_history = found[kind]
        report[kind] = {
            "sent": len(writes[kind]),
            "acknowledged": len(acknowledged),
            "conflicts": sum(1 for w in writes[kind] if w["status"] == 409),
            "in history": len(set(in_history) & acknowledged),
            "lost": len(acknowledged - set(in_history)),
            "duplicated": len(in_history) - len(set(in_history)),
            "unacknowledged but written": len(set(in_history) - acknowledged),
        }
    return report


def print_report(stats_file, writes_report):
    rows = list(csv.DictReader(open(stats_file)))  # noqa: SIM115
    print()
    header = f"{'request':<22}{'count':>7}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    header += f"{'max ms':>8}{'req/s':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['Name']:<22}{row['Request Count']:>7}{row['Failure Count']:>8}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{float(row['Max Response Time']):>8.0f}{float(row['Requests/s']):>8.1f}"
        )
    print()
    for kind, numbers in writes_report.items():
        print(f"{kind:>9}: " + ", ".join(f"{k} {v}" for k, v in numbers.items()))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    lost = sum(numbers["lost"] + numbers["duplicated"] for numbers in writes_report.values())
    p95 = float(total["95%"])
    print()
    print(f"Targets: errors {errors} (0), lost updates {lost} (0), p95 {p95:.0f} ms (< 300 ms)")
    return errors == 0 and lost == 0 and p95 < TARGET_P95_MS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--time", default="2m")
    args = parser.parse_args()
    env = production_env()
    fresh_database()
    prepare(env)
    process = start_gunicorn(env)
    try:
        print(f"Locust: {args.users} people for {args.time} against gunicorn on :{PORT}")
        writes = run_locust(args.users, args.time)
    finally:
        stop(process)
    met = print_report(OUT / "locust_stats.csv", lost_updates(writes))
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
