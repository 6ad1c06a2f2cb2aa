"""Interview data tasks: a part of the interview carries a made-up class that the panel sees with
its answer key and the candidate sees without it; nobody outside the posting's panel and HR sees
it at all; HR attaches one on the interview process, and bad input is refused at the field."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from trellis.coaching import heatmap
from trellis.conftest import Persona
from trellis.core.models import AuditEvent
from trellis.core.services import api_token_create
from trellis.hiring import carson_city, data_tasks, services
from trellis.hiring.models import Component, DataTask, DataTaskKind, Interview
from trellis.hiring.tests.helpers import Hiring, hiring_setup, schedule, scored

pytestmark = pytest.mark.django_db

# Phrases only the answer key prints; the candidate's page must carry none of them.
KEY_MARKERS = ("answer-key", "Answer key", "Furthest ahead", "Furthest behind", "Strongest")


@pytest.fixture
def setup(alice) -> tuple[Hiring, Interview]:
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=2)
    return hiring, schedule(hiring.posting, hiring.applications, actor=alice.user)


def _panelist(hiring: Hiring) -> Persona:
    return Persona(user=hiring.seats[0].staff.user, district=hiring.district)


def _part(hiring: Hiring, kind: str) -> Component:
    return hiring.template.components.get(data_task__kind=kind)


def _url(name: str, interview: Interview, part: Component, *extra: str) -> str:
    return reverse(f"hiring:{name}", args=[interview.pk, part.pk, *extra])


def _api(persona: Persona, interview: Interview, part: Component):
    token = api_token_create(user=persona.user, name="t")
    path = f"/api/v1/interviews/{interview.pk}/components/{part.pk}/data-task"
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def _task(**changes) -> DataTask:
    values = {
        "kind": DataTaskKind.STUDENT_DATA_SET,
        "title": "Class data",
        "seed": 123,
        "students": 20,
        "standards": ["A.1", "A.2", "B.1", "B.2"],
        "scale_min": 1,
        "scale_max": 4,
    }
    return DataTask(**{**values, **changes})


# --- The data set and its answer key ---------------------------------------------------------


def test_the_same_seed_gives_the_same_data_set_and_another_seed_another():
    first, again = data_tasks.data_set(_task()), data_tasks.data_set(_task())
    assert first.rows == again.rows
    assert first.key == again.key
    assert data_tasks.data_set(_task(seed=124)).rows != first.rows


def test_every_candidate_on_a_posting_sees_the_same_data_set_whoever_opens_it(setup, hana):
    hiring, interview = setup
    part = _part(hiring, DataTaskKind.MASTERY_TRACKER)
    later = schedule(hiring.posting, [hiring.applications[1]])
    by_panelist = _panelist(hiring).client().get(_url("data-task-export", interview, part, "csv"))
    by_hr = hana.client().get(_url("data-task-export", later, part, "csv"))
    assert b"".join(by_panelist.streaming_content) == b"".join(by_hr.streaming_content)


def test_students_are_codes_and_there_are_as_many_as_asked():
    data = data_tasks.data_set(_task(students=31))
    assert [r.student for r in data.rows] == [f"S{i:02d}" for i in range(1, 32)]
    assert all(len(r.cells) == 4 for r in data.rows)


def test_the_answer_key_is_what_the_heatmap_computes(setup):
    hiring, _ = setup
    for part in hiring.template.components.filter(data_task__isnull=False):
        task = part.data_task
        heat = heatmap.build(
            heatmap.synthetic(
                seed=task.seed,
                students=task.students,
                standards=task.standards,
                scale_min=task.scale_min,
                scale_max=task.scale_max,
            ),
            scale_min=task.scale_min,
            scale_max=task.scale_max,
        )
        key = data_tasks.data_set(task).key
        assert key is not None
        assert [p.code for p in key.strongest] == heat.strongest
        assert [p.code for p in key.weakest] == heat.weakest
        assert [p.student for p in key.ahead] == heat.ahead
        assert [p.student for p in key.behind] == heat.behind
        assert [(g.student, g.standard, g.level) for g in key.gaps] == [
            (g.student, g.standard, g.level) for g in heat.gaps
        ]
        assert all(p.mean == heat.standard_mean[p.code] for p in key.strongest + key.weakest)
        # the shipped tasks have real high and low points to find
        assert key.strongest and key.weakest and key.ahead and key.behind


def test_the_table_keeps_the_template_s_column_order_and_every_level():
    standards = ["Z.9", "A.1", "M.5"]
    task = _task(standards=standards)
    data = data_tasks.data_set(task)
    cells = heatmap.synthetic(seed=123, students=20, standards=standards)
    expected = {(c.student, c.standard): c.level for c in cells}
    assert data.standards == standards
    for row in data.rows:
        assert [c.level for c in row.cells] == [expected[row.student, s] for s in standards]


def test_the_carson_city_process_carries_a_task_on_each_of_its_two_data_parts(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    tasks = {c.name: c.data_task for c in template.components.filter(data_task__isnull=False)}
    assert set(tasks) == {"Reading a data-tracker report", "Group problem-solving on a student "
                          "data set"}  # fmt: skip
    assert tasks["Reading a data-tracker report"].kind == DataTaskKind.MASTERY_TRACKER
    assert tasks["Group problem-solving on a student data set"].kind == (
        DataTaskKind.STUDENT_DATA_SET
    )


# --- The panel's page, the candidate's page, the export, the API ------------------------------


def test_a_panelist_sees_the_data_and_the_answer_key(setup):
    hiring, interview = setup
    part = _part(hiring, DataTaskKind.STUDENT_DATA_SET)
    response = _panelist(hiring).client().get(_url("data-task", interview, part))
    assert response.status_code == 200
    body = response.content.decode()
    key = data_tasks.data_set(part.data_task).key
    assert key is not None
    assert 'id="answer-key"' in body and "S28" in body
    assert all(f'<th scope="col" class="num">{code}</th>' in body for code in carson_city.ELA_7)
    assert all(p.student in body for p in key.behind)
    assert _url("data-task-candidate", interview, part) in body


@pytest.mark.parametrize("kind", [DataTaskKind.MASTERY_TRACKER, DataTaskKind.STUDENT_DATA_SET])
def test_the_candidate_view_shows_the_data_and_never_the_answer_key(setup, kind):
    hiring, interview = setup
    part = _part(hiring, kind)
    response = _panelist(hiring).client().get(_url("data-task-candidate", interview, part))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body and '<th scope="row">S01</th>' in body
    for marker in KEY_MARKERS:
        assert marker not in body, marker
    assert response.context["data"].key is None
    # a tracker report shows its class summary; a data set to read from scratch does not
    assert ("Class mean" in body) == (kind == DataTaskKind.MASTERY_TRACKER)
    # nor the candidates' names: the screen is shown in a group session
    assert all(a.candidate.last_name not in body for a in hiring.applications)


def test_the_export_is_the_data_set_only(setup):
    hiring, interview = setup
    part = _part(hiring, DataTaskKind.MASTERY_TRACKER)
    client = _panelist(hiring).client()
    response = client.get(_url("data-task-export", interview, part, "csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["student", *carson_city.MATH_6]
    assert len(rows) == 1 + 24
    assert all(r[0].startswith("S") and all(v in "1234" for v in r[1:]) for r in rows[1:])
    excel = client.get(_url("data-task-export", interview, part, "xlsx"))
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


def test_the_api_gives_the_panel_the_data_with_its_answer_key(setup):
    hiring, interview = setup
    part = _part(hiring, DataTaskKind.STUDENT_DATA_SET)
    response = _api(_panelist(hiring), interview, part)
    assert response.status_code == 200
    body = response.json()
    data = data_tasks.data_set(part.data_task)
    assert data.key is not None
    assert body["standards"] == list(carson_city.ELA_7)
    assert body["rows"][0] == {"student": "S01", "levels": [c.level for c in data.rows[0].cells]}
    assert [p["code"] for p in body["answer_key"]["strongest"]] == [
        p.code for p in data.key.strongest
    ]
    assert [p["student"] for p in body["answer_key"]["behind"]] == [
        p.student for p in data.key.behind
    ]


def test_hr_sees_the_task_too(setup, hana):
    hiring, interview = setup
    part = _part(hiring, DataTaskKind.MASTERY_TRACKER)
    assert hana.client().get(_url("data-task", interview, part)).status_code == 200
    assert _api(hana, interview, part).status_code == 200


@pytest.mark.parametrize("who", ["bob", "charlie", "other_panelist"])
def test_nobody_outside_the_posting_s_panel_and_hr_sees_the_task(setup, who, bob, charlie):
    hiring, interview = setup
    if who == "other_panelist":  # seated on another posting of the same district
        other = hiring_setup(hiring.district, applicants=1)
        outsider = Persona(user=other.seats[0].staff.user, district=hiring.district)
    else:
        outsider = {"bob": bob, "charlie": charlie}[who]
    part = _part(hiring, DataTaskKind.MASTERY_TRACKER)
    client = outsider.client()
    for name, extra in (
        ("data-task", ()),
        ("data-task-candidate", ()),
        ("data-task-export", ("csv",)),
        ("data-task-export", ("xlsx",)),
    ):
        response = client.get(_url(name, interview, part, *extra))
        assert response.status_code == 404, (who, name)
    assert _api(outsider, interview, part).status_code == 404


def test_a_part_of_another_process_or_without_a_task_is_not_found(setup, alice):
    hiring, interview = setup
    plain = hiring.template.components.get(order=1)  # paper screening: no data
    assert alice.client().get(_url("data-task", interview, plain)).status_code == 404
    copy = services.template_clone(template=hiring.template, name="Our copy", actor=alice.user)
    foreign = copy.components.get(data_task__kind=DataTaskKind.MASTERY_TRACKER)
    assert alice.client().get(_url("data-task", interview, foreign)).status_code == 404


# --- Editing on the interview process ----------------------------------------------------------


def _edit_url(part: Component) -> str:
    return reverse("hiring:data-task-edit", args=[part.template_id, part.pk])


GOOD = {
    "kind": DataTaskKind.STUDENT_DATA_SET,
    "title": "Grade 4 fractions",
    "prompt": "Find the high and low points.",
    "students": "18",
    "standards": ["6.RP.A.1", "6.NS.B.3"],
    "other_standards": "4.NF.A.1, 4.NF.B.3",
    "scale_min": "1",
    "scale_max": "4",
    "seed": "99",
}


def test_hr_attaches_a_data_task_to_a_part_and_it_is_audited(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=4)
    response = alice.client().post(_edit_url(part), GOOD)
    assert response.status_code == 302
    task = DataTask.objects.get(component=part)
    assert task.standards == ["6.RP.A.1", "6.NS.B.3", "4.NF.A.1", "4.NF.B.3"]
    assert (task.students, task.seed, task.kind) == (18, 99, DataTaskKind.STUDENT_DATA_SET)
    assert AuditEvent.objects.filter(action="hiring.data_task_saved").count() == 1
    page = alice.client().get(reverse("hiring:template-detail", args=[template.pk]))
    assert "Grade 4 fractions" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"students": "0"}, "students"),
        ({"students": "500"}, "students"),
        ({"students": "eight"}, "students"),
        ({"kind": "spreadsheet"}, "kind"),
        ({"standards": [], "other_standards": ""}, "standards"),
        ({"standards": ["6.RP.A.1"], "other_standards": ""}, "standards"),
        ({"standards": ["not on the list"]}, "standards"),
        ({"other_standards": "RL.7.1, <script>"}, "other_standards"),
        ({"scale_min": "3", "scale_max": "4"}, "scale_max"),
        ({"seed": "0"}, "seed"),
        ({"seed": "99999999999"}, "seed"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_on_the_form_is_shown_at_the_field_and_writes_nothing(alice, change, field):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(data_task__kind=DataTaskKind.MASTERY_TRACKER)
    before = DataTask.objects.get(component=part)
    response = alice.client().post(_edit_url(part), {**GOOD, **change})
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    after = DataTask.objects.get(component=part)
    assert (after.students, after.seed, after.standards, after.kind, after.title) == (
        before.students,
        before.seed,
        before.standards,
        before.kind,
        before.title,
    )
    # nor on a part that had none
    plain = template.components.get(order=1)
    assert alice.client().post(_edit_url(plain), {**GOOD, **change}).status_code == 400
    assert not DataTask.objects.filter(component=plain).exists()
    assert not AuditEvent.objects.filter(action="hiring.data_task_saved").exists()


def test_the_service_holds_the_same_rules_without_the_form(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=1)
    good = {"kind": "mastery_tracker", "title": "T", "prompt": "", "seed": 5, "scale_min": 1,
            "scale_max": 4, "students": 20, "standards": ["A.1", "B.1"]}  # fmt: skip
    for change, field in (
        ({"students": 0}, "students"),
        ({"students": 500}, "students"),
        ({"kind": "spreadsheet"}, "kind"),
        ({"standards": []}, "standards"),
        ({"standards": ["A.1", "A.1 "]}, "standards"),  # one code, twice
        ({"scale_min": 4, "scale_max": 4}, "scale_max"),
    ):
        with pytest.raises(ValidationError) as caught:
            data_tasks.data_task_save(component=part, data={**good, **change}, actor=alice.user)
        assert field in caught.value.message_dict, change
    assert not DataTask.objects.filter(component=part).exists()


def test_make_a_new_data_set_picks_another_seed_and_saves_nothing(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=4)
    response = alice.client().post(_edit_url(part), {**GOOD, "regenerate": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.data["seed"] != GOOD["seed"]
    assert response.context["preview"].seed == int(form.data["seed"])
    assert "Preview (not saved yet)" in response.content.decode()
    assert not DataTask.objects.filter(component=part).exists()


def test_a_task_comes_off_a_part(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(data_task__kind=DataTaskKind.MASTERY_TRACKER)
    assert alice.client().post(_edit_url(part), {"remove": "1"}).status_code == 302
    assert not DataTask.objects.filter(component=part).exists()


def test_a_scored_process_keeps_its_data_tasks_and_a_new_version_copies_them(alice):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    scored(hiring, hiring.applications[0], [[3] * 6] * len(hiring.seats))
    part = hiring.template.components.get(data_task__kind=DataTaskKind.MASTERY_TRACKER)
    response = alice.client().post(_edit_url(part), {**GOOD, "seed": "7"})
    assert response.status_code == 302  # back to the process: it cannot change
    assert DataTask.objects.get(component=part).seed == carson_city.PARTS[1].data_task.seed  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        data_tasks.data_task_remove(component=part, actor=alice.user)
    revised = services.template_revise(template=hiring.template, actor=alice.user)
    copied = {
        (t.kind, t.seed, tuple(t.standards))
        for t in DataTask.objects.filter(component__template=revised)
    }
    original = {
        (t.kind, t.seed, tuple(t.standards))
        for t in DataTask.objects.filter(component__template=hiring.template)
    }
    assert copied == original and len(copied) == 2


def test_a_teacher_and_another_district_cannot_open_the_editor(alice, bob, charlie):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=2)
    assert bob.client().get(_edit_url(part)).status_code == 403
    assert charlie.client().get(_edit_url(part)).status_code == 404
    assert charlie.client().post(_edit_url(part), GOOD).status_code == 404


def test_the_shipped_tasks_are_added_once_to_a_process_seeded_before_them(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    DataTask.objects.filter(component__template=template).delete()
    assert data_tasks.standard_data_tasks_attach(template=template, actor=alice.user) == 2
    assert data_tasks.standard_data_tasks_attach(template=template, actor=alice.user) == 0
    assert DataTask.objects.filter(component__template=template).count() == 2
