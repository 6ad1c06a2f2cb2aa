"""Pay arithmetic: the study's compensation patterns priced exactly, in Decimal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.pay import calc
from trellis.pay.calc import Change, Holding, PositionPlan, Schedule, Source, Terms

D = Decimal
LANES = ("BA", "BA+15", "MA", "MA+30", "Doctorate")


def schedule(
    base: int = 42_000, year: str = "2026-27", step_raise: int = 1_100, lane_raise: int = 2_400
) -> Schedule:
    cells = {
        (step, lane): D(base + (step - 1) * step_raise + i * lane_raise)
        for step in range(1, 16)
        for i, lane in enumerate(LANES)
    }
    return Schedule(year, LANES, cells, contract_months=D("10"), contract_days=185)


def test_an_eleven_month_coach_costs_base_times_eleven_tenths():
    s = schedule()
    base = s.salary(7, "MA")
    cost = calc.position_cost(s, Terms(full_time=True, extension_months=D("1")), Holding(7, "MA"))
    assert cost.total == calc.money(base * 11 / 10)
    assert cost.extension == calc.money(base / 10)


def test_an_added_duty_costs_only_its_extension_and_stipends():
    s = schedule()
    terms = Terms(full_time=False, extension_months=D("0.5"), stipend=D("3000"))
    cost = calc.position_cost(s, terms, Holding(4, "BA"))
    assert cost.salary == 0
    assert cost.total == calc.money(s.salary(4, "BA") * D("0.5") / 10) + D("3000.00")


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=800, max_value=15000, places=2),
    st.dates(min_value=dt.date(2026, 7, 1), max_value=dt.date(2027, 6, 30)),
    st.dates(min_value=dt.date(2026, 7, 1), max_value=dt.date(2027, 6, 30)),
)
def test_a_stipend_adds_exactly_its_amount_prorated_by_dates(amount, a, b):
    begin, end = min(a, b), max(a, b)
    s = schedule()
    with_stipend = calc.position_cost(
        s, Terms(full_time=False, stipend=amount), Holding(1, "BA", begin=begin, end=end)
    )
    days = (end - begin).days + 1
    assert with_stipend.total == calc.money(amount * days / 365)


def test_a_full_year_stipend_is_its_whole_amount_and_fte_prorates_salary():
    s = schedule()
    assert calc.position_cost(
        s, Terms(full_time=False, stipend=D("15000")), Holding(1, "BA")
    ).total == D("15000.00")
    half = calc.position_cost(s, Terms(), Holding(3, "MA", fte=D("0.5")))
    assert half.total == calc.money(s.salary(3, "MA") / 2)


def test_a_lateral_move_costs_the_salary_alone():
    s = schedule()
    terms = Terms(extension_months=D("1"), stipend=D("2000"), lateral=True)
    assert calc.position_cost(s, terms, Holding(5, "MA")).total == s.salary(5, "MA")


def test_the_consortium_schedule_is_the_mean_of_the_members_in_every_cell():
    members = [
        schedule(40_000),
        schedule(43_500, step_raise=1_000),
        schedule(45_250, lane_raise=2_000),
    ]
    average = calc.schedule_average(members)
    assert len(average) == 15 * len(LANES)
    for key, cell in average.items():
        values = [m.cells[key] for m in members]
        assert cell.mean == calc.money(sum(values) / 3)
        assert (cell.low, cell.high, cell.members) == (min(values), max(values), 3)


def test_schedule_warnings_and_copy_with_a_raise():
    s = schedule()
    assert calc.schedule_warnings(s) == []
    broken = Schedule(s.school_year, LANES, {**s.cells, (5, "MA"): D("1")})
    warnings = calc.schedule_warnings(broken)
    assert any("MA: step 5" in w for w in warnings) and any("Step 5: MA" in w for w in warnings)
    raised = calc.schedule_raised(s, D("2.5"), "2027-28")
    assert raised.cells[(1, "BA")] == calc.money(D("42000") * D("1.025"))
    assert raised.school_year == "2027-28"


def _plans(grant: int, general: int) -> list[PositionPlan]:
    coach = PositionPlan(
        1, "Coach", "coach", Terms(extension_months=D("1")), Holding(6, "MA"), {grant: D("100")}
    )
    tosa = PositionPlan(
        2, "TOSA", "tosa", Terms(), Holding(3, "BA"), {grant: D("60"), general: D("40")}
    )
    leader = PositionPlan(
        3,
        "Leader",
        "leader",
        Terms(full_time=False, stipend=D("2500")),
        Holding(9, "MA+30"),
        {general: D("100")},
    )
    return [coach, tosa, leader]


def test_the_cliff_is_the_grant_funded_shares_of_the_year_after_the_grant_ends():
    grant = Source(1, "RTT-D grant", True, ends=dt.date(2028, 6, 30))
    general = Source(2, "General fund", False)
    plans = _plans(1, 2)
    result = calc.project(
        plans=plans,
        schedule=schedule(),
        sources=[grant, general],
        first_year="2026-27",
        years=4,
        cola_percent=D("2"),
    )
    labels = [y.school_year for y in result.years]
    assert labels == ["2026-27", "2027-28", "2028-29", "2029-30"]
    assert result.years[0].unfunded == result.years[1].unfunded == 0
    after = result.years[2]
    expected = sum(calc.money(after.by_position[p.key] * p.splits.get(1, 0) / 100) for p in plans)
    assert result.cliffs == [("RTT-D grant", "2028-29", expected)]
    assert after.unfunded == expected and expected > 0
    # step progression and the cost of living make each year dearer than the last
    totals = [y.total for y in result.years]
    assert totals == sorted(totals)


def test_the_ten_and_a_half_month_scenario_lowers_cost_by_the_computed_amount():
    grant, general = Source(1, "Grant", True, dt.date(2030, 6, 30)), Source(2, "General", False)
    s = schedule()
    plans = _plans(1, 2)
    base = calc.project(
        plans=plans,
        schedule=s,
        sources=[grant, general],
        first_year="2026-27",
        years=2,
        step_progression=False,
    )
    changed = calc.apply_changes(
        plans, [Change("contract_months", role_type="coach", months=D("10.5"))], s.contract_months
    )
    scenario = calc.project(
        plans=changed,
        schedule=s,
        sources=[grant, general],
        first_year="2026-27",
        years=2,
        step_progression=False,
    )
    saving = calc.money(s.salary(6, "MA") * D("0.5") / 10)
    for before, after in zip(base.years, scenario.years, strict=True):
        assert before.total - after.total == saving


def test_other_changes_move_funds_end_stipends_and_make_roles_lateral():
    grant, general = Source(1, "Grant", True, dt.date(2027, 6, 30)), Source(2, "General", False)
    plans = _plans(1, 2)
    moved = calc.apply_changes(plans, [Change("to_fund", source=2)], D("10"))
    result = calc.project(
        plans=moved, schedule=schedule(), sources=[grant, general], first_year="2026-27", years=2
    )
    assert all(y.unfunded == 0 for y in result.years) and 1 not in result.years[0].by_source
    ended = calc.apply_changes(plans, [Change("end_stipend", role_type="leader")], D("10"))
    assert ended[2].terms.stipend == 0 and ended[0] == plans[0]
    lateral = calc.apply_changes(plans, [Change("lateral", role_type="coach")], D("10"))
    assert lateral[0].terms.lateral
    with pytest.raises(ValueError):
        calc.apply_changes(plans, [Change("raise_everything")], D("10"))


def test_a_projection_over_zero_years_is_refused():
    with pytest.raises(ValueError):
        calc.project(plans=[], schedule=schedule(), sources=[], first_year="2026-27", years=0)


def test_stipends_outside_the_studys_range_are_flagged():
    assert calc.stipend_flags(Terms(stipend=D("5000"))) == []
    assert len(calc.stipend_flags(Terms(stipend=D("500"), summer_stipend=D("20000")))) == 2
