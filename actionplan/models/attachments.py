"""Documents and links that evidence an entry: minutes, audit reports, a signed-off
strategy. Files are stored under random names through Django's storage API (the
"attachments" storage: a private folder by default, any S3-compatible store by
configuration) and only ever served through an access-checked view."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ..historical import tracked
from .base import Versioned, required_reason, save_with_reason


def configured_storage():
    """The "attachments" storage from settings.STORAGES; by default a folder outside
    every URL (var/attachments), so the web server can never serve a file itself."""
    if "attachments" in settings.STORAGES:
        return storages["attachments"]
    return FileSystemStorage(location=settings.VAR_DIR / "attachments", base_url=None)


class AttachmentStorage(Storage):
    """Hands every call to the storage configured *now*. A model field evaluates its
    storage once, when models load; this lets a change of configuration (a test's own
    folder, a move to S3) apply without touching the model."""

    def _open(self, name, mode="rb"):
        return configured_storage().open(name, mode)

    def _save(self, name, content):
        return configured_storage().save(name, content)

    def delete(self, name):
        return configured_storage().delete(name)

    def exists(self, name):
        return configured_storage().exists(name)

    def listdir(self, path):
        return configured_storage().listdir(path)

    def size(self, name):
        return configured_storage().size(name)

    def url(self, name):
        raise NotImplementedError("Attachments have no public address: use the download view")


_storage = AttachmentStorage()


def attachment_storage():
    """The storage of attached files (the FileField's ``storage``)."""
    return _storage


def random_name(instance, filename):
    """A random stored name: the person's file name is kept only as data, never as a path."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AttachmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Attachment(Versioned):
    """A file or an https link attached to an evidence entry."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    class Scan(models.TextChoices):
        CHECKING = "checking", "Being checked"
        CLEAN = "clean", "Checked"
        INFECTED = "infected", "Refused: a virus was found"
        FAILED = "failed", "Could not be checked"

    entry = models.ForeignKey("EvidenceEntry", on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(
        storage=attachment_storage, upload_to=random_name, max_length=200, blank=True
    )
    filename = models.CharField("file name", max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField("web address", max_length=500, blank=True)
    scan = models.CharField(max_length=8, choices=Scan.choices, default=Scan.CLEAN)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = AttachmentQuerySet.as_manager()
    history = tracked(in_plan=["entry", "action", "section"])

    class Meta:
        ordering = ["entry", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="")) | (Q(kind="link") & ~Q(url="")),
                name="attachment_has_a_file_or_a_link",
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="https://"),
                name="attachment_link_is_https",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_file(self):
        return self.kind == self.Kind.FILE

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def type_label(self):
        """What kind of document it is, in words: "PDF", "Word", "Excel"."""
        from ..attachments.uploads import LABELS

        return LABELS.get(self.content_type, "File") if self.is_file else "Link"

    @property
    def is_available(self):
        """A file may be downloaded once it has been checked and found clean."""
        return not self.is_file or self.scan == self.Scan.CLEAN

    @classmethod
    def add_file(cls, entry, upload, *, title, content_type, by, checking=False):
        attachment = cls(
            entry=entry,
            kind=cls.Kind.FILE,
            title=title or upload.name,
            filename=upload.name,
            content_type=content_type,
            size=upload.size,
            scan=cls.Scan.CHECKING if checking else cls.Scan.CLEAN,
            added_by=by,
        )
        attachment.file.save(upload.name, upload, save=False)
        return save_with_reason(attachment, "Attachment added")

    @classmethod
    def add_link(cls, entry, *, url, title, by):
        attachment = cls(entry=entry, kind=cls.Kind.LINK, title=title, url=url, added_by=by)
        return save_with_reason(attachment, "Link added")

    def record_scan(self, result):
        self.scan = result
        return save_with_reason(self, f"Virus check: {self.get_scan_display()}")

    @transaction.atomic
    def withdraw(self, reason, version=None):
        """Take it off the entry. The file is kept (the business manager can still
        retrieve it) and history keeps who withdrew it and why."""
        reason = required_reason(reason, "Enter the reason for withdrawing this attachment")
        self.check_version(version)
        if self.is_withdrawn:
            raise ValidationError("This attachment has already been withdrawn")
        self.withdrawn_at = timezone.now()
        self.withdrawn_reason = reason
        return save_with_reason(self, reason)
