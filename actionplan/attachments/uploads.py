"""What may be attached, judged by the file's content, never its name or what the
browser claims; how big it may be; and the optional virus check.

Allowed: PDF, Word, Excel and PowerPoint (the current formats and the old ones), the
OpenDocument formats, PNG, JPEG, GIF and WebP images, plain text and CSV. Refused with a
clear reason: HTML and SVG (they can carry script), executables, macro-enabled Office
files, archives, and anything else that is not one of the allowed kinds.
"""

import socket
import struct
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MB = 1024 * 1024
SNIFF_BYTES = 8192

# filetype's name → (what people call it, the type it is served as)
ALLOWED = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "doc": ("Word", "application/msword"),
    "xls": ("Excel", "application/vnd.ms-excel"),
    "ppt": ("PowerPoint", "application/vnd.ms-powerpoint"),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation"),
    "png": ("PNG image", "image/png"),
    "jpg": ("JPEG image", "image/jpeg"),
    "gif": ("GIF image", "image/gif"),
    "webp": ("WebP image", "image/webp"),
}
TEXT = ("Text", "text/plain")
LABELS = {mime: label for label, mime in [*ALLOWED.values(), TEXT]}
ARCHIVES = {"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "cab", "lz", "lzo", "lz4", "zst", "Z"}
PROGRAMS = {"exe", "elf", "wasm", "deb", "rpm", "crx", "swf", "ar", "dex"}
# Text that a browser would run or render as a page, wherever it appears near the start.
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe", b"<head")


def max_bytes():
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * MB))


def describe_limit():
    return f"{max_bytes() // MB} MB"


def _refuse(message):
    raise ValidationError(message, code="refused")


def _office_zip(upload):
    """An OOXML file without macros; refuse a macro-enabled one or a plain archive."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        _refuse("The selected file is damaged or is not a real Office document")
    finally:
        upload.seek(0)
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (b"macroEnabled" in types):
        _refuse("The selected file contains macros. Save it without macros (.docx, .xlsx, .pptx)")


def _looks_like_text(head):
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def check_upload(upload):
    """(kind, content type) for an upload that may be attached; ValidationError if not."""
    if upload.size == 0:
        _refuse("The selected file is empty")
    if upload.size > max_bytes():
        _refuse(f"The selected file must be smaller than {describe_limit()}")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    found = filetype.guess(head)
    name = found.extension if found else None
    if name in ("docx", "xlsx", "pptx"):
        _office_zip(upload)
    if name in ALLOWED:
        return ALLOWED[name]
    if name in ARCHIVES:
        _refuse("The selected file is an archive. Attach the documents themselves")
    if name in PROGRAMS:
        _refuse("The selected file is a program. Programs cannot be attached")
    if name is not None:
        _refuse(
            "The selected file must be a PDF, Word, Excel or PowerPoint document, "
            "an image, or a text or CSV file"
        )
    lowered = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if any(marker in lowered[:1024] for marker in MARKUP):
        _refuse(
            "The selected file is a web page or contains web page code, which cannot be attached"
        )
    if head.startswith(b"#!") or head.startswith(b"MZ"):
        _refuse("The selected file is a program. Programs cannot be attached")
    if _looks_like_text(head):
        return TEXT
    _refuse(
        "The selected file must be a PDF, Word, Excel or PowerPoint document, "
        "an image, or a text or CSV file"
    )


MAX_FILES = 5  # files in one attachment form
FORM_OVERHEAD = 64 * 1024  # the rest of a multipart form: fields and boundaries


def body_too_big(request):
    """Whether a multipart body is declared larger than an attachment form may send."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return declared > MAX_FILES * max_bytes() + FORM_OVERHEAD


def too_big_response(request):
    from django.shortcuts import render

    context = {"limit": describe_limit(), "files": MAX_FILES}
    return render(request, "413.html", context, status=413)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a file as soon as it passes the limit, instead of storing it all
    first, and marks the request (``upload_too_big``) so the page can say so."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


# -- the optional virus check: clamd's INSTREAM command over its socket ----------------


class ScanUnavailable(Exception):
    pass


def scanning_enabled():
    return bool(getattr(settings, "CLAMD_SOCKET", ""))


def scan(fileobj, socket_path=None, chunk=64 * 1024, timeout=30):
    """True if clamd finds the stream clean, False if it finds a virus; ScanUnavailable
    if clamd cannot be reached or answers something else."""
    socket_path = socket_path or settings.CLAMD_SOCKET
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            fileobj.seek(0)
            while data := fileobj.read(chunk):
                conn.sendall(struct.pack("!L", len(data)) + data)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and (part := conn.recv(4096)):
                reply += part
    except OSError as error:
        raise ScanUnavailable(str(error)) from error
    reply = reply.rstrip(b"\0").decode("utf-8", "replace")
    if reply.endswith("OK"):
        return True
    if reply.endswith("FOUND"):
        return False
    raise ScanUnavailable(reply)
