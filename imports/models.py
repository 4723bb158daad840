"""The record of a plan brought in from a Word document, with the document itself."""

from django.conf import settings
from django.db import models

from actionplan.historical import tracked
from actionplan.models.attachments import attachment_storage, random_name


class PlanImport(models.Model):
    """The Word document a plan was imported from, kept with the plan: its name as the
    person had it, its SHA-256 (also in every history row of the import), who imported
    it and the date the document showed the plan at. A plan is imported once."""

    plan = models.OneToOneField(
        "actionplan.Plan", on_delete=models.PROTECT, related_name="imported_from"
    )
    file = models.FileField(storage=attachment_storage, upload_to=random_name, max_length=200)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    as_of = models.DateField("shows the plan as at", null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    history = tracked()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.plan} from {self.file_name}"
