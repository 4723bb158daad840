"""Run in a child process against a scratch database (DATABASE_URL) by test_backups.py:

    python -m tests.security.plan_state prepare   # migrate, load the plan, make history
                                                  # (again: more history)
    python -m tests.security.plan_state state     # print counts, an as-at export and the
                                                  # attached files' hashes (JSON)

Attached files go to $VAR_DIR/attachments, a folder of the test's own.

A child process, because the backup tools read what is committed, and the test's own
database never commits.
"""

import datetime
import io
import json
import os
import sys

# The attached file's bytes: the backups must bring back exactly these.
ATTACHED = b"%PDF-1.7\n% minutes of the March meeting\n%%EOF\n"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
    import django

    django.setup()


def prepare():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from actionplan.models import Action, EvidenceEntry
    from actionplan.seed import load_plan

    call_command("migrate", verbosity=0, interactive=False)
    plan = load_plan().plan
    chair, _ = get_user_model().objects.get_or_create(username="backup.chair")
    action = Action.objects.filter(section__plan=plan).order_by("pk").first()
    action.rate("red", "No progress since the last meeting", by=chair)
    action.rate("amber", "Some progress: training booked", by=chair)
    entry = EvidenceEntry(
        action=action,
        text="Training for hotel staff booked for March",
        activity_date=datetime.date(2015, 6, 1),
        agency=action.leads.first().agency,
        recorded_by=chair,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    from django.core.files.base import ContentFile

    from actionplan.models import Attachment

    minutes = ContentFile(ATTACHED, name="Minutes of the March meeting.pdf")
    Attachment.add_file(entry, minutes, title="", content_type="application/pdf", by=chair)


def state():
    from django.apps import apps
    from django.core.management import call_command

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    exports = {}
    for when in (None, datetime.date.today().isoformat()):
        out = io.StringIO()
        args = ["--as-at", when] if when else []
        call_command("export_plan", *args, stdout=out, stderr=io.StringIO())
        exports[when or "now"] = out.getvalue()
    return {"counts": counts, "exports": exports, "files": attached_files()}


def attached_files():
    """{stored name: sha256, or "missing"} for every attached file, read from storage."""
    import hashlib

    from actionplan.models import Attachment
    from actionplan.models.attachments import attachment_storage

    storage = attachment_storage()
    files = {}
    for name in Attachment.objects.values_list("file", flat=True):
        if not storage.exists(name):
            files[name] = "missing"
            continue
        with storage.open(name, "rb") as stored:
            files[name] = hashlib.sha256(stored.read()).hexdigest()
    return files


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "prepare":
        prepare()
    else:
        print(json.dumps(state()))
