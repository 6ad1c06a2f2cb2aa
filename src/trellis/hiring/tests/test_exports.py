"""Every hiring table exports as CSV or Excel; candidate exports are HR's alone and audited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.hiring.tests.helpers import hiring_setup

pytestmark = pytest.mark.django_db


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_candidates_export_holds_this_postings_candidates_and_is_audited(alice, hana):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=2)
    url = reverse("hiring:candidate-export", args=[hiring.posting.pk, "csv"])
    body = _csv(hana.client().get(url))
    assert body.count("\n") == 3  # header and two candidates
    for application in hiring.applications:
        assert application.candidate.email in body
    assert AuditEvent.objects.filter(action="hiring.candidates_exported").count() == 1


def test_a_panelist_teacher_and_another_district_cannot_export_candidates(alice, bob, charlie):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    url = reverse("hiring:candidate-export", args=[hiring.posting.pk, "csv"])
    panelist = hiring.seats[0].staff.user
    client = Client()
    client.force_login(panelist)
    assert client.get(url).status_code == 403
    assert bob.client().get(url).status_code == 403
    assert charlie.client().get(url).status_code == 404


def test_postings_and_report_tables_export_as_excel_with_formulas_neutralised(alice):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    hiring.posting.title = "=HYPERLINK(1)"
    hiring.posting.save()
    client = alice.client()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("hiring:posting-export", args=["xlsx"])).content)
    )
    titles = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=HYPERLINK(1)"]
    for table in ("by-posting", "by-source", "scores", "internal-external"):
        response = client.get(reverse("hiring:report-export", args=[table, "csv"]))
        assert response.status_code == 200, table
    assert client.get(reverse("hiring:report-export", args=["nope", "csv"])).status_code == 404
