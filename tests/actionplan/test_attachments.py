"""Evidence with its documents: attaching files and links through the page, downloading
them safely, withdrawing them with a reason, and everything that must be refused."""

import io
import socket
import struct
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from actionplan.attachments.tasks import check_attachment
from actionplan.models import Attachment
from actionplan.models.attachments import attachment_storage
from agencies.models import AuditEvent
from tests.served import served_form, submit

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def ooxml(kind="word", macros=False):
    """A minimal Office Open XML file: Word ("word"), Excel ("xl") or PowerPoint ("ppt")."""
    buffer = io.BytesIO()
    main = {
        "word": "wordprocessingml.document.main",
        "xl": "spreadsheetml.sheet.main",
        "ppt": "presentationml.presentation.main",
    }[kind]
    if macros:
        main = main.replace(".main", ".macroEnabled.main")
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/'
            f'{kind}/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            f'{main}+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{kind}/document.xml", "<document/>")
        if macros:
            archive.writestr(f"{kind}/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


def attach_url(entry):
    return reverse("add_attachment", args=[entry.pk])


def attach(client, entry, **data):
    return submit(client, attach_url(entry), data)


# -- attaching and downloading --------------------------------------------------------


def test_the_lead_attaches_a_pdf_and_any_member_downloads_it_safely(
    client, awaken_lead, board_member, awaken_entry
):
    client.force_login(awaken_lead)
    response = attach(client, awaken_entry, files=upload("Minutes May 2015.pdf", PDF))
    assert response.status_code == 302
    [attachment] = awaken_entry.attachments.all()
    assert (attachment.filename, attachment.size) == ("Minutes May 2015.pdf", len(PDF))
    assert attachment.content_type == "application/pdf"
    assert "Minutes" not in attachment.file.name  # stored under a random name

    client.force_login(board_member)
    download = client.get(reverse("download_attachment", args=[attachment.pk]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="Minutes May 2015.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in download["Cache-Control"]
    event = AuditEvent.objects.filter(event=AuditEvent.Event.ATTACHMENT_DOWNLOAD).get()
    assert event.username == "board.member" and "3.1" in event.detail


def test_several_files_and_a_link_at_once(client, awaken_lead, awaken_entry):
    client.force_login(awaken_lead)
    response = client.post(
        attach_url(awaken_entry),
        {
            "files": [
                upload("Register.xlsx", ooxml("xl")),
                upload("Strategy.docx", ooxml("word")),
                upload("Photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
                upload("Figures.csv", b"month,sessions\nMay,12\n", "text/csv"),
            ],
            "url": "https://example.org/strategy",
            "title": "Published strategy",
        },
    )
    assert response.status_code == 302
    kinds = {a.title: (a.kind, a.content_type) for a in awaken_entry.attachments.all()}
    assert kinds["Published strategy"] == ("link", "")
    assert kinds["Register.xlsx"][1].endswith("spreadsheetml.sheet")
    assert kinds["Strategy.docx"][1].endswith("wordprocessingml.document")
    assert kinds["Photo.png"][1] == "image/png"
    assert kinds["Figures.csv"][1] == "text/plain"


def test_the_form_page_says_what_may_be_attached_and_how_big(client, awaken_lead, awaken_entry):
    client.force_login(awaken_lead)
    page = client.get(attach_url(awaken_entry)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "multiple" in page
    assert "smaller than 20 MB" in page
    assert "web pages, programs, archives and Office files with macros" in page


# -- what is refused, with nothing stored ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
        ("minutes.pdf", b"<html><body>Not a PDF</body></html>", "web page"),
        ("chart.svg", b'<?xml version="1.0"?><svg onload="alert(1)"></svg>', "web page"),
        ("notes.txt", b"  \n<script>fetch('/')</script>", "web page"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 64, "program"),
        ("run.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64, "program"),
        ("script.txt", b"#!/bin/sh\nrm -rf /\n", "program"),
        ("bundle.zip", None, "archive"),
        ("macro.docm", "macros", "macros"),
        ("macro.docx", "macros", "macros"),
        ("empty.pdf", b"", "empty"),
        ("song.mp3", b"ID3\x03\x00\x00\x00" + b"\0" * 64, "must be a PDF"),
    ],
)
def test_a_file_that_may_not_be_attached_is_refused_with_a_clear_error(
    client, awaken_lead, awaken_entry, name, content, message
):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("inside.pdf", PDF)
        content = buffer.getvalue()
    elif content == "macros":
        content = ooxml("word", macros=True)
    client.force_login(awaken_lead)

    response = attach(client, awaken_entry, files=upload(name, content))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Attachment.objects.exists()
    assert not Attachment.history.exists()


def test_an_oversized_file_is_refused_and_not_stored(client, awaken_lead, awaken_entry, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(awaken_lead)
    big = PDF + b"0" * (1024 * 1024)

    response = attach(client, awaken_entry, files=upload("Big.pdf", big))

    assert response.status_code == 413
    assert "Each file must be smaller than 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Attachment.history.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    client, awaken_lead, awaken_entry, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(awaken_lead)
    form = served_form(client, attach_url(awaken_entry))
    huge = PDF + b"0" * 200_000

    response = client.post(attach_url(awaken_entry), {**form, "files": upload("Huge.pdf", huge)})

    assert response.status_code == 413
    assert "smaller than" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_link_must_be_https_and_have_a_title(client, awaken_lead, awaken_entry):
    client.force_login(awaken_lead)
    plain = attach(client, awaken_entry, url="http://example.org/report", title="Report")
    untitled = attach(client, awaken_entry, url="https://example.org/report")
    script = attach(client, awaken_entry, url="javascript:alert(1)", title="x")
    nothing = attach(client, awaken_entry)

    assert "Web link must start with https://" in plain.content.decode()
    assert "Enter a title for the web link" in untitled.content.decode()
    assert "Enter a web address" in script.content.decode()
    assert "Select a file or enter a web link" in nothing.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("who", ["police_lead", "chair", "manager", "board_member"])
def test_only_a_lead_who_may_edit_the_entry_can_attach(
    request, client, who, awaken_entry, awaken_lead
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(attach_url(awaken_entry)).status_code == 403
    response = client.post(attach_url(awaken_entry), {"files": upload("Sneaky.pdf", PDF)})
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_anonymous_visitors_and_outsiders_get_nothing(client, awaken_entry, awaken_lead):
    attachment = Attachment.add_file(
        awaken_entry,
        upload("Minutes.pdf", PDF),
        title="",
        content_type="application/pdf",
        by=awaken_lead,
    )
    url = reverse("download_attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("outsider")
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.get(reverse("download_attachment", args=[999999])).status_code == 403


# -- withdrawing -------------------------------------------------------------------------


def test_withdrawing_needs_a_reason_keeps_history_and_only_the_manager_can_still_retrieve(
    client, awaken_lead, board_member, manager, awaken_entry
):
    attachment = Attachment.add_file(
        awaken_entry,
        upload("Minutes.pdf", PDF),
        title="",
        content_type="application/pdf",
        by=awaken_lead,
    )
    url = reverse("withdraw_attachment", args=[attachment.pk])
    client.force_login(awaken_lead)
    no_reason = submit(client, url, {"reason": ""})
    assert "Enter the reason for withdrawing this attachment" in no_reason.content.decode()

    assert submit(client, url, {"reason": "Wrong meeting's minutes"}).status_code == 302

    attachment.refresh_from_db()
    assert attachment.is_withdrawn
    record = attachment.history.latest()
    assert record.history_change_reason == "Wrong meeting's minutes"
    assert client.get(url).status_code == 403  # withdrawn is final
    download = reverse("download_attachment", args=[attachment.pk])
    client.force_login(board_member)
    assert client.get(download).status_code == 403
    client.force_login(manager)
    assert client.get(download).status_code == 200


@pytest.mark.parametrize("who", ["police_lead", "chair", "manager", "board_member"])
def test_only_the_lead_who_may_edit_the_entry_can_withdraw(
    request, client, who, awaken_entry, awaken_lead
):
    attachment = Attachment.add_link(
        awaken_entry, url="https://example.org/x", title="Strategy", by=awaken_lead
    )
    client.force_login(request.getfixturevalue(who))
    url = reverse("withdraw_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "version": attachment.version}).status_code == 403
    attachment.refresh_from_db()
    assert not attachment.is_withdrawn


# -- the optional virus check -----------------------------------------------------------


class StandInClamd:
    """A clamd stand-in on a Unix socket: answers INSTREAM like clamd does, finding a
    "virus" in any stream that contains the EICAR marker."""

    def __init__(self, path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(5)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                data = b""
                while True:
                    size = struct.unpack("!L", self._exactly(conn, 4))[0]
                    if not size:
                        break
                    data += self._exactly(conn, size)
                found = b"EICAR" in data
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")

    @staticmethod
    def _exactly(conn, n):
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        return data

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    scanner = StandInClamd(tmp_path / "clamd.sock")
    settings.CLAMD_SOCKET = scanner.path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield scanner
    scanner.close()


def test_with_a_scanner_a_file_is_held_until_it_is_checked_clean(
    client, awaken_lead, board_member, awaken_entry, clamd
):
    client.force_login(awaken_lead)
    response = attach(client, awaken_entry, files=upload("Minutes.pdf", PDF))
    assert response.status_code == 302
    [attachment] = awaken_entry.attachments.all()
    assert attachment.scan == Attachment.Scan.CHECKING
    client.force_login(board_member)
    url = reverse("download_attachment", args=[attachment.pk])
    held = client.get(url)
    assert held.status_code == 409
    assert "still being checked" in held.content.decode()

    check_attachment.call(attachment.pk)

    attachment.refresh_from_db()
    assert attachment.scan == Attachment.Scan.CLEAN
    assert client.get(url).status_code == 200


def test_a_file_the_scanner_finds_a_virus_in_is_never_served(
    client, awaken_lead, manager, awaken_entry, clamd
):
    client.force_login(awaken_lead)
    attach(client, awaken_entry, files=upload("notes.txt", b"X5O EICAR test\n", "text/plain"))
    [attachment] = awaken_entry.attachments.all()

    check_attachment.call(attachment.pk)

    attachment.refresh_from_db()
    assert attachment.scan == Attachment.Scan.INFECTED
    client.force_login(manager)
    refused = client.get(reverse("download_attachment", args=[attachment.pk]))
    assert refused.status_code == 410
    assert "found a virus" in refused.content.decode()


def test_a_scanner_that_is_down_leaves_the_file_unserved_and_says_so(
    client, awaken_lead, awaken_entry, clamd, settings
):
    client.force_login(awaken_lead)
    attach(client, awaken_entry, files=upload("Minutes.pdf", PDF))
    [attachment] = awaken_entry.attachments.all()
    clamd.close()
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"

    check_attachment.call(attachment.pk)

    attachment.refresh_from_db()
    assert attachment.scan == Attachment.Scan.FAILED
    page = client.get(reverse("download_attachment", args=[attachment.pk]))
    assert page.status_code == 409 and "could not be checked" in page.content.decode()


# -- backups -------------------------------------------------------------------------------


def test_the_attachment_backup_brings_the_files_back(awaken_entry, awaken_lead, tmp_path):
    attachment = Attachment.add_file(
        awaken_entry,
        upload("Minutes.pdf", PDF),
        title="",
        content_type="application/pdf",
        by=awaken_lead,
    )
    storage = attachment_storage()
    backup = tmp_path / "backup-files"
    call_command("backup_attachments", str(backup), stdout=io.StringIO())
    storage.delete(attachment.file.name)
    assert not storage.exists(attachment.file.name)

    call_command("restore_attachments", str(backup), stdout=io.StringIO())

    with storage.open(attachment.file.name, "rb") as restored:
        assert restored.read() == PDF


def test_the_action_page_lists_attachments_with_name_type_and_size(
    client, awaken_lead, board_member, manager, awaken_entry
):
    pdf = Attachment.add_file(
        awaken_entry,
        upload("Minutes.pdf", PDF),
        title="Minutes of the May meeting",
        content_type="application/pdf",
        by=awaken_lead,
    )
    Attachment.add_link(
        awaken_entry, url="https://example.org/strategy", title="Strategy", by=awaken_lead
    )
    old = Attachment.add_file(
        awaken_entry,
        upload("Draft.pdf", PDF),
        title="Draft minutes",
        content_type="application/pdf",
        by=awaken_lead,
    )
    old.withdraw("Not agreed")
    url = reverse("action_detail", args=[awaken_entry.action_id])

    client.force_login(board_member)
    page = client.get(url).content.decode()
    assert "Minutes of the May meeting" in page
    assert reverse("download_attachment", args=[pdf.pk]) in page
    assert "(PDF, 77\xa0bytes)" in page
    assert 'href="https://example.org/strategy"' in page
    assert "Draft minutes" not in page
    assert reverse("add_attachment", args=[awaken_entry.pk]) not in page

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "Draft minutes" in page and "Not agreed" in page

    client.force_login(awaken_lead)
    page = client.get(url).content.decode()
    assert reverse("add_attachment", args=[awaken_entry.pk]) in page
    assert reverse("withdraw_attachment", args=[pdf.pk]) in page


def test_the_action_history_and_the_activity_feed_show_attachments_added_and_withdrawn(
    client, awaken_lead, board_member, awaken_entry
):
    client.force_login(awaken_lead)
    attach(client, awaken_entry, files=upload("Minutes.pdf", PDF), title="May minutes")
    [attachment] = awaken_entry.attachments.all()
    withdraw = reverse("withdraw_attachment", args=[attachment.pk])
    assert submit(client, withdraw, {"reason": "Wrong meeting's minutes"}).status_code == 302
    action = awaken_entry.action
    plan = action.section.plan

    client.force_login(board_member)
    history = client.get(reverse("action_history", args=[action.pk])).content.decode()
    feed = client.get(reverse("activity_for", args=[plan.slug])).content.decode()
    only_attachments = client.get(
        reverse("activity_for", args=[plan.slug]) + "?kind=attachment"
    ).content.decode()

    for page in (history, feed, only_attachments):
        assert "Attachment added: May minutes" in page
        assert "Attachment withdrawn: May minutes" in page
        assert "Wrong meeting&#x27;s minutes" in page
        assert "Minutes.pdf" in page
    assert f"{action.ref}</a>: Attachment added" in feed
    assert "Evidence added" not in only_attachments
