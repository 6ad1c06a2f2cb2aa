"""Sign-in, lockout, district switching, health and the audit trail's immutability."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from trellis.conftest import PASSWORD
from trellis.core.models import AuditEvent, Membership, Role
from trellis.factories import DistrictFactory
from trellis.signin import totp
from trellis.signin.models import TwoFactorDevice

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("core:login"), {"username": username, "password": password})
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_signing_in_lands_on_the_district_home(alice, district_a):
    # given alice (a district admin) has an authenticator app set up
    device = TwoFactorDevice.objects.create(
        user=alice.user, secret=totp.new_secret(), confirmed_at=timezone.now()
    )
    client = Client()
    # when she signs in with her password and then the code her app shows
    client.post(reverse("core:login"), {"username": "alice", "password": PASSWORD})
    code = totp.code_for_step(device.secret, totp.step_at())
    response = client.post(reverse("signin:two-factor"), {"code": code}, follow=True)
    # then she lands on her district's home page
    assert response.status_code == 200
    assert "Maple Valley" in response.content.decode()


def test_pages_need_a_signed_in_user(db):
    response = Client().get(reverse("org:staff-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_five_failures_lock_that_account_from_that_address_only(alice):
    for _ in range(5):
        sign_in("alice", "wrong", address="10.0.0.66")
    locked = sign_in("alice", PASSWORD, address="10.0.0.66")
    elsewhere = sign_in("alice", PASSWORD, address="10.0.0.7")
    assert not signed_in(locked)
    assert signed_in(elsewhere)


def test_an_attacker_cannot_lock_someone_else_out_from_their_own_address(alice, bob):
    # given an attacker hammers alice's account from their own address
    for _ in range(10):
        sign_in("alice", "wrong", address="203.0.113.9")
    # then alice, at her school, still signs in, and so does bob at the attacker's address
    assert signed_in(sign_in("alice", PASSWORD, address="10.1.1.1"))
    assert signed_in(sign_in("bob", PASSWORD, address="203.0.113.9"))


def test_locked_sign_in_says_why(alice):
    for _ in range(5):
        sign_in("alice", "wrong")
    response = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("core:login"), {"username": "alice", "password": PASSWORD}
    )
    assert "Too many failed sign-ins" in response.content.decode()


def test_password_reset_sends_a_link(alice, mailoutbox):
    Client().post(reverse("core:password-reset"), {"email": alice.user.email})
    assert len(mailoutbox) == 1
    assert "/password/reset/" in mailoutbox[0].body


def test_switching_district_needs_a_membership(alice, district_a, district_b, staff_b):
    client = alice.client()
    assert (
        client.post(reverse("core:district-switch"), {"district": district_b.pk}).status_code == 404
    )
    Membership.objects.create(user=alice.user, district=district_b, role=Role.VIEWER)
    client.post(reverse("core:district-switch"), {"district": district_b.pk})
    response = client.get(reverse("org:staff-detail", args=[staff_b.pk]))
    assert response.status_code == 200


def test_switcher_appears_only_for_people_in_several_districts(alice, district_b):
    assert 'name="district"' not in alice.client().get("/").content.decode()
    Membership.objects.create(user=alice.user, district=district_b, role=Role.VIEWER)
    assert 'name="district"' in alice.client().get("/").content.decode()


def test_navigation_shows_only_what_the_user_may_open(alice, bob):
    assert "Audit log" in alice.client().get("/").content.decode()
    assert "Audit log" not in bob.client().get("/").content.decode()


def test_healthz_answers_200_when_the_database_answers(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503


def test_audit_events_cannot_be_changed_or_deleted(alice, district_a):
    event = AuditEvent.objects.create(
        district=district_a, actor_label="alice", action="x", target_type="t"
    )
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


def test_admin_offers_no_way_to_edit_audit_events(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)


def test_a_membership_must_match_its_scope(alice):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=alice.user, role=Role.TEACHER)  # no district
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=alice.user, district=DistrictFactory(), role=Role.CONSORTIUM_LEAD
        )
