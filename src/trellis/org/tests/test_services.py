"""Writes of org that other apps call: the link between a staff record and an account."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from trellis.factories import StaffFactory, UserFactory
from trellis.org.services import staff_user_link

pytestmark = pytest.mark.django_db


def test_a_staff_record_is_tied_to_one_account_and_an_account_to_one_record(district_a):
    first, second = StaffFactory(district=district_a), StaffFactory(district=district_a)
    user, other = UserFactory(), UserFactory()
    staff_user_link(staff=first, user=user)
    first.refresh_from_db()
    assert first.user == user
    staff_user_link(staff=first, user=user)  # again: nothing changes
    with pytest.raises(ValidationError, match="already belongs to another account"):
        staff_user_link(staff=first, user=other)
    with pytest.raises(ValidationError, match="already has a staff record here"):
        staff_user_link(staff=second, user=user)
    second.refresh_from_db()
    assert second.user is None
