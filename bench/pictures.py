"""Redraw the README's pictures of the board pack (docs/images/board-pack-*.png).

    .venv/bin/python bench/pictures.py

Loads the real plan on 1 April 2015 into a throwaway SQLite database, makes a quarter's
worth of changes (ratings with reasons, evidence, a revised timescale), issues the
Quarter 2 pack as at 30 September 2015 (the full plan) and draws its cover, summary and a
plan page with pdftoppm (poppler-utils), then makes the exception report of the same
quarter as a draft and draws its first plan page. Also writes the whole pack to
/tmp/board-pack-pictures.pdf and the exception report to
/tmp/board-pack-pictures-exceptions.pdf.
"""

import datetime
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = Path("/tmp/board-pack-pictures.sqlite3")  # noqa: S108 -- throwaway
PDF = Path("/tmp/board-pack-pictures.pdf")  # noqa: S108 -- throwaway
EXCEPTIONS_PDF = Path("/tmp/board-pack-pictures-exceptions.pdf")  # noqa: S108 -- throwaway
IMAGES = ROOT / "docs" / "images"
LONDON = zoneinfo.ZoneInfo("Europe/London")

os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
sys.path.insert(0, str(ROOT))


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def bookmarks(path):
    """{title: 1-based page} of every bookmark of the PDF."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return found


def main():
    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from actionplan.models import Action, EvidenceEntry, Rag
    from actionplan.seed import load_plan
    from agencies.models import Agency, Membership
    from reporting.issuing import draft_pdf, issue_pack
    from reporting.models import PackKind

    DATABASE.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    with time_machine.travel(at(2015, 4, 1, 9), tick=False):
        plan = load_plan().plan

    def person(username, first, last, agency, role):
        user = get_user_model().objects.create_user(username, first_name=first, last_name=last)
        membership = Membership(user=user, agency=agency, role=role)
        membership._change_reason = "Demo people"
        membership.save()
        return user

    chair = person("chair", "Sam", "Ellis", plan.owner, Membership.Role.CHAIR)
    manager = person(
        "manager",
        "Alex",
        "Morgan",
        Agency.objects.get(slug="bscb"),
        Membership.Role.BUSINESS_MANAGER,
    )

    def action(ref):
        section, position = (int(n) for n in ref.split("."))
        return Action.objects.get(section__plan=plan, section__number=section, position=position)

    def rate(ref, rag, reason, moment):
        with time_machine.travel(moment, tick=False):
            action(ref).rate(rag, reason, by=chair)

    def evidence(ref, text, moment, agency):
        with time_machine.travel(moment, tick=False):
            entry = EvidenceEntry(
                action=action(ref),
                text=text,
                activity_date=moment.date(),
                agency=Agency.objects.get(slug=agency),
            )
            entry._change_reason = "Quarterly update"
            entry.save()

    rate("4.2", Rag.RED, "No engagement with the night-time economy yet", at(2015, 7, 9, 14))
    evidence(
        "4.2",
        "Licensing visits to 12 premises with Trading Standards; staff briefed on CSE signs.",
        at(2015, 8, 20, 11),
        "awaken",
    )
    rate("4.2", Rag.AMBER, "Licensing visits under way; training to follow", at(2015, 9, 10, 15))
    evidence(
        "2.1",
        "BME community event held at the Central Mosque with Awaken and the police.",
        at(2015, 8, 6, 10),
        "awaken",
    )
    rate("2.1", Rag.GREEN, "Gap with BME communities now being addressed", at(2015, 9, 10, 15))
    with time_machine.travel(at(2015, 9, 10, 15), tick=False):
        action("6.3").revise_timescale("Dec 2015", "Waiting for the new case system")
    rate("7.1", Rag.BLUE, "Training programme delivered and evaluated", at(2015, 9, 10, 15))

    with time_machine.travel(at(2015, 10, 2, 10), tick=False):
        pack = issue_pack(plan, datetime.date(2015, 9, 30), by=manager)
        exceptions = draft_pdf(
            plan, datetime.date(2015, 9, 30), by=manager, kind=PackKind.EXCEPTIONS
        )
    PDF.write_bytes(bytes(pack.pdf))
    EXCEPTIONS_PDF.write_bytes(exceptions)
    IMAGES.mkdir(parents=True, exist_ok=True)
    full, report = bookmarks(PDF), bookmarks(EXCEPTIONS_PDF)
    for name, pdf, page in [
        ("cover", PDF, 1),
        ("summary", PDF, full["Summary"]),
        ("plan", PDF, full["2. Prevention and Public Confidence"]),
        ("exceptions", EXCEPTIONS_PDF, report["7. Training and Development"]),
    ]:
        target = IMAGES / f"board-pack-{name}"
        subprocess.run(  # noqa: S603 -- poppler-utils, fixed arguments
            ["pdftoppm", "-r", "75", "-png", "-singlefile", "-f", str(page), "-l", str(page)]  # noqa: S607
            + [str(pdf), str(target)],
            check=True,
        )
        print(f"{target}.png ({(target.with_suffix('.png')).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
