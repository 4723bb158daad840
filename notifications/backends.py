"""The email backend when no mail server is set in production: it refuses, so that the
messages stay in the outbox, "Not sent yet", with the reason, instead of going to the
console (and the logs) or nowhere."""

from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend


class NotConfiguredBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ImproperlyConfigured(
            "No mail server is set: set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, "
            "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) in the environment"
        )
