"""The attachment forms: files and a link for an evidence entry, and withdrawing one."""

from django import forms
from django.core.exceptions import ValidationError

from ..fields import PlainTextField
from ..forms import REASON_LIMIT, VersionedForm, _required
from .uploads import MAX_FILES, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one file input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AttachmentForm(forms.Form):
    """Files and/or a web link for an evidence entry. Files are judged by their content
    (actionplan/uploads.py), never by their name or the browser's claim."""

    MAX_FILES = MAX_FILES

    files = MultipleFileField(
        label="Files",
        required=False,
        help_text=(
            "PDF, Word, Excel, PowerPoint, images, text or CSV; up to 5 files, "
            "each smaller than the limit below"
        ),
    )
    url = forms.URLField(
        label="Web link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="An address starting https://, for example a published strategy",
        error_messages={"invalid": "Enter a web address, like https://example.org/report"},
    )
    title = PlainTextField(
        label="Title of the link or file",
        required=False,
        max_length=200,
        help_text="Leave empty to use each file's own name",
        error_messages={"max_length": "Title must be 200 characters or fewer"},
    )

    def __init__(self, *args, limit_text="20 MB", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            "PDF, Word, Excel, PowerPoint, images, text or CSV; up to "
            f"{self.MAX_FILES} files, each smaller than {limit_text}"
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError("Web link must start with https://")
        return url

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(f"Select {self.MAX_FILES} files or fewer")
        checked = []
        for upload in files:
            try:
                kind, content_type = check_upload(upload)
            except ValidationError as error:
                raise forms.ValidationError(f"{upload.name}: {error.messages[0]}") from None
            checked.append((upload, content_type))
        return checked

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("url"):
            raise forms.ValidationError("Select a file or enter a web link")
        if cleaned.get("url") and not cleaned.get("title"):
            self.add_error("title", "Enter a title for the web link")
        return cleaned


class WithdrawAttachmentForm(VersionedForm, forms.Form):
    reason = PlainTextField(
        label="Why are you withdrawing this attachment?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for withdrawing this attachment",
            max_length=f"Reason must be {REASON_LIMIT:,} characters or fewer",
        ),
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version(instance)
