from __future__ import annotations

from django.db.models import QuerySet

from trellis.insights.models import Grantee


def grantee_list(
    *, approach: str = "", cohort_year: int | None = None, q: str = ""
) -> QuerySet[Grantee]:
    qs = Grantee.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    if cohort_year:
        qs = qs.filter(cohort_year=cohort_year)
    if approach:
        # JSON containment is not on SQLite, so match the quoted code inside the list's text.
        qs = qs.filter(approaches__icontains=f'"{approach}"')
    return qs
