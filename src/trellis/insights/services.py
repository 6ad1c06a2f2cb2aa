from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from trellis.insights.models import Grantee

DATA_FILE = Path(__file__).with_name("data") / "grantees.json"


@transaction.atomic
def grantees_load() -> int:
    """Create or refresh the reference grantees from the shipped file; returns how many."""
    rows: list[dict[str, Any]] = json.loads(DATA_FILE.read_text())["grantees"]
    for row in rows:
        defaults = {
            "short_name": row["short_name"],
            "state": row["state"],
            "cohort_year": row["cohort_year"],
            "award_usd": row["award_usd"],
            "students_served": row["students_served"],
            "locale": row["locales"][0],
            "approaches": row["approaches"],
            "is_consortium": row["is_consortium"],
            "member_districts": row.get("member_districts"),
            "notes": row.get("notes") or "",
        }
        current = Grantee.objects.filter(name=row["name"]).values(*defaults).first()
        if current != defaults:
            Grantee.objects.update_or_create(name=row["name"], defaults=defaults)
    return len(rows)
