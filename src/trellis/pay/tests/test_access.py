"""Pay is for HR and district admins; everyone else sees only their own, by page, API and
export alike; every view and export is recorded; another district's pay answers 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.core.services import api_token_create
from trellis.pay import services
from trellis.pay.tests.helpers import GRID, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(alice, staff_a, bob, school_a):
    schedule, _ = services.schedule_import(
        district=alice.district, school_year="2026-27", upload=upload(GRID), actor=alice.user
    )
    # Ana (staff_a) is placed on the schedule; so is Bob, the teacher persona
    services.placement_set(staff=staff_a, school_year="2026-27", step=3, lane="MA", actor=None)
    from trellis.factories import StaffFactory

    bob_staff = StaffFactory(
        district=alice.district,
        school=school_a,
        user=bob.user,
        first_name="Bob",
        last_name="Castle",
    )
    services.placement_set(staff=bob_staff, school_year="2026-27", step=1, lane="BA", actor=None)
    return schedule


def _api(persona, path: str, method: str = "get", **kwargs):
    token = api_token_create(user=persona.user, name="t")
    return getattr(Client(), method)(
        f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


def test_a_teacher_cannot_see_anyone_elses_pay_by_page_api_or_export(bob, schedule):
    client = bob.client()
    assert client.get(reverse("pay:schedule", args=[schedule.pk])).status_code == 403
    for name in ("pay:projection", "pay:keep", "pay:schedule-import"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("pay:projection-export", args=["csv"])).status_code == 403
    assert client.get(reverse("pay:home")).status_code == 302  # sent to their own pay
    for path in ("/pay/schedules", f"/pay/schedules/{schedule.pk}", "/pay/projection"):
        assert _api(bob, path).status_code == 403, path
    assert (
        _api(
            bob,
            "/pay/keep",
            "post",
            data={"budget": "1", "school_year": "2026-27"},
            content_type="application/json",
        ).status_code
        == 403
    )
    # Ana's salary (step 3, MA: 48,300) appears nowhere a teacher can reach
    mine = client.get(reverse("pay:mine")).content.decode()
    assert "48,300" not in mine and "42,000.00" in mine
    lines = _api(bob, "/pay/me").json()
    assert lines == [{"item": "Salary (step 1, BA)", "amount": "42000.00"}]


def test_hr_sees_pay_and_every_view_and_export_is_recorded(hana, schedule):
    client = hana.client()
    before = AuditEvent.objects.filter(action__in=("pay.viewed", "pay.exported")).count()
    assert client.get(reverse("pay:schedule", args=[schedule.pk])).status_code == 200
    assert client.get(reverse("pay:projection")).status_code == 200
    export = client.get(reverse("pay:projection-export", args=["csv"]))
    assert export.status_code == 200 and b"school_year" in b"".join(export.streaming_content)
    assert _api(hana, "/pay/projection?years=3").status_code == 200
    events = AuditEvent.objects.filter(action__in=("pay.viewed", "pay.exported"))
    assert events.count() == before + 4
    assert events.filter(action="pay.exported").count() == 1


def test_another_districts_schedule_answers_404(charlie, schedule):
    assert charlie.client().get(reverse("pay:schedule", args=[schedule.pk])).status_code == 404
    assert _api(charlie, f"/pay/schedules/{schedule.pk}").status_code == 404


def test_bad_input_through_the_api_is_a_field_error(hana, schedule):
    assert _api(hana, "/pay/projection?years=0").status_code == 422
    response = _api(
        hana,
        "/pay/keep",
        "post",
        data={"budget": "-5", "school_year": "2026-27"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_hr_edits_a_schedule_cell_and_a_bad_value_is_reported_without_saving(hana, schedule):
    url = reverse("pay:schedule", args=[schedule.pk])
    data = {
        f"cell_{s}_{i}": v
        for s, row in enumerate(
            [["42000", "46000"], ["43100", "47150"], ["44200", "48300"]], start=1
        )
        for i, v in enumerate(row)
    }
    bad = hana.client().post(url, {**data, "cell_2_1": "lots"})
    assert bad.status_code == 400 and "Step 2, MA: “lots” is not a salary." in bad.content.decode()
    ok = hana.client().post(url, {**data, "cell_2_1": "47500"})
    assert ok.status_code == 302
    assert schedule.cells.get(step=2, lane="MA").amount == Decimal("47500.00")


def test_every_pay_export_is_refused_to_a_teacher_and_recorded_for_hr(bob, hana, schedule):
    urls = [
        reverse("pay:schedule-export", args=[schedule.pk, "csv"]),
        reverse("pay:cost-export", args=["xlsx"]),
        reverse("pay:keep-export", args=["csv"]) + "?budget=100000&school_year=2026-27",
        reverse("pay:board"),
    ]
    for url in urls:
        assert bob.client().get(url).status_code == 403, url
    before = AuditEvent.objects.filter(action="pay.exported").count()
    for url in urls[:3]:
        assert hana.client().get(url).status_code == 200, url
    assert AuditEvent.objects.filter(action="pay.exported").count() == before + 3


def test_hr_places_a_person_and_a_teacher_cannot_open_the_page(hana, bob, staff_a, schedule):
    url = reverse("pay:placement", args=[staff_a.pk])
    assert bob.client().get(url).status_code == 403
    page = hana.client().get(reverse("org:staff-detail", args=[staff_a.pk]))
    assert url.encode() in page.content  # the staff page links to it for HR
    response = hana.client().post(url, {"school_year": "2026-27", "step": "4", "lane": "BA"})
    assert response.status_code == 302
    from trellis.pay.models import Placement

    assert Placement.objects.get(staff=staff_a, school_year="2026-27").step == 4
    bad = hana.client().post(url, {"school_year": "2026-27", "step": "0", "lane": "XX"})
    assert bad.status_code == 400


def test_another_districts_position_cost_and_placement_pages_answer_404(charlie, staff_a, schedule):
    from trellis.pay.tests.helpers import coach_positions

    position = coach_positions(staff_a.district, staff_a.school, None, 1)[0]
    client = charlie.client()
    assert client.get(reverse("pay:position", args=[position.pk])).status_code == 404
    assert client.get(reverse("pay:placement", args=[staff_a.pk])).status_code == 404
    assert client.get(reverse("pay:schedule-export", args=[schedule.pk, "csv"])).status_code == 404
