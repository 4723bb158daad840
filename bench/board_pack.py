"""How long a board pack takes, and how much memory, as plans grow.

    .venv/bin/python bench/board_pack.py [--repeat N] [--cases seed,200,500,1000]

For the seed plan and for synthetic plans (5 evidence entries an action), each measured
in a fresh child process:

- end to end: what the preview/download/command do: the context from history
  (``pack_context``), the HTML (``render_pack_html``) and the tagged PDF;
- the floor: WeasyPrint alone rendering the very same saved HTML to the same PDF.

The ratio end-to-end / floor is what our own code costs on top of WeasyPrint (target:
1.2 or less); time per 100 actions shows whether growth is linear. Peak memory is the
child's maximum resident set size (it includes Python and Django, the same for both).

Uses a throwaway SQLite database, /tmp/bench-pack.sqlite3, rebuilt on each run.
"""

import argparse
import datetime
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Throwaway files: rebuilt on every run, never read by anything else.
DATABASE = Path("/tmp/bench-pack.sqlite3")  # noqa: S108
WORK = Path("/tmp/bench-pack")  # noqa: S108
AS_AT = datetime.date(2015, 9, 30)
CREATED = datetime.datetime(2015, 4, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
CHANGED = datetime.datetime(2015, 8, 14, 10, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
EVIDENCE_PER_ACTION = 5
SIZES = {"200": 200, "500": 500, "1000": 1000}

os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
sys.path.insert(0, str(ROOT))


def setup_django():
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


# -- the database: the seed plan and synthetic plans with a past -----------------------


def words_from_seed():
    from actionplan.seed import SEED_PLAN

    data = json.loads(SEED_PLAN.read_text())
    text = " ".join(
        " ".join([a["action"], a.get("outcomes", "")] + [e["text"] for e in a["evidence"]])
        for section in data["sections"]
        for a in section["actions"]
    )
    return text.split()


def prose(rng, words, low, high):
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))


def build_database():
    import time_machine
    from django.core.management import call_command
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Rag, Section
    from actionplan.seed import SEED_PLAN, load_plan
    from agencies.models import Agency

    DATABASE.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    with time_machine.travel(CREATED):
        seed = json.loads(SEED_PLAN.read_text())
        seed["plan"]["slug"] = "seed"
        WORK.mkdir(exist_ok=True)
        (WORK / "seed.json").write_text(json.dumps(seed))
        load_plan(WORK / "seed.json")
    rng = random.Random(2015)  # noqa: S311 -- repeatable made-up plans, not secrets
    words = words_from_seed()
    agencies = list(Agency.objects.order_by("pk"))
    owner = Agency.objects.get(slug=seed["plan"]["owner"])
    reason = "Synthetic plan for the benchmark"
    rags = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, ""]
    for slug, size in SIZES.items():
        with time_machine.travel(CREATED):
            plan = Plan(slug=f"synthetic-{slug}", title=f"Synthetic plan of {size} actions")
            plan.partnership, plan.owner = "Benchmark Safeguarding Children Board", owner
            plan._change_reason = reason
            plan.save()
            per_section = 25
            sections = bulk_create_with_history(
                [
                    Section(
                        plan=plan,
                        number=n + 1,
                        title=prose(rng, words, 3, 7),
                        purpose=prose(rng, words, 15, 30),
                    )
                    for n in range(-(-size // per_section))
                ],
                Section,
                default_change_reason=reason,
            )
            actions = bulk_create_with_history(
                [
                    Action(
                        section=sections[i // per_section],
                        position=i % per_section + 1,
                        text=prose(rng, words, 15, 40),
                        outcomes=prose(rng, words, 15, 50),
                        timescale=(label := rng.choice(["Dec 2014", "April 2015", "Dec 2015"])),
                        original_timescale=label,
                        due_date={
                            "Dec 2014": datetime.date(2014, 12, 31),
                            "April 2015": datetime.date(2015, 4, 30),
                            "Dec 2015": datetime.date(2015, 12, 31),
                        }[label],
                        rag=rng.choice(rags),
                    )
                    for i in range(size)
                ],
                Action,
                default_change_reason=reason,
            )
            bulk_create_with_history(
                [
                    ActionLead(action=action, agency=agency, position=n)
                    for action in actions
                    for n, agency in enumerate(rng.sample(agencies, rng.randint(1, 3)), 1)
                ],
                ActionLead,
                default_change_reason=reason,
            )
            bulk_create_with_history(
                [
                    EvidenceEntry(
                        action=action,
                        text=prose(rng, words, 10, 40),
                        agency=rng.choice(agencies),
                        activity_date=datetime.date(2015, rng.randint(1, 9), 1),
                    )
                    for action in actions
                    for _ in range(EVIDENCE_PER_ACTION)
                ],
                EvidenceEntry,
                default_change_reason=reason,
            )
        # A tenth of the ratings change in the quarter, so "changes since" has work to do.
        moved = rng.sample(actions, size // 10)
        for action in moved:
            action.rag = rng.choice(rags)
            action.rag_reason = prose(rng, words, 8, 20)
        bulk_update_with_history(
            moved,
            Action,
            ["rag", "rag_reason"],
            default_change_reason="Re-rated at the August meeting",
            default_date=CHANGED,
        )


# -- one measurement, in a child process -------------------------------------------------


def measure(case, mode):
    from pypdf import PdfReader

    from actionplan.models import Plan
    from reporting.pack import pack_context
    from reporting.rendering import render_pack_html, render_pack_pdf

    html_file = WORK / f"{case}.html"
    started = time.perf_counter()
    if mode == "end-to-end":
        plan = Plan.objects.get(slug=case if case == "seed" else f"synthetic-{case}")
        context = pack_context(plan, AS_AT)
        built = time.perf_counter()
        html = render_pack_html(context)
        rendered = time.perf_counter()
        pdf = render_pack_pdf(html)
        html_file.write_text(html)
        steps = {"context": built - started, "html": rendered - built}
        actions = sum(part.total for part in context["parts"])
    else:
        pdf = render_pack_pdf(html_file.read_text())
        steps, actions = {}, None
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {"seconds": seconds, "peak_mb": peak_mb, "pages": pages, "actions": actions, **steps}


def child(case, mode):
    completed = subprocess.run(  # noqa: S603 -- this very script, with our own arguments
        [sys.executable, __file__, "--child", case, mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (median kept)")
    parser.add_argument("--cases", default="seed,200,500,1000")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    print(f"Building {DATABASE} (seed plan and synthetic plans, as at {AS_AT}) ...", flush=True)
    build_database()
    header = (
        f"{'plan':>6} {'actions':>7} {'pages':>5} │ {'end-to-end s':>12} {'context s':>9} "
        f"{'html s':>6} │ {'floor s':>7} │ {'ratio':>5} │ {'s/100 actions':>13} │ "
        f"{'peak MB e2e':>11} {'peak MB floor':>13}"
    )
    print(header)
    print("─" * len(header))
    for case in args.cases.split(","):
        ends = [child(case, "end-to-end") for _ in range(args.repeat)]
        floors = [child(case, "floor") for _ in range(args.repeat)]

        def median(runs, key):
            return statistics.median(run[key] for run in runs)

        end, floor = median(ends, "seconds"), median(floors, "seconds")
        actions = ends[0]["actions"]
        print(
            f"{case:>6} {actions:>7} {ends[0]['pages']:>5} │ {end:>12.2f} "
            f"{median(ends, 'context'):>9.2f} {median(ends, 'html'):>6.2f} │ {floor:>7.2f} │ "
            f"{end / floor:>5.2f} │ {100 * end / actions:>13.2f} │ "
            f"{median(ends, 'peak_mb'):>11.0f} {median(floors, 'peak_mb'):>13.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
