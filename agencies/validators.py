"""Password rules of our own, alongside Django's (settings.AUTH_PASSWORD_VALIDATORS)."""

import re

from django.core.exceptions import ValidationError


class UsernameInPasswordValidator:
    """Refuse a password that contains the username, in any case, forwards or backwards.

    Django's UserAttributeSimilarityValidator compares the whole password with the
    username, so the username typed twice ("leaverleaver" for "leaver") is only 67%
    similar and passes, as does the username with enough added around it. Looking for
    the username inside the password catches both. The username is also looked for
    without its punctuation ("awakenlead" for "awaken.lead").
    """

    def __init__(self, min_length=3):
        # A username shorter than this ("jo") is too likely to turn up in a passphrase.
        self.min_length = min_length

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        if not username:
            return
        typed = password.casefold()
        letters = _letters_and_digits(typed)
        for name in {username.casefold(), _letters_and_digits(username.casefold())}:
            if len(name) < self.min_length:
                continue
            for shown in (name, name[::-1]):
                if shown in typed or shown in letters:
                    raise ValidationError(
                        "Password must not contain the username, forwards or backwards",
                        code="password_contains_username",
                    )

    def get_help_text(self):
        return "Your password must not contain your username, forwards or backwards."


def _letters_and_digits(text):
    return re.sub(r"[\W_]+", "", text)
