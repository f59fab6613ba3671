"""A text field kept sealed in the database: an organisation's single sign-on client secret.

The value is encrypted with Fernet (AES and an HMAC) under keys derived from the site's
SECRET_KEY and SECRET_KEY_FALLBACKS, so rotating the secret key the Django way (new key first,
old one in the fallbacks) keeps every stored secret readable; saving again seals it under the
new key. A database dump or a backup file (`make backup`) alone does not give the secret away;
restoring a backup needs the same secret key. Values stored before
sealing existed (plain text, without the prefix) are still read, and sealed when next saved.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "sealed:"


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(hashlib.sha256(f"sealed-field:{key}".encode()).digest())
            )
            for key in keys
        ]
    )


def seal(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def unseal(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A sealed value cannot be opened with DJANGO_SECRET_KEY or its fallbacks: was the "
            "secret key changed without keeping the old one in DJANGO_SECRET_KEY_FALLBACKS?"
        ) from None


class SealedTextField(models.TextField):
    """Plain text in Python, sealed in the database. Not for lookups or ordering."""

    def from_db_value(self, value, expression, connection):
        return value if value is None else unseal(value)

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else unseal(value)

    def value_to_string(self, obj):
        """Backups (serialised records) carry the value sealed too."""
        value = self.value_from_object(obj)
        return value if value in (None, "") else seal(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else seal(value)
