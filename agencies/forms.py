import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from actionplan.access import allowed
from actionplan.fields import PlainTextField

from .models import Agency, AuditEvent, Membership, Post


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "also_known_as", "is_active"]
        field_classes = {"name": PlainTextField, "also_known_as": PlainTextField}
        labels = {"kind": "Type", "is_active": "Active"}
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "name": {
                "required": "Enter the name of the agency or group",
                "unique": "There is already an agency or group with this name",
            },
        }

    def save(self, commit=True):
        agency = super().save(commit=False)
        if not agency.slug:
            base = slugify(agency.name)[:70] or "agency"
            slug, n = base, 2
            while Agency.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            agency.slug = slug
        return agency


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["agency", "title"]
        field_classes = {"title": PlainTextField}
        labels = {"title": "Post or team"}
        error_messages = {"title": {"required": "Enter the post or team"}}


# Every history row keeps the full name of whoever made the change ("first last") in a
# column of 150 characters (actionplan.historical). Django allows 150 for each name, so a
# person could otherwise be saved whose every change then fails on PostgreSQL.
FULL_NAME_MAX_LENGTH = 150


class PersonForm(forms.ModelForm):
    """A person who signs in. A new person is sent an invitation to their email address,
    with a link to set their own password: nobody else ever knows it."""

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]
        field_classes = {"first_name": PlainTextField, "last_name": PlainTextField}
        labels = {"email": "Email address"}
        help_texts = {
            "email": "Where their invitation, reminders and password reset links are sent.",
        }
        error_messages = {
            "username": {
                "required": "Enter a username",
                "unique": "Someone already has this username",
                "max_length": "Username must be 150 characters or fewer",
            },
            "first_name": {
                "required": "Enter their first name",
                "max_length": "First name must be 150 characters or fewer",
            },
            "last_name": {
                "required": "Enter their last name",
                "max_length": "Last name must be 150 characters or fewer",
            },
            "email": {
                "required": "Enter their email address: their invitation is sent there",
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "max_length": "Email address must be 254 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        # A new person is invited by email. People added before invitations may have none.
        self.fields["email"].required = not self.instance.pk
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if not email:
            return email
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Someone already has this email address")
        return email

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_name"), cleaned.get("last_name")
        if first and last and len(f"{first} {last}") > FULL_NAME_MAX_LENGTH:
            self.add_error(
                "first_name", f"Full name must be {FULL_NAME_MAX_LENGTH} characters or fewer"
            )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.pk is None:
            user.set_unusable_password()  # until they set their own from the invitation
        if commit:
            user.save()
        return user


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "role", "post"]
        labels = {"user": "Person", "agency": "Agency or group", "post": "Post (optional)"}
        widgets = {"role": forms.RadioSelect}
        error_messages = {
            "user": {"required": "Select the person"},
            "agency": {"required": "Select the agency or group"},
            "role": {"required": "Select the role"},
        }

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        if viewer is not None:
            # Only people whose roles the viewer may change (never their own, never a
            # superuser's unless they are one): actionplan.access, the "person" rules.
            people = people.filter(
                pk__in=[p.pk for p in people if "change_roles" in allowed(viewer, "person", p)]
            )
        self.fields["user"].queryset = people
        self.fields["user"].error_messages["invalid_choice"] = (
            "Select a person from the list: you cannot change your own roles or a superuser's"
        )
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        post, agency = cleaned.get("post"), cleaned.get("agency")
        if post and agency and post.agency_id != agency.pk:
            self.add_error("post", "Select a post within the chosen agency or group")
        return cleaned


class ReasonForm(forms.Form):
    reason = PlainTextField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


class AuditFilterForm(forms.Form):
    event = forms.ChoiceField(
        label="Event", choices=[("", "Every event"), *AuditEvent.Event.choices], required=False
    )


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now for the Action plan tracker.",
        max_length=40,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    # Where the person was going when they were asked for the code.
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    shape, shape_error = r"[0-9]{6}", "The code must be 6 digits"

    def clean_code(self):
        # Spaces and hyphens are how apps and paper group the characters.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not re.fullmatch(self.shape, code):
            raise forms.ValidationError(self.shape_error)
        return code


class RecoveryCodeForm(CodeForm):
    """One of the ten codes shown when the app was set up (8 letters and digits)."""

    code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you were given when you set up your authenticator app.",
        max_length=40,
        error_messages={"required": "Enter one of your recovery codes"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    shape, shape_error = r"[a-z2-7]{8}", "The recovery code must be 8 letters and numbers"
