"""Sealed values: two-factor secrets are encrypted in the database, open under SECRET_KEY or a
fallback, and a value that opens under neither matches no code at all."""

from __future__ import annotations

import importlib
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from trellis.core.sealed import PREFIX, seal, unseal
from trellis.factories import UserFactory
from trellis.signin import services, totp
from trellis.signin.models import TwoFactorDevice

pytestmark = pytest.mark.django_db

OLD_KEY = "an old key that signed and sealed everything until the rotation" * 2
NEW_KEY = "the new key the district's operator set while rotating the keys" * 2


def stored(device: TwoFactorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM signin_twofactordevice WHERE id = %s", [device.pk])
        return str(cursor.fetchone()[0])


def device_for(secret: str) -> TwoFactorDevice:
    return TwoFactorDevice.objects.create(
        user=UserFactory(), secret=secret, confirmed_at=timezone.now()
    )


def test_a_secret_is_sealed_in_the_database_and_plain_in_python():
    secret = totp.new_secret()
    device = device_for(secret)
    raw = stored(device)
    assert raw.startswith(PREFIX) and secret not in raw
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret
    assert list(TwoFactorDevice.objects.values_list("secret", flat=True)) == [secret]
    # Sealed twice, the same secret reads differently: the stored text says nothing of it.
    assert seal(secret) != seal(secret) and unseal(seal(secret)) == secret


def test_a_rotated_key_still_opens_through_its_fallback_and_the_next_save_reseals():
    secret = totp.new_secret()
    with override_settings(SECRET_KEY=OLD_KEY):
        device = device_for(secret)
        under_old = stored(device)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        device = TwoFactorDevice.objects.get(pk=device.pk)
        assert device.secret == secret
        device.save(update_fields=["secret"])
        assert stored(device) != under_old
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret


def test_signing_in_with_a_code_reseals_the_secret_under_the_current_key():
    secret = totp.new_secret()
    with override_settings(SECRET_KEY=OLD_KEY):
        device = device_for(secret)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        good = totp.code_for_step(secret, totp.step_at())
        assert services.two_factor_check(user=device.user, code=good, address="10.0.0.9")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret


def test_a_secret_no_key_opens_reads_empty_matches_no_code_and_is_logged(caplog):
    secret = totp.new_secret()
    with override_settings(SECRET_KEY=OLD_KEY):
        device = device_for(secret)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        with caplog.at_level(logging.ERROR, logger="trellis.core.sealed"):
            assert TwoFactorDevice.objects.get(pk=device.pk).secret == ""
        assert "SECRET_KEY_FALLBACKS" in caplog.text
        # Neither the real code nor a code made from an empty secret is let through.
        for guess in (totp.code_for_step(secret, totp.step_at()), "000000", "123456"):
            assert not services.two_factor_check(user=device.user, code=guess, address="10.0.0.9")
        # Setting up again draws a new secret instead of showing an empty one.
        TwoFactorDevice.objects.filter(pk=device.pk).update(confirmed_at=None)
        again = services.two_factor_enrolment_start(user=device.user)
        assert len(again.secret) == 32 and again.secret != secret


def test_a_plain_value_is_not_trusted_and_the_migration_seals_those_saved_before_it():
    secret = totp.new_secret()
    device = device_for(totp.new_secret())
    with connection.cursor() as cursor:  # as a row saved before sealing began
        cursor.execute(
            "UPDATE signin_twofactordevice SET secret = %s WHERE id = %s", [secret, device.pk]
        )
    # Until sealed, a plain value is not trusted: it reads as empty and matches no code.
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == ""
    planted = totp.code_for_step(secret, totp.step_at())
    assert not services.two_factor_check(user=device.user, code=planted, address="10.0.0.9")
    migration = importlib.import_module("trellis.signin.migrations.0003_sealed_two_factor_secret")
    # The functions use only these two of a schema editor (SQLite opens no real one inside the
    # test's transaction).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.seal_saved_secrets(apps, editor)
    assert stored(device).startswith(PREFIX) and secret not in stored(device)
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret
    migration.unseal_secrets(apps, editor)
    assert stored(device) == secret
