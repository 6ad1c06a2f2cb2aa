"""District deletion: ``trellis delete-district`` and the service behind it."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.cli import main
from trellis.core import deletion
from trellis.core.audit import audit_record
from trellis.core.models import AuditEvent, District, Membership, Role, User
from trellis.org.models import Staff

pytestmark = pytest.mark.django_db


def test_every_model_either_reaches_a_district_or_says_why_not():
    assert deletion.unclassified_models() == []


def test_every_model_with_a_district_column_is_deleted_with_it():
    owned = {o.label for o in deletion.district_models()}
    assert {"core.auditevent", "core.membership", "org.staff", "org.school"} <= owned


def test_it_deletes_one_district_and_leaves_the_other(alice, charlie, staff_a, staff_b, tmp_path):
    # given two districts with staff, members and audit events, and one person in both
    both = User.objects.create_user("both")
    Membership.objects.create(user=both, district=staff_a.district, role=Role.VIEWER)
    Membership.objects.create(user=both, district=staff_b.district, role=Role.VIEWER)
    audit_record(actor=alice.user, action="org.staff_created", target=staff_a)
    audit_record(actor=charlie.user, action="org.staff_created", target=staff_b)
    audit_record(actor=alice.user, action="core.district_created", target=staff_a.district)
    victim, other = staff_a.district, staff_b.district
    out = tmp_path / "record.json"
    # when the operator deletes the first
    call_command("delete_district", victim.slug, confirm=victim.slug, out=str(out))
    # then none of it is left, and the other district is as it was
    assert not District.objects.filter(pk=victim.pk).exists()
    assert not Staff.objects.filter(district_id=victim.pk).exists()
    assert not AuditEvent.objects.filter(district_id=victim.pk).exists()
    assert not AuditEvent.objects.filter(target_type="core.district", target_id=str(victim.pk))
    assert not User.objects.filter(pk=alice.user.pk).exists()
    assert list(both.memberships.values_list("district_id", flat=True)) == [other.pk]
    assert Staff.objects.filter(district=other).count() == 1
    assert AuditEvent.objects.filter(district=other).count() == 1
    assert User.objects.filter(pk=charlie.user.pk).exists()
    record = deletion.confirmation_verify(out)
    assert record["district"]["slug"] == victim.slug
    assert record["rows_deleted"]["org_staff"] == 1


def test_it_asks_for_the_slug_before_deleting_anything(alice, staff_a):
    with pytest.raises(CommandError, match="does not match"):
        call_command("delete_district", staff_a.district.slug, confirm="something-else")
    with pytest.raises(CommandError, match="add --confirm"):
        call_command("delete_district", staff_a.district.slug, interactive=False)
    assert District.objects.filter(pk=staff_a.district.pk).exists()
    assert Staff.objects.filter(pk=staff_a.pk).exists()


def test_an_unknown_district_fails_clearly(db, capsys):
    assert main(["delete-district", "nowhere", "--confirm", "nowhere"]) == 2
    assert "No district 'nowhere'" in capsys.readouterr().err


def test_a_changed_record_does_not_verify(staff_a, tmp_path, capsys):
    out = tmp_path / "record.json"
    slug = staff_a.district.slug
    assert main(["delete-district", slug, "--confirm", slug, "--out", str(out)]) == 0
    assert main(["delete-district", "--verify", str(out)]) == 0
    record = json.loads(out.read_text())
    record["rows_deleted"]["org_staff"] = 0
    out.write_text(json.dumps(record))
    assert main(["delete-district", "--verify", str(out)]) == 2
    assert "NOT a valid deletion record" in capsys.readouterr().err
    out.write_text("not json")
    assert main(["delete-district", "--verify", str(out)]) == 2
