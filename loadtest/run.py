"""The load test: gunicorn (2 workers) + PostgreSQL on 127.0.0.1, 20 people for 2 minutes.

    make loadtest          # or: .venv/bin/python loadtest/run.py [--users 20] [--time 2m]

1. (Re)creates the scratch database ``actionplan_loadtest`` (LOADTEST_DATABASE_URL),
   migrates it, loads the real plan and the demo people with a known password;
2. collects the static files and starts gunicorn in production mode (DEBUG=0, a
   throwaway SECRET_KEY) on 127.0.0.1:8010;
3. runs Locust headless (loadtest/locustfile.py): 80 % reads, 15 % evidence added by
   agency leads, 5 % ratings changed by the chair;
4. prints p50/p95/p99 and requests per second for the whole run and for the steady state
   once everybody has signed in, errors, and lost updates: every write the server
   acknowledged must be in the history exactly once.

Exits 1 if a target is missed: no errors, no lost updates, p95 under 300 ms (whole run).

The figures only mean something on an otherwise idle machine: Locust, gunicorn and
PostgreSQL share its cores, and anything else running slows all three. The line
"(gunicorn, no queue)" is the workers' own time from gunicorn's access log.
"""

import argparse
import datetime
import json
import math
import os
import re
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
        # Simulated people have no phone: nobody is asked for a second factor here.
        "MFA_REQUIRED_ROLES": "",
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
    return json.loads(writes.read_text())  # {"writes": ..., "requests": ...}


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
        posted = [w for w in writes[kind] if "status" in w]  # the form was fetched first
        acknowledged = {w["marker"] for w in posted if w["status"] == 302}
        in_flight = {w["marker"] for w in posted if w["status"] is None}
        in_history = found[kind]
        report[kind] = {
            "sent": len(posted),
            "acknowledged": len(acknowledged),
            "conflicts": sum(1 for w in posted if w["status"] == 409),
            "in flight at the end": len(in_flight),
            "in history": len(set(in_history) & acknowledged),
            "lost": len(acknowledged - set(in_history)),
            "duplicated": len(in_history) - len(set(in_history)),
            "written, never sent": len(set(in_history) - acknowledged - in_flight),
        }
    return report


def percentile(values, fraction):
    """Nearest-rank percentile of a sorted list."""
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


def table(requests, seconds):
    """Rows of (name, count, errors, p50, p95, p99, max, requests/s), the total last."""
    by_name = {}
    for _, name, ms, failed in requests:
        by_name.setdefault(name, []).append((ms, failed))
    rows = []
    for name in [*sorted(by_name), "all requests"]:
        entries = by_name.get(name) or [(ms, failed) for _, _, ms, failed in requests]
        times = sorted(ms for ms, _ in entries)
        rows.append(
            (
                name,
                len(times),
                sum(failed for _, failed in entries),
                *(percentile(times, f) for f in (0.50, 0.95, 0.99)),
                times[-1],
                len(times) / seconds,
            )
        )
    return rows


def print_table(title, rows):
    print()
    print(title)
    header = f"{'request':<22}{'count':>7}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    header += f"{'max ms':>8}{'req/s':>8}"
    print(header)
    print("-" * len(header))
    for name, count, errors, p50, p95, p99, top, rate in rows:
        print(
            f"{name:<22}{count:>7}{errors:>8}{p50:>8.0f}{p95:>8.0f}{p99:>8.0f}{top:>8.0f}{rate:>8.1f}"
        )


ACCESS_LINE = re.compile(r'\[([^\]]+)\] "(?:GET|POST) \S+" \d+ \d+ (\d+)$')


def server_times(since):
    """Milliseconds gunicorn spent on each request from ``since`` (its access log: %(D)s),
    sorted: what the workers took, without the queue in front of them."""
    times = []
    for line in (OUT / "gunicorn.log").read_text().splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            when = datetime.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z")
            if when.timestamp() >= math.floor(since):
                times.append(int(match.group(2)) / 1000)
    return sorted(times)


def print_report(requests, writes_report):
    """The whole run, and the steady state once everybody has signed in (signing in is
    slow on purpose: PBKDF2 with a million iterations, about a second of CPU here)."""
    requests.sort()
    start = requests[0][0]
    end = max(t + ms / 1000 for t, _, ms, _ in requests)
    signed_in = max(t + ms / 1000 for t, name, ms, _ in requests if name == "sign in")
    steady = [r for r in requests if r[0] >= signed_in]
    whole_rows = table(requests, end - start)
    print_table(f"Whole run ({end - start:.0f} s, sign-ins included)", whole_rows)
    steady_rows = table(steady, end - signed_in)
    print_table(
        f"Steady state ({end - signed_in:.0f} s, from {signed_in - start:.0f} s in, when the "
        "last person had signed in)",
        steady_rows,
    )
    served = server_times(signed_in)
    if served:
        print(
            f"{'(gunicorn, no queue)':<22}{len(served):>7}{'':>8}"
            + "".join(f"{percentile(served, f):>8.0f}" for f in (0.50, 0.95, 0.99))
            + f"{served[-1]:>8.0f}"
        )
    print()
    for kind, numbers in writes_report.items():
        print(f"{kind:>9}: " + ", ".join(f"{k} {v}" for k, v in numbers.items()))
    errors = sum(failed for *_, failed in requests)
    lost = sum(
        numbers["lost"] + numbers["duplicated"] + numbers["written, never sent"]
        for numbers in writes_report.values()
    )
    p95 = whole_rows[-1][4]
    print()
    print(
        f"Targets: errors {errors} (0), lost updates {lost} (0), "
        f"p95 {p95:.0f} ms over the whole run (< {TARGET_P95_MS} ms)"
    )
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
        recorded = run_locust(args.users, args.time)
    finally:
        stop(process)
    met = print_report(recorded["requests"], lost_updates(recorded["writes"]))
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
