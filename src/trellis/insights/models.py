"""Reference data: the 21 Race to the Top–District grantees the study examined.

Shared by every tenant and read-only in the application; loaded from ``data/grantees.json``.
"""

from __future__ import annotations

from django.db import models

from trellis.core.models import Approach, Locale


class Grantee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)
    state = models.CharField(max_length=2)
    cohort_year = models.PositiveSmallIntegerField(help_text="Year of the grant competition.")
    award_usd = models.PositiveBigIntegerField(verbose_name="award (USD)")
    students_served = models.PositiveIntegerField()
    locale = models.CharField(max_length=10, choices=Locale.choices)
    approaches = models.JSONField(default=list, help_text="Approach codes.")
    is_consortium = models.BooleanField(default=False)
    member_districts = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def approach_labels(self) -> list[str]:
        labels = dict(Approach.choices)
        return [labels.get(code, code) for code in self.approaches]

    @property
    def approach_marks(self) -> list[bool]:
        """Whether it uses each of the six approaches, in the study's Table 1 order."""
        return [code in self.approaches for code in Approach.values]
