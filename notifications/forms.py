"""The forms of the email pages: the reporting calendar, a person's email settings, the
outbox filter, and asking for a password reset link."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplan.fields import BoundedDateField, PlainTextField

from .accounts import queue_password_reset
from .models import MAX_DAYS_BEFORE, EmailPreference, OutboxMessage, parse_days

MAX_OTHER_DATES = 40


class ReportingCalendarForm(forms.Form):
    quarter_ends = forms.BooleanField(
        label="The last day of each quarter",
        required=False,
        help_text="30 June, 30 September, 31 December and 31 March: the as-at dates of the "
        "quarterly board packs.",
    )
    other_dates = PlainTextField(
        label="Other deadlines",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One date a line, like 15/09/2025, for example two weeks before each board "
        "meeting. Leave empty for none.",
        error_messages={"max_length": "Other deadlines must be 2,000 characters or fewer"},
    )
    reminder_days = PlainTextField(
        label="Reminders to agency leads: how many days before each deadline",
        max_length=50,
        help_text="Whole numbers separated by commas, like 14, 3",
        error_messages={
            "required": "Enter how many days before each deadline to remind agency leads",
            "max_length": "Enter at most 5 numbers of days, like 14, 3",
        },
    )
    review_days = forms.IntegerField(
        label="Digest of new evidence to the chair: how many days before each deadline",
        min_value=0,
        max_value=MAX_DAYS_BEFORE,
        help_text="0 sends it on the morning of the deadline.",
        error_messages={
            "required": "Enter how many days before each deadline to send the chair's digest",
            "invalid": "Enter the days before the deadline as a whole number, like 1",
            "min_value": "The days before the deadline must be 0 or more",
            "max_value": f"The chair's digest can be at most {MAX_DAYS_BEFORE} days before",
        },
    )

    def __init__(self, data=None, *, calendar):
        super().__init__(
            data,
            initial={
                "quarter_ends": calendar.quarter_ends,
                "other_dates": "\n".join(f"{d:%d/%m/%Y}" for d in calendar.other_dates()),
                "reminder_days": calendar.reminder_days,
                "review_days": calendar.review_days,
            },
        )

    def clean_other_dates(self):
        lines = [line.strip() for line in self.cleaned_data["other_dates"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_OTHER_DATES:
            raise ValidationError(f"Enter at most {MAX_OTHER_DATES} other deadlines")
        field = BoundedDateField(subject="A deadline")
        dates = []
        for number, line in enumerate(lines, start=1):
            try:
                dates.append(field.clean(line))
            except ValidationError as error:
                if error.code in ("too_early", "too_late"):
                    raise ValidationError(
                        f"Line {number}: {' '.join(error.messages)}", code=error.code
                    ) from None
                raise ValidationError(
                    f"Line {number} is not a date: enter each deadline as a date, like 15/09/2025",
                    code="invalid",
                ) from None
        return sorted(set(dates))

    def clean_reminder_days(self):
        return ", ".join(str(days) for days in parse_days(self.cleaned_data["reminder_days"]))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("quarter_ends") and cleaned.get("other_dates") == []:
            self.add_error(
                "quarter_ends",
                "Choose the last day of each quarter, or enter at least one other deadline",
            )
        return cleaned


class EmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["reminders", "evidence_to_review", "rating_alert"]


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Every email"),
            ("not_sent", "Not sent, or not sent yet"),
            *OutboxMessage.Status.choices,
        ],
    )


class ResetLinkForm(PasswordResetForm):
    """Asks for a reset link. Whatever is typed, the page that follows is the same: the
    link is queued for each person with that address (none, if nobody has it), and sent
    by the worker, never during the request."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )

    def get_users(self, email):
        """Every active person with this address. Unlike Django, people who have not set
        a password yet are included: an invitation that ran out can be replaced this way."""
        field = get_user_model().get_email_field_name()
        people = get_user_model()._default_manager.filter(
            **{f"{field}__iexact": email, "is_active": True}
        )
        return [
            person for person in people if getattr(person, field).casefold() == email.casefold()
        ]

    def save(self, *args, **kwargs):
        now = timezone.now()
        for person in self.get_users(self.cleaned_data["email"]):
            queue_password_reset(person, now)


class NewPasswordForm(SetPasswordForm):
    """Setting a password from an emailed link (a reset or an invitation)."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The two passwords do not match: type the same password twice",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Type the new password again"
