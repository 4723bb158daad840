"""python manage.py board_pack: the same pack from the command line."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reporting import issuing
from reporting.models import BoardPack

pytestmark = pytest.mark.django_db


def board_pack(*args):
    err = io.StringIO()
    call_command("board_pack", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(issuing, "render_pack_pdf", lambda html: b"%PDF-1.7 fake")


def test_it_writes_a_draft_pack_and_stores_nothing(plan_of_2015, tmp_path):
    target = tmp_path / "pack.pdf"
    said = board_pack("--plan", "cse-2015", "--as-at", "2015-09-30", "--output", str(target))
    assert "Wrote a draft pack" in said and "not issued" in said
    cover = PdfReader(target).pages[0].extract_text()
    assert "Quarter 2, 2015/16" in cover and "From the command line" in cover
    assert not BoardPack.objects.exists()


def test_with_issue_it_stores_the_pack_as_issued_by_the_person_named(
    plan_of_2015, manager, tmp_path, fake_pdf
):
    target = tmp_path / "pack.pdf"
    said = board_pack(
        "--plan", "cse-2015", "--as-at", "2015-09-30", "--since", "2015-06-30",
        "--output", str(target), "--issue", "--by", "manager",
    )  # fmt: skip
    pack = BoardPack.objects.get()
    assert (pack.as_at, pack.since_date, pack.issued_by) == (
        datetime.date(2015, 9, 30),
        datetime.date(2015, 6, 30),
        manager,
    )
    assert target.read_bytes() == bytes(pack.pdf)
    assert pack.sha256 in said


def test_issuing_a_duplicate_is_a_clear_error(plan_of_2015, tmp_path, fake_pdf):
    args = ["--plan", "cse-2015", "--as-at", "2015-09-30", "--output", str(tmp_path / "p.pdf")]
    board_pack(*args, "--issue")
    assert BoardPack.objects.get().issued_by_name == "Command line (manage.py board_pack)"
    with pytest.raises(CommandError, match="as at 30 September 2015 has already been issued"):
        board_pack(*args, "--issue")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-at", "30/09/2015"], "--as-at must be a date like 2015-09-30"),
        (["--as-at", "2015-09-30", "--since", "June"], "--since must be a date like 2015-06-30"),
        (["--as-at", "2015-09-30", "--since", "2015-09-30"], "must be before --as-at"),
        (["--as-at", "2015-09-30", "--since", "2015-10-31"], "must be before --as-at"),
        (["--as-at", "2015-03-31"], "had not been created by 31 March 2015"),
        (["--as-at", "2015-09-30", "--by", "nobody"], "There is no active user “nobody”"),
    ],
)
def test_bad_arguments_are_clear_errors(plan_of_2015, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        board_pack("--plan", "cse-2015", *args, "--output", str(tmp_path / "pack.pdf"))
    assert not (tmp_path / "pack.pdf").exists()
    assert not BoardPack.objects.exists()


def test_an_unknown_plan_lists_the_plans(plan_of_2015, tmp_path):
    with pytest.raises(CommandError, match="There is no plan “nope”. The plans are:"):
        board_pack("--plan", "nope", "--as-at", "2015-09-30", "--output", str(tmp_path / "p.pdf"))


def test_an_output_folder_that_does_not_exist_is_a_clear_error(plan_of_2015, tmp_path):
    target = tmp_path / "missing" / "pack.pdf"
    with pytest.raises(CommandError, match="is not a folder I can write to"):
        board_pack("--plan", "cse-2015", "--as-at", "2015-09-30", "--output", str(target))
