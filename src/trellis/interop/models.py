"""Imports of rosters and spreadsheets, each kept as a record of what it did."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from trellis.core.models import District, User


class ImportKind(models.TextChoices):
    ONEROSTER = "oneroster", "OneRoster roster (zip)"
    STAFF = "staff", "Staff spreadsheet"
    POSITIONS = "positions", "Positions spreadsheet"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Not imported"
    INTERRUPTED = "interrupted", "Interrupted; nothing was written"


class ImportRun(models.Model):
    """One import of one file into one district. The data it writes and its own outcome are
    committed together, so a record that says "Imported" always matches the database."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(max_length=255, help_text="The name the file was uploaded as.")
    file_size = models.PositiveBigIntegerField(default=0)
    mode = models.CharField(
        max_length=10, blank=True, help_text="bulk or delta, from the OneRoster manifest."
    )
    counts: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    errors: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    other_orgs: models.JSONField[list[str]] = models.JSONField(
        default=list, blank=True,
        help_text="The roster's non-school orgs (district, departments), which a later delta "
        "may name without repeating them.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "-created_at"], name="import_run_list_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportStatus.SUCCEEDED,
            ImportStatus.FAILED,
            ImportStatus.INTERRUPTED,
        }
