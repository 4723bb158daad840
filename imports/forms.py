"""The two forms of a Word import in the browser: the upload, then the preview's choices."""

from django import forms

from actionplan.fields import TODAY, BoundedDateField, PlainTextField
from actionplan.plan_forms import FreeSlugMixin, plan_slug_field

from .columns import Field, header_key
from .safety import MAX_FILE_BYTES, ImportRefused, open_checked


class UploadForm(FreeSlugMixin, forms.Form):
    file = forms.FileField(
        label="Word document",
        help_text="A .docx file smaller than 10 MB, with the plan in one or more tables",
        error_messages={"required": "Select the Word document of the plan"},
    )
    title = PlainTextField(
        label="Title of the plan",
        max_length=200,
        error_messages={
            "required": "Enter the title of the plan",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    owner = PlainTextField(
        label="Owning group",
        max_length=200,
        help_text="The group whose chair rates the actions. A group of a new name is created",
        error_messages={
            "required": "Enter the group that owns the plan",
            "max_length": "Owning group must be 200 characters or fewer",
        },
    )
    short_title = PlainTextField(label="Short title", max_length=100, required=False)
    partnership = PlainTextField(
        label="Partnership",
        max_length=200,
        required=False,
        help_text="Like Blackpool Safeguarding Children Board",
    )
    slug = plan_slug_field(required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        try:
            self.checked = open_checked(upload.name, upload.read())
        except ImportRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload


class PreviewForm(forms.Form):
    """What the person says about the document: the date it shows the plan at, and what
    each column the reader did not recognise holds (one select per column)."""

    as_of = BoundedDateField(
        label="This document shows the plan as at",
        required=False,
        latest=TODAY,
        subject="The date the document shows the plan at",
        help_text="For example, 30/9/2015. The plan's history starts at this date, so the "
        "plan as at later dates and their board packs include it. Leave empty to start the "
        "history today",
        error_messages={"invalid": "Enter the date as a real date, like 30/9/2015"},
    )

    def __init__(self, *args, headers=(), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = mapping or {}
        self.headers = {}
        for index, header in enumerate(headers):
            name = f"column_{index}"
            self.headers[name] = header
            self.fields[name] = forms.ChoiceField(
                label=f"What does the column “{header}” hold?",
                choices=Field.choices,
                initial=mapping.get(header_key(header), Field.IGNORE),
            )

    def mapping(self):
        """{header key: field} as chosen."""
        return {
            header_key(header): self.cleaned_data[name] for name, header in self.headers.items()
        }

    def column_fields(self):
        return [self[name] for name in self.headers]
