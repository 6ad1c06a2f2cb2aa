"""The audit trail cannot be changed through the admin, and nobody it names is deleted there."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.core.audit import audit_record
from trellis.core.models import AuditEvent, User
from trellis.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_to_add_change_or_delete_an_event(superuser_client, alice, staff_a):
    event = audit_record(actor=alice.user, action="org.staff_created", target=staff_a)
    base = "/admin/core/auditevent"
    assert superuser_client.get(f"{base}/{event.pk}/change/").status_code == 200  # read-only
    assert superuser_client.post(f"{base}/add/", {"action": "x"}).status_code == 403
    assert superuser_client.post(f"{base}/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert superuser_client.post(f"{base}/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "org.staff_created"


def test_someone_the_trail_names_is_switched_off_not_deleted(superuser_client, alice, staff_a):
    audit_record(actor=alice.user, action="org.staff_created", target=staff_a)
    answer = superuser_client.post(f"/admin/core/user/{alice.user.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 403
    assert User.objects.filter(pk=alice.user.pk).exists()
    nobody = UserFactory(username="never-acted")
    answer = superuser_client.post(f"/admin/core/user/{nobody.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not User.objects.filter(pk=nobody.pk).exists()
