"""Every URL pattern × every role × GET/POST → the expected status.

"login" means the anonymous visitor is sent to sign in; "ok" is 200; "done" is the
redirect after a successful POST; 403 is an action the person may not take; 405 a
method the page does not accept. A test at the end checks that every URL pattern of
the project (bar the Django admin, tested on its own) appears here.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplan.models import EvidenceEntry, Section
from agencies.models import Agency, Membership
from reporting.models import BoardPack, PackJob
from tests.served import submit

ROLES = ["anonymous", "board_member", "chair", "awaken_lead", "police_lead", "manager"]
EVERY_MEMBER = {role: "ok" for role in ROLES[1:]}


def everyone(outcome):
    """Pages that need no sign-in (links sent by email): the same for anyone, anonymous too."""
    return {role: outcome for role in ROLES}


def only(allowed, granted="ok", refused=403):
    """`allowed` roles get `granted`; other members `refused`; anonymous must sign in."""
    return {role: (granted if role in allowed else refused) for role in ROLES[1:]}


@pytest.fixture
def world(plan, get_action, chair, awaken_lead, police_lead, manager, board_member):
    """The objects the URLs point at. 3.1 is led by Awaken only."""
    action = get_action("3.1")
    entry = EvidenceEntry(
        action=action,
        text="Consultation with young people completed",
        activity_date=datetime.date(2015, 6, 1),
        agency=Agency.objects.get(slug="awaken"),
        recorded_by=awaken_lead,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    empty_section = Section(plan=plan, number=8, title="Spare")
    empty_section._change_reason = "Test"
    empty_section.save()
    return {
        "action": action,
        "entry": entry,
        "empty_section": empty_section,
        "section": action.section,
        "plan": plan,
        "agency": Agency.objects.get(slug="trading-standards"),
        "person": board_member,
        "membership": Membership.objects.get(user=board_member),
        "users": {
            "chair": chair,
            "awaken_lead": awaken_lead,
            "police_lead": police_lead,
            "manager": manager,
            "board_member": board_member,
        },
    }


def post_data(name, world):
    awaken = Agency.objects.get(slug="awaken")
    return {
        "rate_action": {"rag": "red", "reason": "No progress since the last meeting"},
        "review_action": {"rag": "amber", "reason": "Reviewed at the meeting"},
        "rag_definitions": {
            "red_means": "Off track",
            "amber_means": "At risk",
            "green_means": "On track",
            "blue_means": "Complete",
            "reason": "Agreed by the group",
        },
        "add_evidence": {"text": "New", "activity_date": "01/06/2015", "agency": awaken.pk},
        "edit_evidence": {"text": "Edited", "activity_date": "01/06/2015", "agency": awaken.pk},
        "withdraw_evidence": {"reason": "Recorded against the wrong action"},
        "board_pack_withdraw": {"reason": "Issued with the wrong as-at date"},
        "add_attachment": {"url": "https://example.org/strategy", "title": "Published strategy"},
        "withdraw_attachment": {"reason": "Superseded by the agreed version"},
        "remove_action": {"reason": "Merged into 3.2"},
        "remove_section": {"reason": "Not needed"},
        "edit_action": {
            "text": "Reworded",
            "outcomes": "",
            "leads": [f"agency:{awaken.pk}"],
            "timescale": "Sept 2015",
            "wording_reason": "Clearer for the board",
        },
        "move_action": {"section": world["section"].pk, "position": 9, "reason": "Reordered"},
        "renumber_plan": {"reason": "Agreed by the board"},
        "add_action": {
            "text": "New action",
            "leads": [f"agency:{awaken.pk}"],
            "timescale": "Dec 2016",
        },
        "edit_section": {"title": "Protect", "purpose": "", "reason": "Shorter title"},
        "agency_new": {"name": "Health Visiting", "kind": "agency"},
        "plan_edit": {
            "title": "CSE plan",
            "partnership": "Blackpool Safeguarding Children Board",
            "owner": world["plan"].owner_id,
            "protective_marking": "OFFICIAL",
        },
        "plan_close": {"reason": "Replaced by next year's plan"},
        "plan_copy": {"title": "CSE plan 2016-17"},
        "section_new": {"number": "9", "title": "Missing from home"},
        "agency_edit": {"name": "Trading Standards", "kind": "agency", "is_active": "on"},
        "post_new": {"agency": awaken.pk, "title": "Team Manager"},
        "person_new": {
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "email": "new.person@example.org",
        },
        "person_edit": {"username": "board.member", "first_name": "Bo", "last_name": "Member"},
        "person_deactivate": {},
        "person_reactivate": {"reason": "Back from secondment"},
        "person_reset_factor": {"reason": "New phone; identity checked by telephone"},
        "membership_new": {
            "user": world["users"]["police_lead"].pk,
            "agency": awaken.pk,
            "role": "agency_lead",
        },
        "membership_remove": {"reason": "Left the board"},
        "my_emails": {"evidence_to_review": "on"},
        "reporting_calendar_edit": {
            "quarter_ends": "on",
            "other_dates": "",
            "reminder_days": "14, 3",
            "review_days": "1",
        },
        "password_reset": {"email": "nobody@example.org"},
        "password_change": {
            "old_password": "wrong",
            "new_password1": "x",
            "new_password2": "y",
        },
    }.get(name, {})


def issued_pack(world):
    """The plan's pack as at 30 September 2015 (one a date: made once, then found)."""
    as_at = datetime.date(2015, 9, 30)
    found = BoardPack.objects.of_plan(world["plan"]).filter(as_at=as_at).first()
    if found:
        return found
    pack = BoardPack(
        plan=world["plan"],
        period_label="Quarter 2, 2015/16",
        as_at=as_at,
        since_date=datetime.date(2015, 6, 30),
        issued_by_name="Manager Tester",
        pdf=b"%PDF-1.7 test",
    )
    pack.save()
    return pack


def invitable(world):
    """The board member, not yet signed up, with an address to invite."""
    person = world["person"]
    person.email = "board.member@example.org"
    person.save()
    return person


def deactivated(world):
    """Someone who left: deactivated, and so could be reactivated."""
    from django.contrib.auth import get_user_model

    person, _ = get_user_model().objects.get_or_create(
        username="left.person", defaults={"is_active": False}
    )
    return person


def with_a_factor(world):
    """The board member, with an authenticator app set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = world["person"]
    TOTPDevice.objects.get_or_create(user=person, defaults={"name": "Authenticator app"})
    return person


def not_sent(world):
    """An email the mail server refused six times."""
    from notifications.models import OutboxMessage

    message, _ = OutboxMessage.objects.get_or_create(
        key="matrix:not-sent",
        defaults={
            "kind": "update_due",
            "user": world["person"],
            "to": "board.member@example.org",
            "status": "failed",
            "attempts": 6,
            "last_error": "The mail server refused the message: 554 5.7.1 Relay access denied",
        },
    )
    return message


def link_for(world, generator=None):
    """The uid and token of a link emailed to someone (a reset or an invitation): not one
    of the cast, whose signing in for the test would change what the token is made of."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    person, _ = get_user_model().objects.get_or_create(
        username="emailed.person", defaults={"email": "emailed.person@example.org"}
    )
    return urlsafe_base64_encode(force_bytes(person.pk)), (
        generator or default_token_generator
    ).make_token(person)


def invitation_link(world):
    from notifications.accounts import invitation_token

    return link_for(world, invitation_token)


def unsubscribe_token(world):
    from notifications.emails import unsubscribe_token as token

    return token(world["person"], "update_due")


def an_attachment(world):
    """A PDF the Awaken lead attached to their entry on 3.1 (made once, then found)."""
    from django.core.files.base import ContentFile

    from actionplan.models import Attachment

    found = Attachment.objects.filter(entry=world["entry"]).first()
    if found:
        return found
    document = ContentFile(b"%PDF-1.7 test", name="Minutes.pdf")
    return Attachment.add_file(
        world["entry"],
        document,
        title="",
        content_type="application/pdf",
        by=world["users"]["awaken_lead"],
    )


def draft_made(world):
    job = PackJob(
        plan=world["plan"],
        kind="draft",
        as_at=datetime.date.today(),
        requested_by=world["users"]["manager"],
        status="done",
        pdf=b"%PDF-1.7 test",
    )
    job._change_reason = "Test"
    job.save()
    return job


# name: (url kwargs from the world, GET expectations, POST expectations)
MATRIX = {
    "plan_overview": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "plan_overview_for": (
        {"slug": lambda w: w["plan"].slug},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "dashboard": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "dashboard_for": (
        {"slug": lambda w: w["plan"].slug},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "my_actions": ({}, only({"awaken_lead", "police_lead"}), {r: 405 for r in ROLES[1:]}),
    "action_detail": (
        {"pk": lambda w: w["action"].pk},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "action_history": (
        {"pk": lambda w: w["action"].pk},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "activity": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "activity_for": (
        {"slug": lambda w: w["plan"].slug},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "export_csv": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "export_xlsx": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "export_csv_for": (
        {"slug": lambda w: w["plan"].slug},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "export_xlsx_for": (
        {"slug": lambda w: w["plan"].slug},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "audit_log": ({}, only({"manager"}), {r: 405 for r in ROLES[1:]}),
    # Whether the history is as written (the hash chain, integrity/): what verify_history
    # said when last asked, and the button that asks the worker to check again.
    "history_check": ({}, only({"manager"}), only({"manager"}, granted="done")),
    "remove_action": (
        {"pk": lambda w: w["action"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "remove_section": (
        {"pk": lambda w: w["empty_section"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    # Where each person lands after signing in: a redirect for everyone.
    "landing": ({}, only(set(ROLES), granted="done"), {r: 405 for r in ROLES[1:]}),
    "review": ({}, only({"chair"}, granted="done"), {r: 405 for r in ROLES[1:]}),
    "review_start": (
        {"slug": lambda w: w["plan"].slug},
        only({"chair"}),
        {r: 405 for r in ROLES[1:]},
    ),
    "review_action": (
        {"slug": lambda w: w["plan"].slug, "pk": lambda w: w["action"].pk},
        only({"chair"}),
        only({"chair"}, granted="done"),
    ),
    "renumber_plan": (
        {"slug": lambda w: w["plan"].slug},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "rag_definitions": (
        {"slug": lambda w: w["plan"].slug},
        only({"chair", "manager"}),
        only({"chair", "manager"}, granted="done"),
    ),
    "rate_action": (
        {"pk": lambda w: w["action"].pk},
        only({"chair"}),
        only({"chair"}, granted="done"),
    ),
    "add_evidence": (
        {"pk": lambda w: w["action"].pk},
        only({"awaken_lead"}),
        only({"awaken_lead"}, granted="done"),
    ),
    "edit_evidence": (
        {"pk": lambda w: w["entry"].pk},
        only({"awaken_lead"}),
        only({"awaken_lead"}, granted="done"),
    ),
    "withdraw_evidence": (
        {"pk": lambda w: w["entry"].pk},
        only({"awaken_lead"}),
        only({"awaken_lead"}, granted="done"),
    ),
    # Attachments: the lead who may edit the entry attaches and withdraws; every member
    # downloads.
    "add_attachment": (
        {"pk": lambda w: w["entry"].pk},
        only({"awaken_lead"}),
        only({"awaken_lead"}, granted="done"),
    ),
    "download_attachment": (
        {"pk": lambda w: an_attachment(w).pk},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "withdraw_attachment": (
        {"pk": lambda w: an_attachment(w).pk},
        only({"awaken_lead"}),
        only({"awaken_lead"}, granted="done"),
    ),
    "edit_action": (
        {"pk": lambda w: w["action"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "move_action": (
        {"pk": lambda w: w["action"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "add_action": (
        {"pk": lambda w: w["section"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "edit_section": (
        {"pk": lambda w: w["section"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "manage": ({}, only({"manager"}), {r: 405 for r in ROLES[1:]}),
    # Plans and sections (issue 11): the business manager creates, edits, closes and
    # copies plans and adds sections. Posted empty, a new plan's form comes back.
    "plan_new": ({}, only({"manager"}), only({"manager"})),
    "plan_edit": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "plan_close": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "plan_copy": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "section_new": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    # The spreadsheet round trip (issue 11): any member brings one back; without an
    # upload, the check and save pages send them back to the upload.
    "plan_updates": ({"slug": lambda w: w["plan"].slug}, EVERY_MEMBER, EVERY_MEMBER),
    "plan_updates_check": (
        {"slug": lambda w: w["plan"].slug},
        {r: "done" for r in ROLES[1:]},
        {r: 405 for r in ROLES[1:]},
    ),
    "plan_updates_save": (
        {"slug": lambda w: w["plan"].slug},
        {r: 405 for r in ROLES[1:]},
        {r: "done" for r in ROLES[1:]},
    ),
    # The Word document a plan was imported from: the business manager's (the seed plan
    # was not imported, so for them it is not found).
    "plan_import_document": (
        {"slug": lambda w: w["plan"].slug},
        only({"manager"}, granted=404),
        {r: 405 for r in ROLES[1:]},
    ),
    # Word import (issue 11): posted without a file, the upload form comes back with its
    # errors; the preview with nothing uploaded sends the manager back to the upload.
    "plan_import": ({}, only({"manager"}), only({"manager"})),
    "plan_import_preview": (
        {},
        only({"manager"}, granted="done"),
        only({"manager"}, granted="done"),
    ),
    "agency_new": ({}, only({"manager"}), only({"manager"}, granted="done")),
    "agency_edit": (
        {"pk": lambda w: w["agency"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "post_new": ({}, only({"manager"}), only({"manager"}, granted="done")),
    "person_new": ({}, only({"manager"}), only({"manager"}, granted="done")),
    "person_edit": (
        {"pk": lambda w: w["person"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "person_deactivate": (
        {"pk": lambda w: w["person"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "person_reactivate": (
        {"pk": lambda w: deactivated(w).pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "person_reset_factor": (
        {"pk": lambda w: with_a_factor(w).pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "person_invite": (
        {"pk": lambda w: invitable(w).pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "membership_new": ({}, only({"manager"}), only({"manager"}, granted="done")),
    "membership_remove": (
        {"pk": lambda w: w["membership"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    # Board packs: members read and download the issued ones; the business manager
    # prepares, previews, asks for drafts, issues, withdraws and follows a pack being made.
    "board_packs": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
    "board_pack_new": ({}, only({"manager"}), {r: 405 for r in ROLES[1:]}),
    "board_pack_preview": ({}, only({"manager"}), {r: 405 for r in ROLES[1:]}),
    # Posted without a choice: the form comes back with its errors.
    "board_pack_draft_pdf": ({}, {r: 405 for r in ROLES[1:]}, only({"manager"})),
    # Issuing is checked first: GET is the check page (here, without a choice, the form).
    "board_pack_issue": ({}, only({"manager"}), only({"manager"})),
    # A pack issued by mistake: only the business manager withdraws it, with a reason.
    "board_pack_withdraw": (
        {"pk": lambda w: issued_pack(w).pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "board_pack_download": (
        {"pk": lambda w: issued_pack(w).pk},
        EVERY_MEMBER,
        {r: 405 for r in ROLES[1:]},
    ),
    "board_pack_job": (
        {"pk": lambda w: draft_made(w).pk},
        only({"manager"}),
        {r: 405 for r in ROLES[1:]},
    ),
    "board_pack_job_pdf": (
        {"pk": lambda w: draft_made(w).pk},
        only({"manager"}),
        {r: 405 for r in ROLES[1:]},
    ),
    # Email (issue 12): the business manager's reporting calendar and outbox; each
    # person's own email settings; the links sent by email, which need no sign-in.
    "outbox": ({}, only({"manager"}), {r: 405 for r in ROLES[1:]}),
    "outbox_send_again": (
        {"pk": lambda w: not_sent(w).pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "reporting_calendar": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        {r: 405 for r in ROLES[1:]},
    ),
    "reporting_calendar_edit": (
        {"pk": lambda w: w["plan"].pk},
        only({"manager"}),
        only({"manager"}, granted="done"),
    ),
    "my_emails": ({}, EVERY_MEMBER, {r: "done" for r in ROLES[1:]}),
    "unsubscribe": ({"token": unsubscribe_token}, everyone("ok"), everyone("done")),
    "password_reset": ({}, everyone("ok"), everyone("done")),
    "password_reset_done": ({}, everyone("ok"), everyone(405)),
    # A valid link moves its token into the session and on to the form ("done").
    "password_reset_confirm": (
        {"uidb64": lambda w: link_for(w)[0], "token": lambda w: link_for(w)[1]},
        everyone("done"),
        everyone("done"),
    ),
    "invitation": (
        {"uidb64": lambda w: invitation_link(w)[0], "token": lambda w: invitation_link(w)[1]},
        everyone("done"),
        everyone("done"),
    ),
    # Signing in and out is open to all; the rest of the account pages need a session.
    "login": ({}, "anyone", "anyone-post"),
    "logout": ({}, "logout-get", "logout-post"),
    "password_change": ({}, EVERY_MEMBER, EVERY_MEMBER),
    # The second factor: with MFA_REQUIRED_ROLES empty (as here) nobody owes a code, so
    # each page sends everyone on; tests/agencies/test_second_factor.py tests them in use.
    "factor_set_up": ({}, {r: "done" for r in ROLES[1:]}, {r: "done" for r in ROLES[1:]}),
    "factor_verify": ({}, {r: "done" for r in ROLES[1:]}, {r: "done" for r in ROLES[1:]}),
    "factor_recovery": ({}, {r: "done" for r in ROLES[1:]}, {r: "done" for r in ROLES[1:]}),
    "password_change_done": ({}, EVERY_MEMBER, {r: 405 for r in ROLES[1:]}),
}


def expected_for(expectations, role, method):
    if expectations == "anyone":
        return "ok"
    if expectations == "anyone-post":
        return "ok"  # an empty sign-in form comes back with its errors
    if expectations == "logout-get":
        return 405
    if expectations == "logout-post":
        return "login"  # signed out, back to the sign-in page
    if role == "anonymous":
        return expectations.get("anonymous", "login")
    return expectations[role]


def outcome(response):
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/accounts/login/") else "done"
    return response.status_code


CASES = [(name, role, method) for name in MATRIX for role in ROLES for method in ("get", "post")]


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_access(client, world, name, role, method):
    kwargs_spec, get_expected, post_expected = MATRIX[name]
    url = reverse(name, kwargs={key: make(world) for key, make in kwargs_spec.items()})
    if role != "anonymous":
        client.force_login(world["users"][role])
    if method == "get":
        response = client.get(url)
        expected = expected_for(get_expected, role, method)
    else:
        # Posted from the page served to the person, hidden fields and all.
        response = submit(client, url, post_data(name, world))
        expected = expected_for(post_expected, role, method)
    assert outcome(response) == expected, (name, role, method, response.status_code)


def project_url_names():
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = project_url_names() - set(MATRIX)
    assert not missing, f"URL patterns with no row in the access matrix: {sorted(missing)}"
