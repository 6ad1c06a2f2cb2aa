"""Pathways pages through the test client: ladders defined and edited on one page (bad input
refused at its row, nothing written), a person's readiness and timeline, HR's standing,
succession, the reports and their exports, who may open what, and another district's records
answering 404."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from openpyxl import load_workbook

from trellis.core.models import AuditEvent
from trellis.pathways.forms.ladders import StandingForm
from trellis.pathways.forms.reports import YearForm
from trellis.pathways.models import Ladder, Standing, Step
from trellis.pathways.tests.conftest import good_rows, step_rows
from trellis.pathways.tests.history_builders import hold
from trellis.pay.models import PayTerms
from trellis.pay.selectors import typical_pay
from trellis.roles.models import PositionStatus

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def errors_of(response, row: int, field: str) -> list[str]:
    """The messages shown at one step row's field."""
    return list(response.context["rows"].forms[row].errors.get(field, []))


def download(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- Ladders --------------------------------------------------------------------------------


def test_the_home_page_lists_the_ladders_with_their_steps_in_order(alice, ladder):
    response = alice.client().get(reverse("pathways:home"))
    assert response.status_code == 200
    assert "Classroom teacher → Instructional coach → Principal" in body(response)
    assert reverse("pathways:ladder-create") in body(response)
    assert reverse("pathways:turnover") in body(response)  # a report link for an admin


def test_a_teacher_sees_the_ladders_and_her_career_link_but_no_manager_or_report_links(
    bob, ladder, people
):
    response = bob.client().get(reverse("pathways:home"))
    assert response.status_code == 200
    assert "Teacher to principal" in body(response)
    assert reverse("pathways:person", args=[people["bob"].pk]) in body(response)
    assert reverse("pathways:ladder-create") not in body(response)
    assert reverse("pathways:turnover") not in body(response)


def test_an_empty_district_says_so_and_offers_to_start_a_ladder(alice):
    response = alice.client().get(reverse("pathways:home"))
    assert "No ladders yet." in body(response)
    assert "Start a ladder" in body(response)


def test_defining_a_ladder_on_one_page_saves_it_and_its_steps(alice, catalog):
    # given the empty editor
    client = alice.client()
    assert client.get(reverse("pathways:ladder-create")).status_code == 200
    # when alice fills three rows and leaves the other nine empty
    response = client.post(
        reverse("pathways:ladder-create"),
        step_rows(*good_rows(catalog), description="For teachers who want to lead"),
    )
    # then the ladder and its three steps are saved, bottom first
    ladder = Ladder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:ladder", args=[ladder.pk])
    steps = list(ladder.steps.order_by("order"))
    assert [s.name for s in steps] == ["Classroom teacher", "Instructional coach", "Principal"]
    assert steps[1].min_hours == Decimal(30)
    assert list(steps[2].certifications.all()) == [catalog["blended"]]


def test_the_ladder_page_shows_each_step_in_plain_words_with_its_people(alice, ladder):
    response = alice.client().get(reverse("pathways:ladder", args=[ladder.pk]))
    page = body(response)
    assert response.status_code == 200
    assert "2 years on the step below" in page
    assert "30 hours of professional learning over 2 school years" in page
    assert "Certified in Blended learning" in page
    rows = {r.step.name: r for r in response.context["rows"]}
    # Tess, Cody, Pia and Bob are teachers; Cody coaches; Pia is a principal
    assert [rows[n].people for n in ("Classroom teacher", "Instructional coach", "Principal")] == [
        4, 1, 1]  # fmt: skip
    assert reverse("pathways:succession", args=[ladder.pk, 2]) in page


def test_the_pay_change_of_a_step_comes_from_its_positions_pay_terms(alice, ladder, people):
    # given the coach position pays a $3,000 stipend and one more month
    position = people["coaching"].position
    PayTerms.objects.create(district=position.district, position=position, stipend=3000,
                            extension_months=Decimal(1))  # fmt: skip
    response = alice.client().get(reverse("pathways:ladder", args=[ladder.pk]))
    rows = {r.step.name: r.pay_words for r in response.context["rows"]}
    assert rows["Instructional coach"] == (
        "$3,000 stipend a year; 1 more month on the contract (its position)"
    )
    assert rows["Classroom teacher"] == ""  # nothing from pay: nothing shown


def test_typical_pay_is_the_median_of_live_positions_and_skips_groups_without_terms(
    district_a, catalog, people
):
    coach = catalog["coach"]
    for n, stipend in enumerate((1000, 2000, 9000)):
        held = hold(coach, people["tess"], timezone.localdate(), office=bool(n))
        PayTerms.objects.create(district=district_a, position=held.position, stipend=stipend)
    closed = hold(coach, people["pia"], timezone.localdate()).position
    closed.status = PositionStatus.CLOSED
    closed.save()
    PayTerms.objects.create(district=district_a, position=closed, stipend=50_000)
    pay = typical_pay(district=district_a, groups={1: [coach.pk], 2: [catalog["principal"].pk]})
    assert set(pay) == {1}
    assert (pay[1].positions, pay[1].stipend, pay[1].lateral) == (3, Decimal(2000), False)


def test_editing_starts_from_the_ladder_and_saves_a_changed_step(alice, ladder, catalog):
    client = alice.client()
    page = client.get(reverse("pathways:ladder-edit", args=[ladder.pk]))
    assert page.context["rows"].forms[1].initial["min_hours"] == Decimal(30)
    rows = good_rows(catalog)
    rows[1]["min_hours"] = "45"
    response = client.post(reverse("pathways:ladder-edit", args=[ladder.pk]),
                           step_rows(*rows, name="Teacher to principal, revised"))  # fmt: skip
    assert response.status_code == 302
    ladder.refresh_from_db()
    assert ladder.name == "Teacher to principal, revised"
    assert ladder.steps.get(order=2).min_hours == Decimal(45)


@pytest.mark.parametrize(
    ("change", "row", "field", "words"),
    [
        # the coach role on two rungs: a cycle
        (lambda rows, c: rows[2].update(role_types=[str(c["coach"].pk)]), 2, "role_types",
         "cannot lead back"),
        (lambda rows, c: rows[1].update(min_years="-1"), 1, "min_years", "between 0 and 40"),
        (lambda rows, c: rows[1].update(min_hours="-5"), 1, "min_hours", "between 0 and 2,000"),
        # the principal step drops the certification the coach step asks for
        (lambda rows, c: rows[2].update(certifications=[]), 2, "certifications",
         "would skip Blended learning"),
        (lambda rows, c: rows[1].update(role_types=["999999"]), 1, "role_types",
         "Select a valid choice"),
    ],
)  # fmt: skip
def test_bad_steps_are_refused_at_their_row_and_nothing_is_written(
    alice, ladder, catalog, change, row, field, words
):
    # given the ladder as it is
    before = list(Step.objects.order_by("order").values_list("name", "min_years", "min_hours"))
    rows = good_rows(catalog)
    change(rows, catalog)
    # when alice saves a bad version, with a new name too
    response = alice.client().post(
        reverse("pathways:ladder-edit", args=[ladder.pk]), step_rows(*rows, name="Renamed")
    )
    # then the message is at the row and field, and nothing changed
    assert response.status_code == 400
    assert any(words in m for m in errors_of(response, row, field)), errors_of(response, row, field)
    assert "Nothing was saved." in body(response)
    assert list(Step.objects.order_by("order").values_list("name", "min_years", "min_hours")) == (
        before)  # fmt: skip
    ladder.refresh_from_db()
    assert ladder.name == "Teacher to principal"


def test_a_refused_new_ladder_leaves_no_ladder_behind(alice, catalog):
    rows = good_rows(catalog)
    rows[2]["role_types"] = [str(catalog["coach"].pk)]
    response = alice.client().post(reverse("pathways:ladder-create"), step_rows(*rows))
    assert response.status_code == 400
    assert not Ladder.objects.exists() and not Step.objects.exists()


def test_a_ladder_of_one_step_is_refused_above_the_rows(alice, catalog):
    response = alice.client().post(reverse("pathways:ladder-create"),
                                   step_rows(good_rows(catalog)[0]))  # fmt: skip
    assert response.status_code == 400
    assert "A ladder needs at least two steps" in body(response)
    assert not Ladder.objects.exists()


def test_empty_rows_between_steps_are_left_out_and_errors_find_their_row(alice, catalog):
    # given a gap between the first two rows and a negative year on the last
    first, coach, principal = good_rows(catalog)
    principal["min_years"] = "-2"
    response = alice.client().post(reverse("pathways:ladder-create"),
                                   step_rows(first, {}, coach, {}, principal))  # fmt: skip
    # then the error is at the fifth row, where the principal step was typed
    assert response.status_code == 400
    assert errors_of(response, 4, "min_years")
    assert not Ladder.objects.exists()


def test_a_duplicate_ladder_name_is_refused_at_the_name(alice, ladder, catalog):
    response = alice.client().post(reverse("pathways:ladder-create"), step_rows(*good_rows(
        catalog), name="teacher to PRINCIPAL"))  # fmt: skip
    assert response.status_code == 400
    assert "already has a ladder with that name" in str(response.context["form"].errors["name"])
    assert Ladder.objects.count() == 1


def test_deleting_a_ladder_takes_its_steps_and_is_audited(alice, ladder):
    client = alice.client()
    assert client.get(reverse("pathways:ladder-delete", args=[ladder.pk])).status_code == 405
    response = client.post(reverse("pathways:ladder-delete", args=[ladder.pk]))
    assert response.status_code == 302
    assert not Ladder.objects.exists() and not Step.objects.exists()
    assert AuditEvent.objects.filter(action="pathways.ladder_deleted").exists()


def test_the_ladder_exports_its_steps_as_csv_and_excel(alice, ladder):
    client = alice.client()
    rows = download(client.get(reverse("pathways:ladder-export", args=[ladder.pk, "csv"])))
    assert rows[0][:3] == ["Step", "Name", "Who is on it"]
    assert rows[2][1:3] == ["Instructional coach", "Instructional coach"]
    response = client.get(reverse("pathways:ladder-export", args=[ladder.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=4, column=2).value == "Principal"
    ladders = download(client.get(reverse("pathways:home-export", args=["csv"])))
    assert ladders[1] == ["Teacher to principal", "From the classroom to the principal's office.",
                          "Classroom teacher → Instructional coach → Principal"]  # fmt: skip


# --- Succession -----------------------------------------------------------------------------


def test_succession_lists_who_is_ready_with_what_they_still_need(alice, ladder, people, catalog):
    # given Tess and Bob are teachers; Tess has the certification, and 30 hours this year
    from trellis.learning.models import Candidacy
    from trellis.pathways.tests.history_builders import attended

    Candidacy.objects.create(district=people["tess"].district, program=catalog["blended"],
                             staff=people["tess"], started_on=timezone.localdate(),
                             certified_on=timezone.localdate())  # fmt: skip
    attended(people["tess"], 30, timezone.localdate())
    response = alice.client().get(reverse("pathways:succession", args=[ladder.pk, 2]))
    assert response.status_code == 200
    ready = [(when, person.first_name) for when, person, _ in response.context["page"]]
    assert ready == [("Ready now", "Tess")]
    # Bob, a year in with no hours and no certification, is counted later; Pia and Cody are
    # already higher up
    assert response.context["result"].later == 1
    assert AuditEvent.objects.filter(action="pathways.succession_viewed").exists()
    rows = download(alice.client().get(
        reverse("pathways:succession-export", args=[ladder.pk, 2, "csv"])))  # fmt: skip
    assert rows[1][0] == "Ready now" and rows[1][2] == "Tess Teague"


def test_a_step_the_ladder_does_not_have_is_not_found(alice, ladder):
    assert alice.client().get(reverse("pathways:succession", args=[ladder.pk, 9])).status_code == (
        404)  # fmt: skip


# --- A person's career ----------------------------------------------------------------------


def test_a_teachers_page_shows_the_next_step_and_the_missing_certification(alice, ladder, people):
    response = alice.client().get(reverse("pathways:person", args=[people["tess"].pk]))
    assert response.status_code == 200
    (result,) = response.context["readiness"]
    assert (result.current.name, result.next.name) == ("Classroom teacher", "Instructional coach")
    checks = {c.label: (c.state, c.detail) for c in result.checks}
    assert checks["Blended learning"] == ("missing", "Not started")
    assert "Not started" in body(response) and "Missing" in body(response)
    assert AuditEvent.objects.filter(action="pathways.readiness_viewed").exists()


def test_the_timeline_shows_each_role_and_the_moves_between_them(hana, ladder, people):
    response = hana.client().get(reverse("pathways:person", args=[people["pia"].pk]))
    timeline = response.context["timeline"]
    assert [(e.what, e.role) for e in timeline] == [
        ("Hired", "Teacher"),
        ("Assignment", "Instructional coach"),
        ("Promotion", "Instructional coach → Principal"),
        ("Assignment", "Principal"),
    ]
    assert timeline[1].reason == "Promoted" and timeline[1].school == "Aspen Elementary"


def test_hr_records_standing_and_it_shows_by_year(hana, ladder, people):
    client = hana.client()
    tess = people["tess"]
    year = StandingForm().fields["school_year"].initial
    response = client.post(reverse("pathways:standing", args=[tess.pk]),
                           {"school_year": year, "good": "yes"})  # fmt: skip
    assert response.status_code == 302
    assert Standing.objects.get(staff=tess).good is True
    page = client.get(reverse("pathways:person", args=[tess.pk]))
    assert [s.school_year for s in page.context["standings"]] == [year]
    export = reverse("pathways:person-export", args=[tess.pk, "standing", "csv"])
    assert download(client.get(export))[1][:2] == [year, "yes"]
    # a year not offered is refused at the field, nothing recorded
    bad = client.post(reverse("pathways:standing", args=[tess.pk]),
                      {"school_year": "1999-00", "good": "no"})  # fmt: skip
    assert bad.status_code == 400 and bad.context["form"].errors["school_year"]
    assert Standing.objects.get(staff=tess).good is True


def test_bob_sees_his_own_career_without_the_standing_form(bob, ladder, people):
    response = bob.client().get(reverse("pathways:person", args=[people["bob"].pk]))
    assert response.status_code == 200
    assert response.context["form"] is None and "Your career" in body(response)
    assert not AuditEvent.objects.filter(action="pathways.readiness_viewed").exists()


def test_bob_gets_404_for_anyone_elses_career(bob, ladder, people):
    client = bob.client()
    for person in ("tess", "cody", "pia"):
        assert client.get(reverse("pathways:person", args=[people[person].pk])).status_code == 404


def test_the_persons_tables_export_for_hr(hana, ladder, people):
    client = hana.client()
    tess = people["tess"].pk
    readiness = download(client.get(reverse("pathways:person-export",
                                            args=[tess, "readiness", "csv"])))  # fmt: skip
    assert readiness[1][:2] == ["Teacher to principal", "Classroom teacher"]
    assert any(r[4] == "Blended learning" and r[5] == "Missing" for r in readiness)
    timeline = download(
        client.get(reverse("pathways:person-export", args=[people["pia"].pk, "timeline", "csv"]))
    )
    assert [r[2] for r in timeline[1:]] == ["Hired", "Assignment", "Promotion", "Assignment"]
    assert (
        client.get(reverse("pathways:person-export", args=[tess, "salary", "csv"])).status_code
        == 404
    )


# --- Reports --------------------------------------------------------------------------------


def test_the_moves_report_lists_the_promotion_and_filters_by_kind(alice, ladder, people):
    client = alice.client()
    response = client.get(reverse("pathways:moves"))
    (move, person, school) = response.context["rows"][0]
    assert (move.kind_label, person.first_name, school) == ("Promotion", "Pia", "Aspen Elementary")
    assert client.get(reverse("pathways:moves"), {"kind": "exit"}).context["rows"] == []
    rows = download(
        client.get(reverse("pathways:moves-export", args=["csv"]), {"kind": "promotion"})
    )
    assert rows[1][2:4] == ["Pia Park", "Promotion"]


def test_turnover_counts_the_year_by_role_school_and_reason(alice, ladder, people):
    from trellis.core.schoolyear import school_year_of

    year = school_year_of(timezone.localdate() - dt.timedelta(days=400))
    response = alice.client().get(reverse("pathways:turnover"), {"school_year": year})
    result = response.context["result"]
    coach = next(r for r in result.by_role if r.label == "Instructional coach")
    assert (coach.held, coach.left) == (2, 1)
    assert response.context["reasons"] == [("Promoted", 1)]
    rows = download(
        alice.client().get(
            reverse("pathways:turnover-export", args=["by-reason", "csv"]), {"school_year": year}
        )
    )
    assert rows == [["Reason", "Left"], ["Promoted", "1"]]
    assert (
        alice.client().get(reverse("pathways:turnover-export", args=["x", "csv"])).status_code
        == 404
    )


def test_a_school_year_not_offered_shows_an_error_and_this_year(alice, ladder):
    response = alice.client().get(reverse("pathways:turnover"), {"school_year": "1999-00"})
    assert response.status_code == 200
    assert response.context["form"].errors["school_year"]
    assert response.context["result"].school_year == YearForm().year()


def test_retention_reads_as_so_many_of_so_many(alice, ladder, people):
    response = alice.client().get(reverse("pathways:retention"))
    assert "2 of 2 (100%)" in body(response)
    assert "0 of 1 (0%)" in body(response)  # Pia, promoted before her third year
    rows = download(alice.client().get(reverse("pathways:retention-export", args=["csv"])))
    assert rows[1][:4] == ["Instructional coach", "2", "2", "100"]


def test_the_pipeline_counts_new_leaders_from_personalized_learning_roles(alice, ladder, people):
    response = alice.client().get(reverse("pathways:pipeline"))
    (row,) = response.context["page"]
    assert (row.leaders, row.from_pl) == (1, 1)
    rows = download(alice.client().get(reverse("pathways:pipeline-export", args=["csv"])))
    assert rows[1][1:] == ["1", "1", "100"]


def test_flows_show_the_same_numbers_in_the_chart_and_the_table(alice, ladder, people):
    response = alice.client().get(reverse("pathways:flows"))
    assert ("School-level role", "School or district leader", 1) in response.context["pairs"]
    matrix = dict(response.context["matrix"])
    targets = response.context["targets"]
    assert matrix["School-level role"][targets.index("School or district leader")] == 1
    rows = download(alice.client().get(reverse("pathways:flows-export", args=["csv"])))
    assert ["School-level role", "School or district leader", "1"] in rows


def test_a_backwards_range_of_years_is_refused_at_the_last_year(alice, ladder):
    from trellis.pathways.forms.reports import this_year, year_ago

    response = alice.client().get(
        reverse("pathways:flows"), {"first_year": this_year(), "last_year": year_ago(3)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["last_year"]
    assert (response.context["first"], response.context["last"]) == (year_ago(2), this_year())


# --- Who may open what ----------------------------------------------------------------------


def _named_records() -> set[str]:
    """Every pathways URL that names a record by id, from the URLconf (loaded first, so its
    converters are registered)."""
    reverse("pathways:home")
    from trellis.pathways import urls

    return {p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and "<int:pk>" in str(
        p.pattern)}  # fmt: skip


def urls_of(ladder, person) -> dict[str, str]:
    """Every pathways URL that names a record, with that record's ids."""
    args = {
        "ladder": [ladder.pk], "ladder-edit": [ladder.pk], "ladder-delete": [ladder.pk],
        "ladder-export": [ladder.pk, "csv"], "succession": [ladder.pk, 2],
        "succession-export": [ladder.pk, 2, "xlsx"], "person": [person.pk],
        "standing": [person.pk], "person-export": [person.pk, "readiness", "csv"],
    }  # fmt: skip
    assert _named_records() == set(args)  # a new page about a record must be added here
    return {name: reverse(f"pathways:{name}", args=args[name]) for name in args}


POSTS = {"ladder-delete", "standing", "ladder-edit"}


def test_charlie_gets_404_for_every_page_export_and_write_of_district_a(charlie, ladder, people):
    client = charlie.client()
    for name, url in urls_of(ladder, people["tess"]).items():
        assert client.get(url).status_code in ((405,) if name in ("ladder-delete", "standing")
                                               else (404,)), name  # fmt: skip
        if name in POSTS:
            assert client.post(url, {"school_year": "2025-26", "good": "no"}).status_code == 404, (
                name
            )
    assert Ladder.objects.filter(pk=ladder.pk).exists() and not Standing.objects.exists()


def test_alice_gets_404_for_every_page_export_and_write_of_district_b(alice, other_ladder):
    client = alice.client()
    for name, url in urls_of(other_ladder, other_ladder.person).items():
        if name not in ("ladder-delete", "standing"):
            assert client.get(url).status_code == 404, name
        if name in POSTS:
            assert client.post(url, {}).status_code == 404, name
    assert Ladder.objects.filter(pk=other_ladder.pk).exists()


def test_reports_never_show_another_districts_history(charlie, ladder, people):
    response = charlie.client().get(reverse("pathways:moves"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert charlie.client().get(reverse("pathways:retention")).context["page"].paginator.count == 0


MANAGER_WRITES = ("ladder-edit", "ladder-delete", "standing", "succession", "succession-export")
REPORT_PAGES = ("moves", "turnover", "retention", "pipeline", "flows")


def test_bob_gets_403_on_every_manager_write_and_on_the_reports(bob, ladder, people):
    client = bob.client()
    urls = urls_of(ladder, people["tess"])
    assert client.get(reverse("pathways:ladder-create")).status_code == 403
    assert client.post(reverse("pathways:ladder-create"), {}).status_code == 403
    for name in MANAGER_WRITES:
        assert client.post(urls[name], {}).status_code in (403, 405), name
        if name not in ("ladder-delete", "standing"):
            assert client.get(urls[name]).status_code == 403, name
    for name in REPORT_PAGES:
        assert client.get(reverse(f"pathways:{name}")).status_code == 403, name
        export = f"{name}-export"
        args = ["by-role", "csv"] if name == "turnover" else ["csv"]
        assert client.get(reverse(f"pathways:{export}", args=args)).status_code == 403, export
    assert Ladder.objects.filter(pk=ladder.pk).exists() and not Standing.objects.exists()


def test_a_principal_reads_the_reports_but_not_anyones_career(ladder, people, district_a):
    from trellis.conftest import _persona

    principal = _persona("priya", district_a, "principal")
    client = principal.client()
    assert client.get(reverse("pathways:flows")).status_code == 200
    assert client.get(reverse("pathways:person", args=[people["tess"].pk])).status_code == 404
    assert client.get(reverse("pathways:ladder-edit", args=[ladder.pk])).status_code == 403
    # named people and why they left are for those who manage careers
    assert client.get(reverse("pathways:moves")).status_code == 403
    assert client.get(reverse("pathways:moves-export", args=["csv"])).status_code == 403
    assert client.get("/api/v1/pathways/moves").status_code == 403


def test_pay_on_a_ladder_is_shown_only_to_those_who_may_see_pay(bob, ladder, people):
    position = people["coaching"].position
    PayTerms.objects.create(district=position.district, position=position, stipend=3000)
    response = bob.client().get(reverse("pathways:ladder", args=[ladder.pk]))
    assert all(r.pay_words == "" for r in response.context["rows"])
    assert "$3,000" not in response.content.decode()


def test_bobs_own_export_needs_the_export_permission(bob, ladder, people):
    url = reverse("pathways:person-export", args=[people["bob"].pk, "readiness", "csv"])
    assert bob.client().get(url).status_code == 403


def test_a_row_with_only_a_certification_is_a_step_that_says_what_it_lacks(alice, catalog):
    rows = [*good_rows(catalog), {"certifications": [str(catalog["blended"].pk)]}]
    response = alice.client().post(reverse("pathways:ladder-create"), step_rows(*rows))
    assert response.status_code == 400
    assert errors_of(response, 3, "name") and errors_of(response, 3, "role_types")
    assert not Ladder.objects.exists()
