"""Benchmark: every page at a real Board's scale, on SQLite or PostgreSQL.

    .venv/bin/python bench/pages.py [--postgres] [--cases 20x10k,2000x100k] [--repeat 5]
                                    [--reuse] [--pages feed,overview] [--save NAME]

Builds synthetic plans with a long past (bench/plans.py) side by side in one throwaway
database (SQLite in /tmp, or the scratch PostgreSQL database ``actionplan_bench_pages``),
so every page also shows whether it depends on the *other* plans' history. Then, for
each page and plan, through Django's test client as a signed-in board member: one
warm-up request (its queries and size are counted), then ``--repeat`` timed requests;
prints the median and the worst, in milliseconds of server time (the whole request:
middleware, view, template; a download's body is read to the end).

Goals (issue 17), at 2,000 actions and 100k history rows, for every page but the
downloads: median ≤ 150 ms, worst ≤ 300 ms; the Excel download ≤ 2 s. The activity feed
and an action's history must not grow with the history: any page of them, any action.

``--reuse`` keeps the database of the last run (it is migrated, not rebuilt) when it
holds the same cases; ``--build-only`` builds it and stops. ``--save NAME`` writes the
figures to var/bench/NAME-<db>.json. A slow request (over 20 s) is measured once, not
``--repeat`` times; with ``--cap SECONDS`` any one query is stopped after that long and
the page is reported as "stopped" (the code before issue 17 took hours for some pages).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POSTGRES = "--postgres" in sys.argv
PG_SERVER = "postgres://root@127.0.0.1:5432"
PG_NAME = os.environ.get("BENCH_PG_NAME", "actionplan_bench_pages")
SQLITE = Path(
    os.environ.get("BENCH_SQLITE", Path(tempfile.gettempdir()) / "actionplan-bench-pages.sqlite3")
)
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}" if POSTGRES else f"sqlite:///{SQLITE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CONN_MAX_AGE", "60")  # as in production: no new connection a request

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from actionplan.models import Action, Plan  # noqa: E402
from actionplan.seed import load_plan  # noqa: E402
from bench import plans  # noqa: E402

CASES = {
    "20x10k": (20, 10_000),
    "20x100k": (20, 100_000),
    "200x10k": (200, 10_000),
    "200x100k": (200, 100_000),
    # 2,000 actions with 5–10 entries each are ~20k history rows on the day they are made.
    "2000x20k": (2000, 20_000),
    "2000x100k": (2000, 100_000),
}
GOAL_CASE = "2000x100k"
GOAL_MEDIAN_MS, GOAL_WORST_MS, GOAL_EXCEL_MS = 150, 300, 2000
SLOW_S = 20


def label(case):
    n_actions, rows = CASES[case]
    return f"{n_actions:,} actions, {rows // 1000}k"


# -- the pages -------------------------------------------------------------------------


def deep_cursor(built, action_id=None):
    """The address of a page of changes half-way back through the history."""
    history = Action.history.filter(section__plan=built.plan)
    if action_id is not None:
        history = history.filter(id=action_id)
    middle = history.count() // 2
    row = history.order_by("history_date", "history_id")[middle]
    try:
        from actionplan.history.pages import Cursor
    except ImportError:  # before issue 17: numbered pages
        return None
    return "?before=" + Cursor(row.history_date, "action", row.history_id).token()


def deep_page_number(built, action_id=None):
    """Before issue 17, pages had numbers: the one half-way, from a count of the rows
    (every history record of a plan is a change; counting the changes took minutes)."""
    from actionplan.models import ActionLead, EvidenceEntry

    if action_id is None:
        rows = built.history_rows - 1  # the plan's own record is not a change
    else:
        rows = sum(
            model.history.filter(**{field: action_id}).count()
            for model, field in (
                (Action, "id"),
                (ActionLead, "action_id"),
                (EvidenceEntry, "action_id"),
            )
        )
    return max(1, rows // 50 // 2)


def deep(built, name, action_id=None):
    args = [action_id] if action_id else [built.plan.slug]
    url = reverse(name, args=args)
    cursor = deep_cursor(built, action_id)
    return url + (cursor or f"?page={deep_page_number(built, action_id)}")


PAGES = {
    "feed": ("activity feed, first page", lambda b: reverse("activity_for", args=[b.plan.slug])),
    "feed-deep": ("activity feed, a page half-way back", lambda b: deep(b, "activity_for")),
    "feed-ratings": (
        "activity feed, ratings only",
        lambda b: reverse("activity_for", args=[b.plan.slug]) + "?kind=rating",
    ),
    "dashboard": (
        "dashboard (latest changes)",
        lambda b: reverse("dashboard_for", args=[b.plan.slug]),
    ),
    "history": (
        "busiest action's history, first page",
        lambda b: reverse("action_history", args=[b.busy_action_id]),
    ),
    "history-deep": (
        "busiest action's history, half-way back",
        lambda b: deep(b, "action_history", b.busy_action_id),
    ),
    "overview": ("plan overview", lambda b: reverse("plan_overview_for", args=[b.plan.slug])),
    "overview-filtered": (
        "plan overview, filtered (Red)",
        lambda b: reverse("plan_overview_for", args=[b.plan.slug]) + "?rag=red",
    ),
    "as-at": (
        "plan as at a date",
        lambda b: reverse("plan_overview_for", args=[b.plan.slug]) + f"?as_at={b.as_at:%d/%m/%Y}",
    ),
    "action": (
        "busiest action's page",
        lambda b: reverse("action_detail", args=[b.busy_action_id]),
    ),
    "action-as-at": (
        "busiest action as at a date",
        lambda b: reverse("action_detail", args=[b.busy_action_id]) + f"?as_at={b.as_at}",
    ),
    "review": (
        "chair's review: what needs attention",
        lambda b: reverse("review_start", args=[b.plan.slug]),
        "chair",
    ),
    "review-action": (
        "review meeting, one action",
        lambda b: reverse("review_action", args=[b.plan.slug, b.busy_action_id]) + "?set=all",
        "chair",
    ),
    "my-actions": ("a lead's actions (every plan)", lambda b: reverse("my_actions"), "lead1"),
    "audit-log": ("audit log", lambda b: reverse("audit_log"), "manager"),
    "history-check": ("check the history", lambda b: reverse("history_check"), "manager"),
    "csv": ("CSV download", lambda b: reverse("export_csv_for", args=[b.plan.slug])),
    "xlsx": ("Excel download", lambda b: reverse("export_xlsx_for", args=[b.plan.slug])),
}
# Who asks for each page: a board member, unless the page says (the bench's cast,
# bench/plans.py: the chair and the manager of every bench plan, a lead of an agency).
DOWNLOADS = {"csv", "xlsx"}


# -- the database ----------------------------------------------------------------------


def prepare(cases, reuse):
    """Build the plans (or reuse the last run's) and return {case: plans.Built}."""
    if reuse and database_exists():
        call_command("migrate", verbosity=0)
        found = {case: stored(case) for case in cases}
        if all(found.values()):
            print("Reusing the benchmark database of the last run.", flush=True)
            analyse()  # a migration may have rewritten rows (actionplan 0009 did)
            return found
    create_database()
    call_command("migrate", verbosity=0)
    load_plan()
    built = {}
    for case in cases:
        n_actions, rows = CASES[case]
        begun = time.perf_counter()
        built[case] = plans.build(f"bench-{case}", n_actions, rows)
        print(
            f"Built {label(case)}: {built[case].history_rows:,} history rows "
            f"in {time.perf_counter() - begun:.0f} s",
            flush=True,
        )
    analyse()
    return built


def analyse():
    """Fresh statistics for the planner (and, on PostgreSQL, a visibility map that lets
    index-only scans skip the table), as autovacuum would give a real database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def database_exists():
    if not POSTGRES:
        return SQLITE.exists()
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
        return bool(
            pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone()
        )


def create_database():
    connection.close()
    if not POSTGRES:
        SQLITE.unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        pg.execute(f"CREATE DATABASE {PG_NAME}")


def stored(case):
    plan = Plan.objects.filter(slug=f"bench-{case}").first()
    if plan is None:
        return None
    actions = Action.objects.filter(section__plan=plan).order_by("section__number", "position")
    from actionplan.models import ActionLead, EvidenceEntry, Section

    rows = (
        Action.history.filter(section__plan=plan).count()
        + Section.history.filter(plan=plan).count()
        + ActionLead.history.filter(action__section__plan=plan).count()
        + EvidenceEntry.history.filter(action__section__plan=plan).count()
        + 1
    )
    return plans.Built(
        plan=plan,
        busy_action_id=actions.first().pk,
        history_rows=rows,
        as_at=(plans.START + (plans.END - plans.START) / 2).date(),
    )


# -- measuring -------------------------------------------------------------------------


DEADLINE = {"at": None, "cap": 0}


def cap_every_query(sender, connection, **kwargs):
    """Stop a query that runs past the cap (``--cap``): SQLite asks a progress handler
    every 100,000 steps, PostgreSQL has statement_timeout."""
    if not DEADLINE["cap"]:
        return
    if connection.vendor == "sqlite":

        def past_deadline():
            return int(DEADLINE["at"] is not None and time.monotonic() > DEADLINE["at"])

        connection.connection.set_progress_handler(past_deadline, 100_000)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(DEADLINE['cap'] * 1000)}")


def fetch(client, url):
    begun, cpu = time.perf_counter(), time.process_time()
    DEADLINE["at"] = time.monotonic() + DEADLINE["cap"]
    try:
        response = client.get(url, HTTP_HOST="localhost")
        body = response.getvalue()  # a download: read to the end
    finally:
        DEADLINE["at"] = None
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - begun, response.status_code, len(body)


CPU = []  # this process's CPU time of each request: on a busy machine, what it needed


def measure(client, url, repeat, download):
    connection.queries_log.clear()  # a full log (9,000 queries) would count as none
    CPU.clear()
    with CaptureQueriesContext(connection) as queries:
        try:
            first, status, size = fetch(client, url)
        except DatabaseError:
            connection.close()
            return {"status": "stopped", "queries": 0, "runs": 1}
    if first <= SLOW_S:
        CPU.clear()
    timings = [first] if first > SLOW_S else [fetch(client, url)[0] for _ in range(repeat)]
    cpu = statistics.median(CPU)
    peak = None
    if download:
        tracemalloc.start()
        fetch(client, url)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "median_ms": 1000 * statistics.median(timings),
        "worst_ms": 1000 * max(timings),
        "runs": len(timings),
        "status": status,
        "bytes": size,
        "queries": len(queries),
        "peak_mb": peak,
        "cpu_ms": 1000 * cpu,
    }


def load():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607


# -- the tables ------------------------------------------------------------------------


def cell(result):
    if result is None:
        return ""
    if result["status"] == "stopped":
        return f"> {DEADLINE['cap']:.0f} s (stopped)"
    if result["status"] != 200:
        return f"HTTP {result['status']}"
    text = f"{result['median_ms']:,.0f} ({result['worst_ms']:,.0f}) ms"
    if result["runs"] == 1:
        text += " ×1"
    return text


def size(result):
    if result is None or "bytes" not in result:
        return ""
    kb = result["bytes"] / 1024
    text = f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} kB"
    if result["peak_mb"] is not None:
        text += f", peak {result['peak_mb']:.0f} MB"
    return text


def verdict(key, result):
    if result is None:
        return ""
    if result["status"] != 200:
        return "FAIL"
    if key == "xlsx":
        return "ok" if result["median_ms"] <= GOAL_EXCEL_MS else "FAIL"
    if key in DOWNLOADS:
        return "–"
    ok = result["median_ms"] <= GOAL_MEDIAN_MS and result["worst_ms"] <= GOAL_WORST_MS
    return "ok" if ok else "FAIL"


def print_tables(results, cases, pages, database, repeat):
    print(f"\n### Pages on {database}: median (worst) of {repeat} after a warm-up\n")
    print("| page | " + " | ".join(label(c) for c in cases) + " | queries | goal |")
    print("|---|" + "---|" * (len(cases) + 2))
    for key in pages:
        row = [cell(results[key].get(c)) for c in cases]
        counts = sorted({r["queries"] for r in results[key].values()})
        goal = verdict(key, results[key].get(GOAL_CASE)) if GOAL_CASE in cases else ""
        counts_text = " / ".join(str(n) for n in counts)
        print(f"| {PAGES[key][0]} | " + " | ".join(row) + f" | {counts_text} | {goal} |")
    print(f"\n### Sizes on {database} (HTML or download; peak Python memory for downloads)\n")
    print("| page | " + " | ".join(label(c) for c in cases) + " |")
    print("|---|" + "---|" * len(cases))
    for key in pages:
        print(f"| {PAGES[key][0]} | " + " | ".join(size(results[key].get(c)) for c in cases) + " |")
    if GOAL_CASE in cases:
        missed = [PAGES[k][0] for k in pages if verdict(k, results[k][GOAL_CASE]) == "FAIL"]
        print(
            f"\nGoals at {label(GOAL_CASE)} on {database}: "
            + ("every page within them." if not missed else "MISSED by " + "; ".join(missed))
            + " (Pages: median ≤ 150 ms, worst ≤ 300 ms; Excel ≤ 2 s.)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--save", default="")
    parser.add_argument("--cap", type=float, default=0)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    DEADLINE["cap"] = args.cap
    connection_created.connect(cap_every_query)
    cases = args.cases.split(",")
    pages = args.pages.split(",")
    database = "PostgreSQL" if POSTGRES else "SQLite"
    print(f"Load before: {load()}", flush=True)
    built = prepare(list(CASES) if not args.reuse else cases, args.reuse)
    if args.build_only:
        return
    cast, clients = plans.people(), {}
    for name, person in cast.items():
        clients[name] = Client()
        clients[name].force_login(person)
    results = {key: {} for key in pages}
    for case in cases:
        for key in pages:
            url = PAGES[key][1](built[case])
            client = clients[PAGES[key][2] if len(PAGES[key]) > 2 else "reader"]
            result = results[key][case] = measure(client, url, args.repeat, key in DOWNLOADS)
            cpu = (
                f"  (this process's CPU: {result['cpu_ms']:,.0f} ms)" if "cpu_ms" in result else ""
            )
            print(f"  {label(case):>22}  {PAGES[key][0]:<40} {cell(result)}{cpu}", flush=True)
        if args.save:
            save(args.save, database, results)
    print(f"Load after: {load()}")
    print_tables(results, cases, pages, database, args.repeat)
    if args.save:
        print(f"\nSaved to {save(args.save, database, results).relative_to(ROOT)}")


def save(name, database, results):
    """The figures so far (after each plan), merged into those of an earlier run."""
    out = ROOT / "var" / "bench" / f"{name}-{database.lower()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(out.read_text())["results"] if out.exists() else {}
    for key, by_case in results.items():
        saved.setdefault(key, {}).update(by_case)
    out.write_text(json.dumps({"load": load(), "results": saved}, indent=1))
    return out


if __name__ == "__main__":
    main()
