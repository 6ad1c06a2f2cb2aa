"""Pay through the database: schedules from files with line-level errors, funding splits that
must add to 100 %, the projection and what to keep from real positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from trellis.core.models import AuditEvent
from trellis.pay import calc, selectors, services
from trellis.pay.models import FundingSplit, SalarySchedule, ScheduleCell
from trellis.pay.tests.helpers import GRID, coach_positions, upload

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_schedule_imports_from_csv_and_copies_to_next_year_with_a_raise(alice):
    schedule, warnings = services.schedule_import(
        district=alice.district, school_year="2026-27", upload=upload(GRID), actor=alice.user
    )
    assert warnings == [] and schedule.lanes == ["BA", "MA"]
    assert ScheduleCell.objects.get(schedule=schedule, step=2, lane="MA").amount == D("47150.00")
    copy, _ = services.schedule_copy(
        schedule=schedule, school_year="2027-28", percent=D("3"), actor=alice.user
    )
    assert ScheduleCell.objects.get(schedule=copy, step=1, lane="BA").amount == D("43260.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("step,BA,MA\n1,42000,46000\n3,44200,48300\n", "Step 2 is missing"),
        ("step,BA,MA\n1,42000,forty\n", "Line 2, column 3 (MA): “forty” is not a salary."),
        ("step,BA,MA\n1,42000,-5\n", "Line 2, column 3 (MA): a salary cannot be negative."),
        ("lane,BA\n1,42000\n", "Line 1"),
        ("step,BA\nx,42000\n", "Line 2, column 1"),
    ],
    ids=["missing step", "non-numeric", "negative", "bad header", "bad step"],
)
def test_a_bad_schedule_file_says_where_and_writes_nothing(alice, text, message):
    with pytest.raises(ValidationError) as error:
        services.schedule_import(
            district=alice.district, school_year="2026-27", upload=upload(text), actor=alice.user
        )
    assert any(message in m for m in error.value.message_dict["file"])
    assert SalarySchedule.objects.count() == 0 and ScheduleCell.objects.count() == 0


def test_a_schedule_that_does_not_increase_is_saved_with_a_warning(alice):
    _, warnings = services.schedule_import(
        district=alice.district,
        school_year="2026-27",
        actor=alice.user,
        upload=upload("step,BA,MA\n1,42000,46000\n2,41000,47000\n"),
    )
    assert warnings == ["BA: step 2 pays less than the step before."]


@pytest.fixture
def funded(alice, school_a):
    district = alice.district
    services.schedule_import(
        district=district, school_year="2026-27", upload=upload(GRID), actor=alice.user
    )
    positions = coach_positions(district, school_a, alice.user, 3, prefix="P")
    grant = services.source_create(
        district=district,
        actor=alice.user,
        data={
            "name": "RTT-D",
            "kind": "grant",
            "amount": D("900000"),
            "starts_on": dt.date(2024, 7, 1),
            "ends_on": dt.date(2027, 6, 30),
        },
    )
    general = services.source_create(
        district=district, actor=alice.user, data={"name": "General fund", "kind": "general"}
    )
    for position, priority in zip(positions, (5, 3, 1), strict=True):
        services.terms_save(
            position=position,
            actor=alice.user,
            data={
                "extension_months": D("1"),
                "budget_step": 2,
                "budget_lane": "MA",
                "priority": priority,
            },
        )
        services.splits_save(
            position=position,
            school_year="2026-27",
            actor=alice.user,
            splits={grant: D("75"), general: D("25")},
        )
    return {"positions": positions, "grant": grant, "general": general}


def test_splits_must_add_to_a_hundred_and_nothing_is_written_otherwise(alice, funded):
    position = funded["positions"][0]
    before = list(FundingSplit.objects.filter(position=position).values_list("percent", flat=True))
    with pytest.raises(ValidationError) as error:
        services.splits_save(
            position=position,
            school_year="2026-27",
            actor=alice.user,
            splits={funded["grant"]: D("70"), funded["general"]: D("20")},
        )
    assert "add to 90 %" in error.value.message_dict["splits"][0]
    after = list(FundingSplit.objects.filter(position=position).values_list("percent", flat=True))
    assert after == before


def test_the_projection_from_the_database_shows_the_cliff_when_the_grant_ends(alice, funded):
    result = selectors.projection(
        district=alice.district, years=3, first_year="2026-27", cola_percent=D("0")
    )
    salary = D("47150")  # step 2, MA, while vacant
    yearly = calc.money(salary * 11 / 10)
    assert result.years[0].total == 3 * yearly
    cliff = [c for c in result.cliffs if c[0] == "RTT-D"]
    # the grant pays 75 % until June 2027; in 2027-28 that share (at step 3) is unfunded
    step3 = calc.money(D("48300") * 11 / 10)
    assert cliff == [("RTT-D", "2027-28", 3 * calc.money(step3 * D("0.75")))]


def test_what_to_keep_picks_the_highest_priority_within_the_budget(alice, funded):
    report = selectors.keep_report(
        district=alice.district, budget=D("110000"), school_year=selectors.current_year()
    )
    kept = [label for label, _, _ in report.rows(kept=True)]
    assert len(kept) == 2 and kept[0].startswith("P0")  # priority 5 then 3; priority 1 dropped
    assert report.choice.cost_cents <= 110000 * 100


def test_stipends_outside_the_range_are_flagged_and_lateral_terms_are_consistent(alice, funded):
    position = funded["positions"][0]
    _, flags = services.terms_save(
        position=position,
        actor=alice.user,
        data={"stipend": D("20000"), "extension_months": D("0")},
    )
    assert flags and "outside the study's typical range" in flags[0]
    with pytest.raises(ValidationError):
        services.terms_save(position=position, actor=alice.user, data={"lateral": True})
    assert AuditEvent.objects.filter(action="pay.terms_saved").exists()


def test_a_position_paid_by_the_consortium_costs_the_members_average(alice, charlie, funded):
    services.schedule_import(
        district=charlie.district,
        school_year="2026-27",
        actor=charlie.user,
        upload=upload("step,BA,MA\n1,40000,44000\n2,41000,45150\n3,42000,46300\n"),
    )
    position = funded["positions"][0]
    services.terms_save(
        position=position,
        actor=alice.user,
        data={"paid_by_consortium": True, "extension_months": D("1")},
    )
    result = selectors.projection(
        district=alice.district, years=1, first_year="2026-27", cola_percent=D("0")
    )
    average = (D("47150") + D("45150")) / 2  # step 2, MA in Maple Valley and Cedar Ridge
    assert result.years[0].by_position[position.pk] == calc.money(average * 11 / 10)
    other = funded["positions"][1]
    assert result.years[0].by_position[other.pk] == calc.money(D("47150") * 11 / 10)
