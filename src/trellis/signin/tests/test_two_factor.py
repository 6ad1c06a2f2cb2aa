"""Two-factor sign-in and session timeouts, through the real sign-in form and middleware."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from trellis.cli import main
from trellis.conftest import PASSWORD
from trellis.core.models import AuditEvent, LoginAttempt
from trellis.factories import StaffFactory
from trellis.org.models import StaffClassification
from trellis.signin import services, totp
from trellis.signin.middleware import SEEN, STARTED
from trellis.signin.models import RecoveryCode, TwoFactorDevice
from trellis.signin.tests.conftest import BOB, browser, oidc_provider_for, sign_in_with_oidc

pytestmark = pytest.mark.django_db


def password_only(username: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("core:login"), {"username": username, "password": PASSWORD})
    return client


def enrolled(user) -> TwoFactorDevice:
    return TwoFactorDevice.objects.create(
        user=user, secret=totp.new_secret(), confirmed_at=timezone.now()
    )


def code(device: TwoFactorDevice, ahead: int = 0) -> str:
    return totp.code_for_step(device.secret, totp.step_at() + ahead)


def test_an_admin_with_only_a_password_is_sent_to_set_up_two_factor(alice):
    client = password_only("alice")
    response = client.get(reverse("org:staff-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:two-factor"))
    follow = client.get(response["Location"], follow=True)
    assert follow.redirect_chain[-1][0].startswith(reverse("signin:two-factor-setup"))


def test_the_api_answers_401_to_a_half_signed_in_session(hana):
    response = password_only("hana").get("/api/v1/staff")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_setting_up_shows_the_key_and_a_qr_code_then_lets_her_in(alice):
    client = password_only("alice")
    page = client.get(reverse("signin:two-factor-setup")).content.decode()
    device = TwoFactorDevice.objects.get(user=alice.user)
    assert totp.grouped_secret(device.secret) in page
    assert 'src="data:image/svg+xml' in page
    done = client.post(reverse("signin:two-factor-setup"), {"code": code(device)})
    assert done.status_code == 200
    assert RecoveryCode.objects.filter(user=alice.user).count() == totp.RECOVERY_CODE_COUNT
    assert client.get(reverse("org:staff-list")).status_code == 200
    actions = set(AuditEvent.objects.filter(actor=alice.user).values_list("action", flat=True))
    assert {"signin.two_factor_started", "signin.two_factor_enrolled"} <= actions


def test_a_secret_seen_in_another_session_stops_working_once_she_sets_up(alice):
    # given someone with alice's password who opened the set-up page first
    stranger = password_only("alice", address="10.9.9.9")
    stranger.get(reverse("signin:two-factor-setup"))
    seen = TwoFactorDevice.objects.get(user=alice.user).secret
    # when alice sets up in her own session
    client = password_only("alice")
    page = client.get(reverse("signin:two-factor-setup")).content.decode()
    device = TwoFactorDevice.objects.get(user=alice.user)
    # then she is shown a secret of her own, and a reload keeps it
    assert device.secret != seen and totp.grouped_secret(device.secret) in page
    client.get(reverse("signin:two-factor-setup"))
    assert TwoFactorDevice.objects.get(user=alice.user).secret == device.secret
    # and a code from the secret the stranger saw is refused
    stale = totp.code_for_step(seen, totp.step_at())
    assert stranger.post(reverse("signin:two-factor-setup"), {"code": stale}).status_code == 400
    assert TwoFactorDevice.objects.get(user=alice.user).confirmed_at is None


def test_a_wrong_code_is_refused_and_counted_into_the_lockout(alice):
    device = enrolled(alice.user)
    client = password_only("alice")
    response = client.post(reverse("signin:two-factor"), {"code": "12345"})
    assert response.status_code == 400
    assert client.get(reverse("org:staff-list")).status_code == 302
    assert LoginAttempt.objects.filter(username="alice").count() == 1
    assert device.last_step == 0


def test_a_code_is_good_once(alice):
    device = enrolled(alice.user)
    first = password_only("alice")
    used = code(device)
    first.post(reverse("signin:two-factor"), {"code": used})
    assert first.get(reverse("org:staff-list")).status_code == 200
    second = password_only("alice", address="10.0.0.2")
    second.post(reverse("signin:two-factor"), {"code": used})
    assert second.get(reverse("org:staff-list")).status_code == 302


def test_a_correct_password_does_not_buy_more_code_guesses(alice):
    enrolled(alice.user)
    for _ in range(5):
        client = password_only("alice")
        client.post(reverse("signin:two-factor"), {"code": "000000"})
    page = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("core:login"), {"username": "alice", "password": PASSWORD}
    )
    assert "Too many failed sign-ins" in page.content.decode()


def test_wrong_codes_from_many_addresses_lock_that_accounts_code_step(alice, hana):
    # given alice's password in the hands of someone with many addresses, one guess from each
    device = enrolled(alice.user)
    hana_device = enrolled(hana.user)
    limit = 10
    with override_settings(TRELLIS_LOCKOUT_CODES_PER_USERNAME=limit):
        for n in range(limit):
            guesser = password_only("alice", address=f"10.7.0.{n + 1}")
            guesser.post(reverse("signin:two-factor"), {"code": "000000"})
        # when the next address brings the right password and the right code
        late = password_only("alice", address="10.7.1.1")
        page = late.post(reverse("signin:two-factor"), {"code": code(device)})
        # then the code step is closed for alice, whatever the address, and says why
        assert page.status_code == 400
        assert "Too many wrong codes for this account" in page.content.decode()
        assert late.get(reverse("org:staff-list")).status_code == 302
        assert TwoFactorDevice.objects.get(pk=device.pk).last_step == 0
        # and hana, from one of the same addresses, is not held back by alice's wrong codes
        other = password_only("hana", address="10.7.0.1")
        other.post(reverse("signin:two-factor"), {"code": code(hana_device)})
        assert other.get(reverse("org:staff-list")).status_code == 200
        # once the window has passed, alice's right code lets her in and clears the count
        LoginAttempt.objects.filter(username="alice").update(
            attempted_at=timezone.now() - dt.timedelta(hours=1)
        )
        back = password_only("alice", address="10.7.1.1")
        back.post(reverse("signin:two-factor"), {"code": code(device)})
        assert back.get(reverse("org:staff-list")).status_code == 200
        assert not LoginAttempt.objects.filter(username="alice").exists()


def test_the_service_counts_wrong_codes_itself_so_the_cap_holds_without_the_form(alice):
    # Guesses sent side by side all pass the form's check before any is counted; the service
    # counts each under the device's lock and checks the cap again there.
    device = enrolled(alice.user)
    with override_settings(TRELLIS_LOCKOUT_CODES_PER_USERNAME=3):
        for n in range(3):
            assert not services.two_factor_check(
                user=alice.user, code="000000", address=f"10.9.0.{n + 1}"
            )
        assert not services.two_factor_check(user=alice.user, code=code(device), address="10.9.1.1")
    assert LoginAttempt.objects.filter(username="alice", step="code").count() == 3
    failed = AuditEvent.objects.filter(action="signin.two_factor_failed", actor=alice.user)
    assert failed.count() == 3


def test_wrong_passwords_from_many_addresses_leave_the_owners_code_step_open(alice):
    device = enrolled(alice.user)
    for n in range(30):
        Client(REMOTE_ADDR=f"10.8.0.{n + 1}").post(
            reverse("core:login"), {"username": "alice", "password": "not it"}
        )
    assert LoginAttempt.objects.filter(username="alice", step="password").count() == 30
    client = password_only("alice", address="10.8.1.1")
    client.post(reverse("signin:two-factor"), {"code": code(device)})
    assert client.get(reverse("org:staff-list")).status_code == 200


def test_a_recovery_code_signs_in_once(alice):
    device = enrolled(alice.user)
    [recovery] = totp.new_recovery_codes(1)
    RecoveryCode.objects.create(user=alice.user, code_hash=totp.recovery_hash(recovery))
    client = password_only("alice")
    client.post(reverse("signin:two-factor"), {"code": recovery.upper()})
    assert client.get(reverse("org:staff-list")).status_code == 200
    again = password_only("alice", address="10.0.0.3")
    again.post(reverse("signin:two-factor"), {"code": recovery})
    assert again.get(reverse("org:staff-list")).status_code == 302
    assert device.pk and AuditEvent.objects.filter(action="signin.recovery_code_used").exists()


def test_a_teacher_is_never_asked(bob):
    client = password_only("bob")
    assert client.get(reverse("insights:home")).status_code == 200


def test_the_switch_turns_enforcement_off(alice):
    with override_settings(TRELLIS_TWO_FACTOR=False):
        assert password_only("alice").get(reverse("org:staff-list")).status_code == 200


def test_disabling_removes_the_app_and_is_audited(alice, charlie):
    enrolled(alice.user)
    services.two_factor_disable(user=alice.user, actor=charlie.user)
    assert not TwoFactorDevice.objects.filter(user=alice.user).exists()
    event = AuditEvent.objects.get(action="signin.two_factor_disabled")
    assert event.actor == charlie.user and event.district == alice.district


def test_an_idle_session_ends_with_a_message(bob, settings):
    client = password_only("bob")
    session = client.session
    session[SEEN] -= settings.TRELLIS_SESSION_IDLE_SECONDS + 1
    session.save()
    response = client.get(reverse("insights:home"), follow=True)
    assert "Your session has ended" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_at_the_absolute_limit(bob, settings):
    client = password_only("bob")
    session = client.session
    session[STARTED] -= settings.TRELLIS_SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    assert client.get(reverse("insights:home")).status_code == 302


def test_a_switched_off_account_loses_its_session(bob):
    client = password_only("bob")
    bob.user.is_active = False
    bob.user.save()
    response = client.get(reverse("insights:home"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_a_principal_signed_in_by_the_district_provider_still_needs_a_code(
    oidc_provider, alice, district_a, school_a
):
    # given a principal on the roster, signing in through the district's OpenID provider
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    StaffFactory(district=district_a, school=school_a, username="bob.b",
                 classification=StaffClassification.PRINCIPAL)  # fmt: skip
    client = browser()
    sign_in_with_oidc(client, provider, BOB)
    # when the provider has signed them in, the home page and the API still wait for a code
    home = client.get(reverse("insights:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("signin:two-factor"))
    assert client.get("/api/v1/staff").status_code == 401


def test_the_command_line_resets_a_lost_phone_and_says_when_there_is_none(alice, capsys):
    enrolled(alice.user)
    assert main(["two-factor-reset", "alice"]) == 0
    assert not TwoFactorDevice.objects.filter(user=alice.user).exists()
    assert AuditEvent.objects.filter(action="signin.two_factor_disabled").count() == 1
    assert main(["two-factor-reset", "alice"]) == 2
    assert "has not set up two-factor sign-in" in capsys.readouterr().err


def test_a_teacher_cannot_set_up_an_app_nobody_would_ask_for(bob):
    response = password_only("bob").get(reverse("signin:two-factor-setup"))
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=bob.user).exists()
