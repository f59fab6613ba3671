"""An organisation's single sign-on client secret is never stored as plain text, survives a
secret-key rotation done the Django way, and is sealed by the migration if stored before."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import SignInProvider

SECRET = "entra-client-secret~Zq9B"


def stored(provider) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret FROM accounts_signinprovider WHERE id = %s", [provider.pk]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def provider(organisation):
    return SignInProvider.objects.create(
        organisation=organisation,
        issuer="https://login.example.gov.uk",
        client_id="actionplan",
        client_secret=SECRET,
        allowed_domains="testcouncil.gov.uk",
    )


def test_the_client_secret_is_sealed_in_the_database_and_read_back_whole(provider):
    assert SECRET not in stored(provider) and stored(provider).startswith("sealed:")
    assert SignInProvider.objects.get().client_secret == SECRET


def test_a_rotated_secret_key_still_opens_it_and_the_old_key_alone_does_not(provider, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-long-enough-0123456789"
    assert SignInProvider.objects.get().client_secret == SECRET

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        SignInProvider.objects.get()


def test_a_secret_stored_before_sealing_is_read_and_sealed_when_saved_again(provider):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_signinprovider SET client_secret = %s", [SECRET])
    again = SignInProvider.objects.get()
    assert again.client_secret == SECRET

    again.save()

    assert stored(again).startswith("sealed:") and SignInProvider.objects.get().client_secret == (
        SECRET
    )


def test_a_backup_carries_the_secret_sealed_and_a_restore_opens_it(provider):
    from django.core import serializers

    text = serializers.serialize("json", [provider])
    assert SECRET not in text and "sealed:" in text

    restored = next(serializers.deserialize("json", text)).object
    assert restored.client_secret == SECRET
