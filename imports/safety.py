"""What a file must be before python-docx may open it.

A .docx is a zip of XML. A hostile or broken file can be a zip bomb (a few kilobytes
that unpack to gigabytes), an OLE container (a .doc, or a password-protected .docx,
which Word encrypts into one), a macro-enabled .docm renamed, or not a zip at all. Each
is refused here with a message for the person who chose the file, before any XML is read.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

import docx

MAX_FILE_BYTES = 10 * 1024 * 1024
# A real board plan unpacks to a few megabytes; images can add tens.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2000
# Deflate squeezes repetitive XML about 10:1; far beyond that is a bomb, not a document.
MAX_RATIO = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
SAVE_AS_DOCX = "Open it in Word, save it as a Word Document (.docx) and try again"
DOCM_REFUSED = f"is a Word document with macros (.docm), which is not accepted. {SAVE_AS_DOCX}"


class ImportRefused(ValueError):
    """The file cannot be imported. The message is for the person who chose it."""


@dataclass
class CheckedFile:
    name: str
    data: bytes
    sha256: str
    document: docx.document.Document


def open_checked(name, data):
    """The Word document in ``data`` (the bytes of a file called ``name``), or raise
    ImportRefused saying why not."""
    name = name or "the file"
    lowered = name.lower()
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused("The selected file must be smaller than 10 MB")
    if not data:
        raise ImportRefused("The selected file is empty")
    if lowered.endswith(".doc"):
        raise ImportRefused(f"{name} is an older Word document (.doc). {SAVE_AS_DOCX}")
    if lowered.endswith(".docm"):
        raise ImportRefused(f"{name} {DOCM_REFUSED}")
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(
            f"{name} is password-protected or an older Word format. "
            f"Remove the password or save it as a Word Document (.docx), then try again"
        )
    if not lowered.endswith(".docx"):
        raise ImportRefused("The selected file must be a Word document (.docx)")
    _check_zip(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a broken package
        raise ImportRefused(_damaged(name)) from None
    return CheckedFile(name, data, hashlib.sha256(data).hexdigest(), document)


def _damaged(name):
    return f"{name} is not a Word document or is damaged. {SAVE_AS_DOCX}"


XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def check_workbook(name, data):
    """Refuse an .xlsx that is not one, or is too big, damaged, a zip bomb or has macros;
    the same checks as a Word document's, before openpyxl opens it."""
    lowered = (name or "").lower()
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused("The selected file must be smaller than 10 MB")
    if lowered.endswith((".xls", ".xlsm")) or data.startswith(OLE_MAGIC):
        raise ImportRefused(
            f"{name} is not an Excel workbook (.xlsx). Open it in Excel, save it as an Excel "
            f"Workbook (.xlsx) without a password and try again"
        )
    if not lowered.endswith(".xlsx"):
        raise ImportRefused("The selected file must be an Excel workbook (.xlsx)")
    try:
        refused = "is an Excel workbook with macros (.xlsm), which is not accepted"
        _check_zip(name, data, XLSX_MAIN, XLSM_MAIN, refused)
    except ImportRefused as refused:
        raise ImportRefused(str(refused).replace("a Word document", "an Excel workbook")) from None
    return hashlib.sha256(data).hexdigest()


def _check_zip(name, data, main=DOCX_MAIN, macro=DOCM_MAIN, macro_refused=DOCM_REFUSED):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_damaged(name)) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise ImportRefused(
            f"{name} unpacks to far more than a Word document holds, so it was not opened"
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise ImportRefused(f"{name} is password-protected. Remove the password and try again")
    try:
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except KeyError:
        raise ImportRefused(_damaged(name)) from None
    if macro in content_types:
        raise ImportRefused(f"{name} {macro_refused}")
    if main not in content_types:
        raise ImportRefused(_damaged(name))
