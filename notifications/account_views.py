"""Password reset and invitations: Django's views, with the outbox doing the sending.

- "Forgotten your password?" (``password_reset``): the same answer whatever is typed,
  and nothing sent during the request (``ResetLinkForm`` queues, the worker sends).
- The link in the email (``password_reset_confirm``, ``invitation``): Django moves the
  token out of the address into the session before showing the form, so it is in no
  Referer or history; the new password is checked by the same rules as everywhere.
- Afterwards the person signs in as usual (django-axes still counts every attempt).
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .accounts import invitation_token
from .forms import NewPasswordForm, ResetLinkForm
from .tasks import send_soon


class ForgottenPassword(auth_views.PasswordResetView):
    form_class = ResetLinkForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        send_soon()  # whether or not anyone has the address: the same work either way
        return response


class ResetLinkSent(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class SetNewPassword(auth_views.PasswordResetConfirmView):
    """The page a reset link opens."""

    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")
    success_message = "Your password has been changed. Sign in with your new password."
    heading = "Choose a new password"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message)
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}


class AcceptInvitation(SetNewPassword):
    """The page an invitation opens: the person chooses their own first password."""

    token_generator = invitation_token
    success_message = "Your password has been set. Sign in with your username and new password."
    heading = "Set your password"
