"""Builders shared by the pay tests, through the services themselves."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from trellis.core.models import District, User
from trellis.org.models import School
from trellis.roles import services as roles
from trellis.roles.models import Position, PositionStatus, RoleLevel, RoleType

GRID = "step,BA,MA\n1,42000,46000\n2,43100,47150\n3,44200,48300\n"


def upload(text: str, name: str = "schedule.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def coach_positions(
    district: District, school: School, actor: User, count: int, prefix: str = "P"
) -> list[Position]:
    """``count`` open, full-time coach positions at ``school`` from one published description."""
    roles.role_types_seed(district=district, actor=actor)
    coach = RoleType.objects.get(district=district, standard_key="instructional_strategies_coach")
    job = roles.job_description_create(
        district=district,
        role_type=coach,
        title="Coach",
        actor=actor,
        data={"responsibilities": "Coach", "level": RoleLevel.DISTRICT},
    )
    version = roles.version_publish(version=job.versions.get(), actor=actor)
    return [
        roles.position_create(
            district=district,
            actor=actor,
            status=PositionStatus.OPEN,
            data={
                "version": version,
                "school": school,
                "fte": Decimal("1.00"),
                "requisition_number": f"{prefix}{i}",
                "school_year": "2026-27",
            },
        )
        for i in range(count)
    ]
