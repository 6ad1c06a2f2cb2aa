"""Demo pay: a 2026-27 schedule for each district (steps 1–15 × five lanes), placements for
the people in personalized-learning roles, the study's pay patterns on their positions
(stipends, 11- and 12-month contracts, lateral TOSAs), an RTT-D grant ending in June 2028 beside
the general fund, and two scenarios."""

from __future__ import annotations

from decimal import Decimal

from trellis.core.models import District, User
from trellis.org.models import Staff
from trellis.pay import services
from trellis.pay.models import SalarySchedule
from trellis.roles.models import Assignment, Position, RoleType

D = Decimal
YEAR = "2026-27"
LANES = ("BA", "BA+15", "MA", "MA+30", "Doctorate")
BASES = {"maple-valley": 44_200, "cedar-ridge": 42_750, "harbor-point": 46_900}
# Role type → (extension months, stipend, summer stipend, lateral, priority, grant share %)
TERMS = {
    "instructional_strategies_coach": (D("1"), D("0"), D("0"), False, 5, D("100")),
    "technology_coach": (D("0"), D("0"), D("0"), True, 4, D("100")),
    "teacher_leader": (D("0"), D("2500"), D("800"), False, 3, D("50")),
    "district_coordinator": (D("2"), D("0"), D("0"), False, 4, D("50")),
    "career_pathway_leader": (D("0"), D("6000"), D("0"), False, 2, D("50")),
    "academic_counselor": (D("0.5"), D("0"), D("0"), False, 3, D("50")),
    "": (D("1"), D("3000"), D("1200"), False, 4, D("100")),  # the district's own types
}


def _cells(base: int) -> dict[tuple[int, str], Decimal]:
    return {
        (step, lane): D(base + (step - 1) * 1_150 + index * 2_600 + (step - 1) * index * 90)
        for step in range(1, 16)
        for index, lane in enumerate(LANES)
    }


def pay_load(district: District, actor: User | None) -> int:
    """Load the district's demo pay once; returns the number of positions given terms."""
    if SalarySchedule.objects.filter(district=district).exists():
        return 0
    services.schedule_save(
        district=district,
        school_year=YEAR,
        lanes=LANES,
        cells=_cells(BASES[district.slug]),
        actor=actor,
    )
    grant = services.source_create(
        district=district,
        actor=actor,
        data={
            "name": "RTT-D grant",
            "kind": "grant",
            "amount": D("2400000"),
            "starts_on": "2024-07-01",
            "ends_on": "2028-06-30",
            "allowed_uses": "Personalized-learning roles, training and digital content.",
        },
    )
    general = services.source_create(
        district=district, actor=actor, data={"name": "General fund", "kind": "general"}
    )
    count = 0
    for n, assignment in enumerate(
        Assignment.objects.filter(district=district, end_date__isnull=True)
        .select_related("staff")
        .order_by("id")
    ):
        services.placement_set(
            staff=assignment.staff,
            school_year=YEAR,
            step=3 + n % 10,
            lane=LANES[(n * 2) % len(LANES)],
            actor=actor,
        )
    # Everyone with an account gets a placement too, so "My pay" shows each persona their own.
    placed = set(
        Assignment.objects.filter(district=district, end_date__isnull=True).values_list(
            "staff_id", flat=True
        )
    )
    for n, staff in enumerate(
        Staff.objects.filter(district=district, user__isnull=False)
        .exclude(pk__in=placed)
        .order_by("staff_unique_id")
    ):
        services.placement_set(staff=staff, school_year=YEAR, step=6 + n, lane="MA", actor=actor)
    for position in Position.objects.filter(district=district).select_related(
        "version__job_description__role_type"
    ):
        role: RoleType = position.version.job_description.role_type
        extension, stipend, summer, lateral, priority, share = TERMS.get(
            role.standard_key, TERMS[""]
        )
        services.terms_save(
            position=position,
            actor=actor,
            data={
                "extension_months": extension,
                "stipend": stipend,
                "summer_stipend": summer,
                "lateral": lateral,
                "priority": priority,
                "budget_step": 5,
                "budget_lane": "MA",
            },
        )
        splits = {grant: share, general: D("100") - share} if share < 100 else {grant: share}
        services.splits_save(position=position, school_year=YEAR, splits=splits, actor=actor)
        count += 1
    coach = RoleType.objects.filter(
        district=district, standard_key="instructional_strategies_coach"
    ).first()
    tosa = RoleType.objects.filter(district=district, standard_key="technology_coach").first()
    services.scenario_create(
        district=district,
        actor=actor,
        name="Scale 11-month coaches back to 10.5",
        description="One site planned this as its grant wound down.",
        changes=[{"kind": "contract_months", "role_type": coach, "months": D("10.5")}],
    )
    services.scenario_create(
        district=district,
        actor=actor,
        name="Move TOSAs to the general fund",
        changes=[{"kind": "to_fund", "role_type": tosa, "source": general}],
    )
    return count
