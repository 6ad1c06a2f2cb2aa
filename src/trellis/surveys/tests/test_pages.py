"""Survey pages through the test client: building a survey from the template, its questions
(reworded only while unanswered, retired), a round from the form (bad thresholds refused at the
field), opening, reminding and closing behind a page that says what will happen, answering
(from the home list and from the email's link, with every refusal a plain page), results with
small groups hidden and their exports; who may open what, and district A's records answering
404 to charlie. Last, for generated answers, the page, the API and the CSV export show exactly
the cells ``results()`` shows, and no number for a hidden one."""

from __future__ import annotations

import csv
import io
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from trellis.core.models import Role
from trellis.factories import SchoolFactory
from trellis.surveys.models import Administration, Instrument, Item, Response, Section, Status
from trellis.surveys.selectors.results import results
from trellis.surveys.tests.builders import closed_round, instrument, respond
from trellis.surveys.tests.test_services import full_answers, link, open_round, person

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def download(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


class Tables(HTMLParser):
    """Every table with an id, as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(body(response))
    return parser.tables


@pytest.fixture
def survey(alice, district_a):
    return instrument(district_a, alice.user)


@pytest.fixture
def principal(district_a, school_a):
    from trellis.conftest import Persona

    return Persona(person(district_a, Role.PRINCIPAL, school_a, username="priya"), district_a)


@pytest.fixture
def reported(survey, school_a, district_a):
    """A closed round: 12 answers at Aspen, 2 at Birch (hidden, and Aspen beside it)."""
    birch = SchoolFactory(district=district_a, name="Birch Elementary")
    admin = closed_round(survey)
    for n in range(12):
        respond(admin, school=school_a, likert=3 + n % 2, comment=f"Comment {n:02d}")
    for _ in range(2):
        respond(admin, school=birch, group="building_leader", likert=1)
    return admin


# --- Home -----------------------------------------------------------------------------------


def test_bob_sees_his_open_survey_to_answer_and_nothing_of_the_managers(
    bob, alice, survey, district_a, school_a
):
    person(district_a, school=school_a)
    from trellis.factories import StaffFactory

    StaffFactory(district=district_a, school=school_a, user=bob.user)
    admin = open_round(survey, alice.user)
    page = body(bob.client().get(reverse("surveys:home")))
    assert reverse("surveys:round-answer", args=[admin.pk]) in page
    assert "Start from the study's survey" not in page and "Rounds" not in page


def test_managers_see_surveys_and_rounds_with_participation_counts(alice, survey, district_a):
    people = [person(district_a) for _ in range(3)]
    admin = open_round(survey, alice.user)
    from trellis.surveys import services

    services.response_submit(invitation=admin.invitations.get(user=people[0]),
                             answers=full_answers(admin))  # fmt: skip
    page = body(alice.client().get(reverse("surveys:home")))
    assert "Staff survey" in page and "1 of 3 answered" in page
    assert "Start from the study's survey" in page


def test_a_principal_sees_closed_rounds_with_their_results_and_no_drafts(
    principal, alice, reported, survey
):
    from trellis.surveys.services import administration_create
    from trellis.surveys.tests.test_services import round_data

    administration_create(instrument=survey, data=round_data(title="Next year's"),
                          actor=alice.user)  # fmt: skip
    page = body(principal.client().get(reverse("surveys:home")))
    assert reverse("surveys:results", args=[reported.pk]) in page
    assert "Next year" not in page and "Start from the study" not in page


# --- Instruments ----------------------------------------------------------------------------


def test_a_survey_from_the_template_lists_its_sections_and_questions_in_order(alice):
    client = alice.client()
    assert 'value="Staff survey"' in body(client.get(reverse("surveys:instrument-from-template")))
    response = client.post(reverse("surveys:instrument-from-template"), {"name": "Spring survey"})
    made = Instrument.objects.get(name="Spring survey")
    assert response.url == reverse("surveys:instrument", args=[made.pk])
    page = body(client.get(response.url))
    headings = re.findall(r"<h2 id=\"section-\d+\">([^<]+)</h2>", page)
    assert headings == ["Pay and the new roles", "Professional learning", "Careers",
                        "The people in the roles"]  # fmt: skip
    assert page.index("Extra pay helps our district attract") < page.index("Anything else")


def test_a_duplicate_survey_name_is_refused_at_the_name(alice, survey):
    response = alice.client().post(reverse("surveys:instrument-create"), {"name": "staff survey"})
    assert response.status_code == 400
    assert "already has a survey with that name" in str(response.context["form"].errors["name"])
    assert Instrument.objects.count() == 1


def test_sections_and_questions_are_added_and_bad_choices_refused_at_the_field(alice, survey):
    client = alice.client()
    client.post(reverse("surveys:section-add", args=[survey.pk]), {"title": "Coaching"})
    section = Section.objects.get(title="Coaching")
    bad = client.post(reverse("surveys:item-add", args=[survey.pk]), {
        "kind": "single", "text": "How often are you coached?", "section": section.pk,
        "points": 4, "options": "Weekly"})  # fmt: skip
    assert bad.status_code == 400
    assert "at least two choices" in str(bad.context["form"].errors["options"])
    assert not Item.objects.filter(section=section).exists()
    good = client.post(reverse("surveys:item-add", args=[survey.pk]), {
        "kind": "single", "text": "How often are you coached?", "section": section.pk,
        "points": 4, "options": "Weekly\nMonthly\n\nNever"})  # fmt: skip
    assert good.status_code == 302
    assert Item.objects.get(section=section).options == ["Weekly", "Monthly", "Never"]
    assert "How often are you coached?" in body(client.get(good.url))


def test_an_answered_question_offers_no_rewording_and_refuses_it(alice, reported, survey):
    client = alice.client()
    pay = survey.items.get(key="pay-attracts")
    page = body(client.get(reverse("surveys:instrument", args=[survey.pk])))
    assert reverse("surveys:item-edit", args=[pay.pk]) not in page
    response = client.post(reverse("surveys:item-edit", args=[pay.pk]), {"text": "Pay is fine."})
    assert response.status_code == 400
    assert "stays as they read it" in str(response.context["form"].errors["text"])
    pay.refresh_from_db()
    assert pay.text != "Pay is fine."


def test_retiring_a_question_keeps_it_listed_as_retired(alice, survey):
    pay = survey.items.get(key="pay-keeps")
    response = alice.client().post(reverse("surveys:item-retire", args=[pay.pk]), follow=True)
    assert "Retired the question" in body(response)
    pay.refresh_from_db()
    assert pay.retired_at is not None


# --- Rounds ---------------------------------------------------------------------------------


def round_form(**changes):
    data = {"title": "Spring round", "school_year": "2026-27", "opens_on": "2026-04-01",
            "closes_on": "2026-04-20", "audience_roles": ["teacher", "coach", "principal"],
            "group_source": "membership", "min_group": "5", "min_text": "10"}  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize("field", ["min_group", "min_text"])
def test_a_threshold_below_three_is_refused_at_its_field_and_nothing_is_written(
    alice, survey, field
):
    url = reverse("surveys:round-create", args=[survey.pk])
    page = body(alice.client().get(url))
    assert "Answers are anonymous" in page and "3 is the least allowed" in page
    response = alice.client().post(url, round_form(**{field: "2"}))
    assert response.status_code == 400
    assert "smaller than 3" in str(response.context["form"].errors[field])
    assert not Administration.objects.exists()


def test_a_round_is_created_opened_reminded_and_closed_behind_confirmation_pages(
    alice, survey, district_a, school_a
):
    from django.utils import timezone

    for _ in range(3):
        person(district_a, school=school_a)
    client = alice.client()
    today = timezone.localdate()
    created = client.post(reverse("surveys:round-create", args=[survey.pk]),
                          round_form(opens_on=today, closes_on=today))  # fmt: skip
    admin = Administration.objects.get()
    assert created.url == reverse("surveys:round", args=[admin.pk])
    assert "Nobody has been asked yet" in body(client.get(created.url))
    confirm = body(client.get(reverse("surveys:round-open", args=[admin.pk])))
    assert "each of the 3 people" in confirm and "Yes, open the round" in confirm
    opened = client.post(reverse("surveys:round-open", args=[admin.pk]), follow=True)
    assert "invited 3 people" in body(opened) and "0 of 3 answered" in body(opened)
    assert "3 people who have not answered" in body(
        client.get(reverse("surveys:round-remind", args=[admin.pk])))  # fmt: skip
    assert "Sent 3 reminders" in body(
        client.post(reverse("surveys:round-remind", args=[admin.pk]), follow=True))  # fmt: skip
    assert "cannot be reopened" in body(client.get(reverse("surveys:round-close", args=[admin.pk])))
    closed = client.post(reverse("surveys:round-close", args=[admin.pk]), follow=True)
    assert "Read the results" in body(closed)
    admin.refresh_from_db()
    assert admin.status == Status.CLOSED
    # a closed round offers no second closing
    again = body(client.get(reverse("surveys:round-close", args=[admin.pk])))
    assert "cannot be changed this way" in again and "Yes, close" not in again


# --- Answering ------------------------------------------------------------------------------


@pytest.fixture
def asked(alice, bob, survey, district_a, school_a):
    from trellis.factories import StaffFactory

    StaffFactory(district=district_a, school=school_a, user=bob.user)
    others = [person(district_a, school=school_a) for _ in range(2)]
    return open_round(survey, alice.user), others


def test_bob_answers_from_his_list_once_with_the_anonymity_statement_and_fieldsets(bob, asked):
    admin, _ = asked
    client = bob.client()
    url = reverse("surveys:round-answer", args=[admin.pk])
    page = body(client.get(url))
    assert "Your answers are anonymous" in page and "not even the time of day" in page
    assert page.count("<fieldset") == admin.instrument.items.count()
    assert "<legend>1. Extra pay helps" in page
    assert '<input type="radio" name="item_' in page and "Strongly agree</label>" in page
    pay = admin.instrument.items.get(key="pay-attracts")
    bad = client.post(url, {f"item_{pay.pk}": "9"})
    assert bad.status_code == 400 and "not on this question&#x27;s scale" in body(bad)
    assert not Response.objects.exists()
    answers = {f"item_{k}": v for k, v in full_answers(admin).items()}
    done = client.post(url, answers)
    assert done.url == reverse("surveys:thanks")
    assert Response.objects.count() == 1
    assert "already answered" in body(client.get(url))
    again = client.post(url, answers)
    assert again.status_code == 409 and Response.objects.count() == 1


def test_the_emails_link_answers_without_signing_in(asked, client):
    admin, others = asked
    token = link(admin, others[0])
    url = reverse("surveys:answer", args=[token])
    assert "Your answers are anonymous" in body(client.get(url))
    pay = admin.instrument.items.get(key="pay-attracts")
    assert client.post(url, {f"item_{pay.pk}": "4"}).url == reverse("surveys:thanks")
    assert "already answered" in body(client.get(url))


def test_a_bad_link_someone_elses_link_and_a_closed_round_each_say_so(asked, bob, alice, client):
    admin, others = asked
    assert client.get(reverse("surveys:answer", args=["nope"])).status_code == 404
    token = link(admin, others[0])
    theirs = bob.client().get(reverse("surveys:answer", args=[token]))
    assert theirs.status_code == 403 and "sent to someone else" in body(theirs)
    assert bob.client().post(reverse("surveys:answer", args=[token]), {}).status_code == 403
    not_asked = alice.client().get(reverse("surveys:round-answer", args=[admin.pk]))
    assert not_asked.status_code == 403 and "not asked" in body(not_asked)
    admin.status = Status.CLOSED
    admin.save()
    closed = client.get(reverse("surveys:answer", args=[token]))
    assert closed.status_code == 200 and "has closed" in body(closed)
    assert client.post(reverse("surveys:answer", args=[token]), {}).status_code == 409
    assert not Response.objects.exists()


# --- Results --------------------------------------------------------------------------------


def test_results_say_not_yet_while_the_round_is_open(alice, asked):
    admin, _ = asked
    page = body(alice.client().get(reverse("surveys:results", args=[admin.pk])))
    assert "Not yet" in page and "once the survey closes" in page
    export = alice.client().get(reverse("surveys:results-export", args=[admin.pk, "csv"]))
    assert export.status_code == 409


def test_results_by_school_hide_the_small_school_and_the_one_beside_it(alice, reported, survey):
    pay = survey.items.get(key="pay-attracts")
    response = alice.client().get(reverse("surveys:results", args=[reported.pk]),
                                  {"breakdown": "school"})  # fmt: skip
    rows = tables(response)[f"table-{pay.pk}"]
    assert rows[0] == ["School", "Answers", "Agree", "Strongly disagree", "Disagree", "Agree",
                       "Strongly agree"]  # fmt: skip
    assert rows[1] == ["All", "14", "86%", "2", "0", "6", "6"]
    assert rows[2:] == [["Aspen Elementary", "Fewer than 5 answers"],
                        ["Birch Elementary", "Fewer than 5 answers"]]  # fmt: skip
    assert "Why some results are hidden" in body(response)


def test_results_start_by_group_and_show_comments_for_the_whole_slice(alice, reported, survey):
    response = alice.client().get(reverse("surveys:results", args=[reported.pk]))
    pay = survey.items.get(key="pay-attracts")
    labels = [row[0] for row in tables(response)[f"table-{pay.pk}"][1:]]
    assert labels == ["All", "Building leader", "Other"]
    page = body(response)
    assert "12 comments, in alphabetical order" in page and "Comment 00" in page


def test_a_slice_of_the_same_kind_as_the_breakdown_is_refused_with_a_message(alice, reported):
    response = alice.client().get(reverse("surveys:results", args=[reported.pk]),
                                  {"breakdown": "group", "slice": "group:other"})  # fmt: skip
    assert response.status_code == 400
    assert "another kind than the breakdown" in body(response)


def test_the_results_export_has_a_row_per_question_and_cell_with_hidden_ones_blank(
    alice, reported, survey
):
    url = reverse("surveys:results-export", args=[reported.pk, "csv"])
    rows = download(alice.client().get(url, {"breakdown": "school"}))
    header, data = rows[0], rows[1:]
    assert header[6:9] == ["Cell", "Shown", "Answers"]
    pay = [r for r in data if r[2] == "pay-attracts"]
    spread = "Strongly disagree: 2; Disagree: 0; Agree: 6; Strongly agree: 6"
    assert [r[6:11] for r in pay] == [
        ["All", "shown", "14", "86", spread],
        ["Aspen Elementary", "hidden", "", "", ""],
        ["Birch Elementary", "hidden", "", "", ""],
    ]  # fmt: skip
    xlsx = alice.client().get(reverse("surveys:results-export", args=[reported.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())][:3] == ["Of", "Section", "Key"]


def test_participation_rounds_and_questions_export_counts_and_wording(alice, asked, survey):
    admin, _ = asked
    client = alice.client()
    participation = download(client.get(reverse("surveys:participation-export",
                                                args=[admin.pk, "csv"])))  # fmt: skip
    assert participation[1][-3:] == ["3", "0", "0"]
    assert download(client.get(reverse("surveys:rounds-export", args=["csv"])))[1][0] == (
        "Spring staff survey"
    )
    questions = download(client.get(reverse("surveys:instruments-export", args=["csv"])))
    assert len(questions) == 1 + survey.items.count()


# --- Who may open what ----------------------------------------------------------------------


def _named_records() -> set[str]:
    reverse("surveys:home")
    from trellis.surveys import urls

    return {p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and "<int:pk>" in str(
        p.pattern)}  # fmt: skip


def urls_of(admin) -> dict[str, str]:
    """Every survey URL that names a record, with that record's ids."""
    survey, item = admin.instrument, admin.instrument.items.first()
    args = {
        "instrument": [survey.pk], "section-add": [survey.pk], "item-add": [survey.pk],
        "item-edit": [item.pk], "item-retire": [item.pk], "round-create": [survey.pk],
        "round": [admin.pk], "round-open": [admin.pk], "round-remind": [admin.pk],
        "round-close": [admin.pk], "participation-export": [admin.pk, "csv"],
        "round-answer": [admin.pk], "results": [admin.pk], "results-export": [admin.pk, "xlsx"],
    }  # fmt: skip
    assert _named_records() == set(args)  # a new page about a record must be added here
    return {name: reverse(f"surveys:{name}", args=args[name]) for name in args}


MANAGER_PAGES = ("instrument", "section-add", "item-add", "item-edit", "round-create", "round",
                 "round-open", "round-remind", "round-close", "participation-export")  # fmt: skip
MANAGER_LISTS = ("instruments", "instrument-create", "instrument-from-template")


def test_charlie_gets_404_for_every_page_export_and_write_of_district_a(charlie, reported):
    client = charlie.client()
    for name, url in urls_of(reported).items():
        if name != "item-retire":
            assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code in (404, 405), name
    assert Response.objects.count() == 14 and not Item.objects.filter(retired_at__isnull=False)


def test_bob_gets_403_on_manager_pages_and_results(bob, reported):
    client = bob.client()
    urls = urls_of(reported)
    for name in (*MANAGER_PAGES, "results", "results-export"):
        assert client.get(urls[name]).status_code == 403, name
    assert client.post(urls["item-retire"]).status_code == 403
    for name in MANAGER_LISTS:
        assert client.get(reverse(f"surveys:{name}")).status_code == 403, name
    for name in ("rounds-export", "instruments-export"):
        assert client.get(reverse(f"surveys:{name}", args=["csv"])).status_code == 403, name


def test_a_principal_reads_results_and_exports_them_but_manages_nothing(principal, reported):
    client = principal.client()
    urls = urls_of(reported)
    assert client.get(urls["results"]).status_code == 200
    assert download(client.get(urls["results-export"].replace("xlsx", "csv")))
    for name in MANAGER_PAGES:
        assert client.get(urls[name]).status_code == 403, name


# --- The same cells everywhere --------------------------------------------------------------


def page_cells(response, result):
    """(label, n, agree %, counts) for each question's rows on the page; n None when hidden."""
    found = tables(response)
    shown = {}
    for r in (r for r in result.items if r.item.kind != "text"):
        rows = found[f"table-{r.item.pk}"][1:]
        cells = []
        for row in rows:
            if row[1].startswith("Fewer than"):
                assert len(row) == 2 and not re.search(r"\d", row[1].replace(
                    str(result.administration.min_group), ""))  # fmt: skip
                cells.append((row[0], None, None, None))
            else:
                likert = r.item.kind == "likert"
                cells.append((row[0], int(row[1]), int(row[2][:-1]) if likert else None,
                              [int(v) for v in row[3 if likert else 2:]]))  # fmt: skip
        shown[r.item.pk] = cells
    return shown


def expected_cells(result):
    return {
        r.item.pk: [(c.label, c.n, None if c.n is None or c.agree is None else round(100 * c.agree),
                     c.counts) for c in [r.total, *r.rows]]
        for r in result.items if r.item.kind != "text"
    }  # fmt: skip


def api_cells(data):
    return {
        item["item_id"]: [(c["label"], c["n"], None if c["agree"] is None else round(
            100 * c["agree"]), c["counts"]) for c in [item["total"], *item["rows"]]]
        for item in data["items"] if item["kind"] != "text"
    }  # fmt: skip


def export_cells(rows, result):
    by_text = {r.item.text: r.item.pk for r in result.items if r.item.kind != "text"}
    cells = {pk: [] for pk in by_text.values()}
    for row in rows[1:]:
        if row[3] not in by_text:
            continue
        n = int(row[8]) if row[7] == "shown" else None
        if n is None:
            assert row[8:11] == ["", "", ""]
        counts = [int(part.rsplit(": ", 1)[1]) for part in row[10].split("; ")] if n else None
        cells[by_text[row[3]]].append((row[6], n, int(row[9]) if row[9] else None, counts))
    return cells


groups = st.sampled_from(["building_leader", "instructional_leader", "other"])
answers = st.lists(st.tuples(groups, st.integers(0, 2), st.integers(1, 4), st.booleans()),
                   max_size=30)  # fmt: skip


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(answers, st.sampled_from([None, "group", "school"]), st.integers(3, 6))
def test_the_page_the_api_and_the_export_show_exactly_the_visible_cells(
    alice, district_a, data, breakdown, minimum
):
    # given any answers from any mix of groups and schools
    schools = [None, *(SchoolFactory(district=district_a) for _ in range(2))]
    survey = instrument(district_a, alice.user, name=f"Survey {uuid.uuid4().hex[:8]}")
    admin = closed_round(survey, min_group=minimum)
    for group, school, likert, second in data:
        respond(admin, group=group, school=schools[school], likert=likert,
                traits=(0, 3) if second else (1,))  # fmt: skip
    # when the page, the API and the export are read with the same breakdown
    query = {"breakdown": breakdown or ""}
    result = results(administration=admin, breakdown=breakdown)
    client = alice.client()
    page = client.get(reverse("surveys:results", args=[admin.pk]), query)
    api = client.get(f"/api/v1/surveys/administrations/{admin.pk}/results",
                     {"breakdown": breakdown} if breakdown else {})  # fmt: skip
    export = download(client.get(reverse("surveys:results-export", args=[admin.pk, "csv"]),
                                 query))  # fmt: skip
    # then each shows exactly the cells results() shows, and no number for a hidden one
    expected = expected_cells(result)
    assert page_cells(page, result) == expected
    assert api_cells(api.json()) == expected
    assert export_cells(export, result) == expected
