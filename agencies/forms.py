from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)
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
