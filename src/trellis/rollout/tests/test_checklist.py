"""The readiness checklist: starting it from the study's 22 questions, progress by
recommendation, a question's owner, status and due date, and its evidence (notes, links and
files); through the services, the pages, the exports and the API. Another district gets 404 for
all of it, an owner updates their question but cannot hand it on, and bad input is refused at
the field with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import AuditEvent
from trellis.factories import StaffFactory
from trellis.rollout.checklist import QUESTIONS
from trellis.rollout.models import ChecklistItem, Evidence, ItemStatus
from trellis.rollout.selectors import checklist as selectors
from trellis.rollout.services import checklist as services

pytestmark = pytest.mark.django_db
API = "/api/v1/rollout"
PDF = b"%PDF-1.4 the board minutes"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def items_of(initiative, recommendation: int) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(initiative=initiative, recommendation=recommendation)
                .order_by("order"))  # fmt: skip


def mark(item: ChecklistItem, status: str, actor, **data) -> ChecklistItem:
    return services.item_update(item=item, data={"status": status, **data}, actor=actor)


def export_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def started(initiative, alice):
    services.checklist_start(initiative=initiative, actor=alice.user)
    return initiative


@pytest.fixture
def bob_staff(bob, district_a, school_a):
    return StaffFactory(district=district_a, school=school_a, user=bob.user, first_name="Bob")


@pytest.fixture
def bobs_question(started, alice, bob_staff):
    """The first question, handed to bob (a teacher) by alice."""
    item = items_of(started, 1)[0]
    return services.item_update(item=item, data={"owner": bob_staff}, actor=alice.user)


@pytest.fixture
def note(bobs_question, alice):
    return services.evidence_add(item=bobs_question, kind="note", text="Board minutes, May",
                                 actor=alice.user)  # fmt: skip


@pytest.fixture
def upload(bobs_question, alice):
    return services.evidence_add(
        item=bobs_question, kind="file", text="Signed minutes",
        upload=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
        actor=alice.user,
    )  # fmt: skip


@pytest.fixture
def theirs(other_initiative, charlie):
    """Cedar Ridge's started checklist, with a note on its first question."""
    services.checklist_start(initiative=other_initiative, actor=charlie.user)
    item = items_of(other_initiative, 1)[0]
    evidence = services.evidence_add(item=item, kind="file", actor=charlie.user,
                                     upload=SimpleUploadedFile("theirs.pdf", PDF))  # fmt: skip
    return {"initiative": other_initiative, "item": item, "evidence": evidence}


# --- Starting and progress ------------------------------------------------------------------


def test_starting_copies_the_studys_22_questions_into_five_recommendations(initiative, alice):
    # when alice starts the checklist
    added = services.checklist_start(initiative=initiative, actor=alice.user)
    # then it holds the study's 22 questions, 4, 5, 3, 7 and 3 to a recommendation
    assert added == 22
    sizes = [len(items_of(initiative, n)) for n in range(1, 6)]
    assert sizes == [4, 5, 3, 7, 3]
    # and starting again adds nothing
    assert services.checklist_start(initiative=initiative, actor=alice.user) == 0
    assert ChecklistItem.objects.filter(initiative=initiative).count() == len(QUESTIONS)


def test_progress_is_done_of_the_questions_that_apply(started, alice):
    # given some questions done and one that does not apply
    plan = {1: 2, 2: 1, 3: 0, 4: 3, 5: 3}  # recommendation: questions done
    for number, done in plan.items():
        for item in items_of(started, number)[:done]:
            mark(item, ItemStatus.DONE, alice.user)
    mark(items_of(started, 1)[3], ItemStatus.NOT_APPLICABLE, alice.user)
    mark(items_of(started, 2)[4], ItemStatus.IN_PROGRESS, alice.user)
    # when the progress is read
    progress = selectors.checklist_progress(initiative=started)
    # then each recommendation counts done of applicable, in whole percent
    sizes = {1: 4, 2: 5, 3: 3, 4: 7, 5: 3}
    applicable = {n: sizes[n] - (n == 1) for n in sizes}
    expected = [(plan[n], applicable[n], round(100 * plan[n] / applicable[n])) for n in sizes]
    assert [(r.done, r.applicable, r.percent) for r in progress.recommendations] == expected
    assert expected == [(2, 3, 67), (1, 5, 20), (0, 3, 0), (3, 7, 43), (3, 3, 100)]
    # and overall: 9 done of the 21 that apply
    assert (progress.done, progress.applicable, progress.total) == (9, 21, 22)
    assert progress.percent == round(100 * 9 / 21) == 43


def test_the_checklist_page_shows_progress_with_its_numbers_in_text(started, alice, bob):
    for item in items_of(started, 5)[:2]:
        mark(item, ItemStatus.DONE, alice.user)
    body = bob.client().get(reverse("rollout:checklist", args=[started.pk])).content.decode()
    assert 'aria-label="Recommendation 5: 2 of 3 done"' in body
    assert '<td class="num">67%</td>' in body
    assert "2 of the 22 questions that apply" in body
    assert body.count('<progress max="') == 6  # five recommendations and the whole


def test_percentages_round_halves_up(started, alice):
    # given recommendation 4 with an eighth question of the district's own, one of 8 done
    services.item_add(initiative=started, recommendation=4, text="Is there a PD calendar?",
                      actor=alice.user)  # fmt: skip
    mark(items_of(started, 4)[0], ItemStatus.DONE, alice.user)
    # then 12.5 % shows as 13 %, as people round
    fourth = selectors.checklist_progress(initiative=started).recommendations[3]
    assert (fourth.done, fourth.applicable, fourth.percent) == (1, 8, 13)


def test_overdue_counts_open_questions_past_their_due_date(started, alice):
    first, second, third = items_of(started, 2)[:3]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    mark(first, ItemStatus.IN_PROGRESS, alice.user, due_on=yesterday)
    mark(second, ItemStatus.DONE, alice.user, due_on=yesterday)
    mark(third, ItemStatus.NOT_STARTED, alice.user, due_on=timezone.localdate())
    assert selectors.checklist_progress(initiative=started).overdue == 1
    page = alice.client().get(reverse("rollout:checklist", args=[started.pk]))
    assert page.content.decode().count("Overdue") == 1


def test_an_empty_checklist_offers_managers_the_start_button(initiative, alice, bob):
    url = reverse("rollout:checklist", args=[initiative.pk])
    button = "Start the checklist from the study's 22 questions"
    assert button in alice.client().get(url).content.decode()
    teacher = bob.client().get(url).content.decode()
    assert button not in teacher and "A rollout manager starts it" in teacher
    assert bob.client().post(reverse("rollout:checklist-start", args=[initiative.pk])
                             ).status_code == 403  # fmt: skip
    response = alice.client().post(reverse("rollout:checklist-start", args=[initiative.pk]))
    assert response.status_code == 302
    assert ChecklistItem.objects.filter(initiative=initiative).count() == 22


def test_a_manager_adds_a_question_of_the_districts_own(started, alice):
    url = reverse("rollout:checklist-question-new", args=[started.pk])
    assert 'value="3" selected' in alice.client().get(url, {"recommendation": 3}).content.decode()
    response = alice.client().post(url, {"recommendation": "3", "text": "Who signs the MOU?"})
    assert response.status_code == 302
    item = ChecklistItem.objects.get(text="Who signs the MOU?")
    assert (item.recommendation, item.key, item.order) == (3, "", 13)
    again = alice.client().post(url, {"recommendation": "3", "text": "who signs the MOU?"})
    assert "already asks this" in again.context["form"].errors["text"][0]


# --- A question's owner, status and due date ------------------------------------------------


def test_the_owner_updates_the_status_but_cannot_hand_the_question_on(
    bob, bob_staff, alice, bobs_question, staff_a
):
    url = reverse("rollout:checklist-question", args=[bobs_question.pk])
    # given bob owns the question; his form has no owner field
    page = bob.client().get(url)
    assert "owner" not in page.context["item_form"].fields
    # when he posts a new status, and an owner he slipped in
    response = bob.client().post(url, {"status": "in_progress", "owner": staff_a.pk})
    # then the status changes and the owner does not
    assert response.status_code == 302
    bobs_question.refresh_from_db()
    assert (bobs_question.status, bobs_question.owner) == (ItemStatus.IN_PROGRESS, bob_staff)
    # and the service refuses him outright
    with pytest.raises(PermissionDenied):
        services.item_update(item=bobs_question, data={"owner": staff_a}, actor=bob.user)


def test_someone_who_does_not_own_the_question_cannot_update_it(bob, started):
    item = items_of(started, 2)[0]
    response = bob.client().post(reverse("rollout:checklist-question", args=[item.pk]),
                                 {"status": "done"})  # fmt: skip
    assert response.status_code == 403
    assert bob.client().get(reverse("rollout:checklist-question", args=[item.pk])
                            ).context["item_form"] is None  # fmt: skip
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_STARTED


def test_a_manager_gives_a_question_an_owner_and_a_due_date(alice, started, staff_a):
    item = items_of(started, 3)[0]
    response = alice.client().post(reverse("rollout:checklist-question", args=[item.pk]),
                                   {"status": "in_progress", "owner": staff_a.pk,
                                    "due_on": "2027-03-01"})  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.owner, item.due_on) == (staff_a, dt.date(2027, 3, 1))


def test_saving_a_question_keeps_an_owner_who_has_since_left(alice, bobs_question, bob_staff):
    # given bob, who owns the question, is no longer employed
    bob_staff.is_active = False
    bob_staff.save()
    url = reverse("rollout:checklist-question", args=[bobs_question.pk])
    # when alice opens the question and saves it as the form shows it
    form = alice.client().get(url).context["item_form"]
    assert form["owner"].value() == bob_staff.pk
    alice.client().post(url, {"status": "in_progress", "owner": bob_staff.pk})
    # then bob is still its owner
    bobs_question.refresh_from_db()
    assert (bobs_question.status, bobs_question.owner) == (ItemStatus.IN_PROGRESS, bob_staff)


def test_a_due_date_typed_as_garbage_is_refused_at_the_field(alice, started):
    item = items_of(started, 3)[0]
    url = reverse("rollout:checklist-question", args=[item.pk])
    response = alice.client().post(url, {"status": "done", "due_on": "the 31st of Junember"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.context["item_form"].errors["due_on"][0]
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_STARTED


# --- Evidence -------------------------------------------------------------------------------


def add(client, item, kind: str, **fields):
    data = {"kind": kind, **{f"{kind}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("rollout:checklist-evidence-add", args=[item.pk]), data)


def test_the_owner_adds_a_note_a_link_and_a_file(bob, bobs_question):
    client = bob.client()
    assert add(client, bobs_question, "note", text="Principals met on May 4.").status_code == 302
    assert add(client, bobs_question, "link", url="https://example.org/minutes",
               text="Minutes").status_code == 302  # fmt: skip
    assert add(client, bobs_question, "file", text="Agenda",
               file=SimpleUploadedFile("agenda.pdf", PDF)).status_code == 302  # fmt: skip
    kinds = list(bobs_question.evidence.values_list("kind", flat=True))
    assert kinds == ["note", "link", "file"]
    page = client.get(reverse("rollout:checklist-question", args=[bobs_question.pk]))
    body = page.content.decode()
    assert 'href="https://example.org/minutes"' in body and "agenda.pdf" in body
    listed = selectors.checklist_items(initiative=bobs_question.initiative).get(
        pk=bobs_question.pk)  # fmt: skip
    assert listed.evidence_count == 3


@pytest.mark.parametrize(
    ("kind", "fields", "field", "words"),
    [
        ("note", {"text": "   "}, "text", "Write the note"),
        ("link", {"url": "javascript:alert(1)"}, "url", "starting with https://"),
        ("link", {"url": "ftp://files.example.org/plan.pdf"}, "url", "starting with https://"),
        ("link", {"url": "https://example.org", "text": "x" * 501}, "text", "at most 500"),
        ("file", {}, "file", "Choose the file"),
        ("file", {"file": ("setup.exe", b"MZ\x90\x00")}, "file", "must be one of these kinds"),
        ("file", {"file": ("plan.pdf", b"not a pdf")}, "file", "does not look like a .pdf"),
    ],
)
def test_bad_evidence_is_refused_at_the_field_and_nothing_is_written(
    bob, bobs_question, kind, fields, field, words
):
    if "file" in fields:
        fields = {**fields, "file": SimpleUploadedFile(*fields["file"])}
    response = add(bob.client(), bobs_question, kind, **fields)
    assert response.status_code == 400
    form = next(f for f in response.context["evidence_forms"] if f.kind == kind)
    assert words in " ".join(form.errors[field])
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(bob, bobs_question, monkeypatch):
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    response = add(bob.client(), bobs_question, "file",
                   file=SimpleUploadedFile("big.pdf", PDF))  # fmt: skip
    form = next(f for f in response.context["evidence_forms"] if f.kind == "file")
    assert "the limit is" in form.errors["file"][0]
    assert not Evidence.objects.exists()


def test_someone_who_does_not_own_the_question_cannot_add_or_remove_evidence(bob, started, alice):
    item = items_of(started, 2)[0]
    assert add(bob.client(), item, "note", text="Hello").status_code == 403
    evidence = services.evidence_add(item=item, kind="note", text="Kept", actor=alice.user)
    remove = reverse("rollout:checklist-evidence-remove", args=[evidence.pk])
    assert bob.client().post(remove).status_code == 403
    assert Evidence.objects.filter(item=item).count() == 1


def test_the_owner_removes_evidence_and_its_file(
    bob, bobs_question, upload, _media, django_capture_on_commit_callbacks
):
    stored = _media / upload.file.name
    assert stored.exists()
    url = reverse("rollout:checklist-evidence-remove", args=[upload.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = bob.client().post(url)
    assert response.status_code == 302
    assert not Evidence.objects.exists() and not stored.exists()


def test_a_file_is_downloaded_by_the_district_and_the_download_is_audited(
    bob, charlie, alice, upload
):
    url = reverse("rollout:checklist-evidence-file", args=[upload.pk])
    # given a teacher of the district who does not own the question
    response = bob.client().get(url)
    # then the file streams to him as an attachment, and the audit log says he had it
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="minutes.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="rollout.evidence_downloaded")
    assert (event.actor, event.target_id) == (bob.user, str(upload.pk))
    # and another district's admin finds no such file
    assert charlie.client().get(url).status_code == 404
    assert AuditEvent.objects.filter(action="rollout.evidence_downloaded").count() == 1


def test_evidence_on_another_districts_question_is_404_and_nothing_is_written(alice, theirs):
    item = theirs["item"]
    response = add(alice.client(), item, "note", text="Sneaky")
    assert response.status_code == 404
    api = alice.client().post(f"{API}/checklist/{item.pk}/evidence",
                              {"kind": "note", "text": "Sneaky"},
                              content_type="application/json")  # fmt: skip
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert Evidence.objects.filter(item=item).count() == 1


# --- Export ---------------------------------------------------------------------------------


def test_the_checklist_exports_as_csv_and_excel(alice, bobs_question, note, bob_staff):
    client = alice.client()
    rows = export_rows(client.get(reverse("rollout:checklist-export",
                                          args=[bobs_question.initiative_id, "csv"])))  # fmt: skip
    assert rows[0] == ["Recommendation", "Question", "Status", "Owner", "Owner's staff id",
                       "Due on", "Evidence"]  # fmt: skip
    assert len(rows) == 23
    assert rows[1][0].startswith("1. ") and rows[1][3] == bob_staff.full_name
    assert rows[1][6] == "1"
    excel = client.get(reverse("rollout:checklist-export",
                               args=[bobs_question.initiative_id, "xlsx"]))  # fmt: skip
    assert excel.content[:2] == b"PK"


# --- Tenancy and permissions ----------------------------------------------------------------

# Every URL name of the checklist pages, with what its argument is and how it is called.
URLS = {
    "checklist": ("initiative", "get"),
    "checklist-start": ("initiative", "post-only"),
    "checklist-question-new": ("initiative", "post"),
    "checklist-export": ("initiative", "export"),
    "checklist-question": ("item", "post"),
    "checklist-evidence-add": ("item", "post-only"),
    "checklist-evidence-file": ("evidence", "get"),
    "checklist-evidence-remove": ("evidence", "post-only"),
}


def requests_for(objects: dict) -> list[tuple[str, str, str]]:
    calls = []
    for name, (target, how) in URLS.items():
        pk = objects[target].pk
        if how == "export":
            calls += [
                (name, "get", reverse(f"rollout:{name}", args=[pk, f])) for f in ("csv", "xlsx")
            ]
            continue
        url = reverse(f"rollout:{name}", args=[pk])
        if how in ("get", "post"):
            calls.append((name, "get", url))
        if how in ("post", "post-only"):
            calls.append((name, "post", url))
    return calls


def test_the_tenancy_table_covers_every_checklist_url():
    from trellis.rollout.views import checklist as views  # once the URL converters exist

    assert set(URLS) == {p.name for p in views.urlpatterns}


def test_another_district_gets_404_for_every_checklist_page_export_and_file(
    charlie, bobs_question, upload
):
    objects = {"initiative": bobs_question.initiative, "item": bobs_question, "evidence": upload}
    writes = AuditEvent.objects.count()
    client = charlie.client()
    for name, method, url in requests_for(objects):
        body = {"status": "done", "kind": "note", "note-text": "x", "text": "x",
                "recommendation": "1"}  # fmt: skip
        assert getattr(client, method)(url, body).status_code == 404, (name, method)
    api = [
        client.get(f"{API}/initiatives/{bobs_question.initiative_id}/checklist"),
        client.post(f"{API}/initiatives/{bobs_question.initiative_id}/checklist/start"),
        client.patch(f"{API}/checklist/{bobs_question.pk}", {"status": "done"},
                     content_type="application/json"),
        client.post(f"{API}/checklist/{bobs_question.pk}/evidence", {"kind": "note", "text": "x"},
                    content_type="application/json"),
    ]  # fmt: skip
    assert [r.status_code for r in api] == [404] * 4
    assert AuditEvent.objects.count() == writes
    assert Evidence.objects.count() == 1


def test_district_a_gets_404_for_district_bs_checklist(alice, theirs):
    client = alice.client()
    for name, method, url in requests_for(theirs):
        assert getattr(client, method)(url).status_code == 404, (name, method)


def test_a_teacher_reads_the_checklist_and_gets_403_on_the_managers_writes(bob, alice, started):
    item = items_of(started, 1)[0]
    evidence = services.evidence_add(item=item, kind="note", text="Kept", actor=alice.user)
    client = bob.client()
    assert client.get(reverse("rollout:checklist", args=[started.pk])).status_code == 200
    assert client.get(reverse("rollout:checklist-question", args=[item.pk])).status_code == 200
    for url in (
        reverse("rollout:checklist-start", args=[started.pk]),
        reverse("rollout:checklist-question-new", args=[started.pk]),
        reverse("rollout:checklist-question", args=[item.pk]),
        reverse("rollout:checklist-evidence-add", args=[item.pk]),
        reverse("rollout:checklist-evidence-remove", args=[evidence.pk]),
    ):
        body = {"status": "done", "kind": "note", "note-text": "x", "recommendation": "1",
                "text": "Ours?"}  # fmt: skip
        assert client.post(url, body).status_code == 403, url
    assert client.get(reverse("rollout:checklist-question-new", args=[started.pk])
                      ).status_code == 403  # fmt: skip
    assert client.get(reverse("rollout:checklist-export", args=[started.pk, "csv"])
                      ).status_code == 403  # fmt: skip
    assert ChecklistItem.objects.filter(initiative=started).count() == 22


def test_checklist_writes_and_downloads_are_in_the_audit_log(alice, bob, bobs_question, note,
                                                             upload):  # fmt: skip
    services.evidence_remove(evidence=note, actor=alice.user)
    bob.client().get(reverse("rollout:checklist-evidence-file", args=[upload.pk]))
    logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert logged >= {
        "rollout.checklist_started", "rollout.checklist_question_updated",
        "rollout.evidence_added", "rollout.evidence_removed", "rollout.evidence_downloaded",
    }  # fmt: skip


# --- API ------------------------------------------------------------------------------------


def test_the_checklist_and_its_progress_through_the_api(bob, started, alice):
    mark(items_of(started, 1)[0], ItemStatus.DONE, alice.user)
    body = bob.client().get(f"{API}/initiatives/{started.pk}/checklist").json()
    assert (body["done"], body["applicable"], body["total"]) == (1, 22, 22)
    first = body["recommendations"][0]
    assert (first["number"], first["done"], first["applicable"], first["percent"]) == (1, 1, 4, 25)
    assert [len(r["items"]) for r in body["recommendations"]] == [4, 5, 3, 7, 3]


def test_the_owner_patches_status_and_due_date_but_not_the_owner_through_the_api(
    bob, bobs_question, staff_a, bob_staff
):
    url = f"{API}/checklist/{bobs_question.pk}"
    ok = bob.client().patch(url, {"status": "in_progress", "due_on": "2027-01-15"},
                            content_type="application/json")  # fmt: skip
    assert ok.status_code == 200, ok.content
    assert (ok.json()["status"], ok.json()["due_on"]) == ("in_progress", "2027-01-15")
    handed = bob.client().patch(url, {"owner_id": staff_a.pk}, content_type="application/json")
    assert handed.status_code == 403
    bobs_question.refresh_from_db()
    assert bobs_question.owner == bob_staff


def test_the_api_refuses_another_districts_owner_and_bad_input_at_the_field(
    alice, bobs_question, staff_b, bob_staff
):
    client = alice.client()
    url = f"{API}/checklist/{bobs_question.pk}"
    foreign = client.patch(url, {"owner_id": staff_b.pk}, content_type="application/json")
    assert foreign.status_code == 422
    assert [e["field"] for e in foreign.json()["errors"]] == ["body.owner_id"]
    garbage = client.patch(url, {"due_on": "soon"}, content_type="application/json")
    assert (
        garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "body.payload.due_on"
    )
    link = client.post(f"{url}/evidence", {"kind": "link", "url": "javascript:alert(1)"},
                       content_type="application/json")  # fmt: skip
    assert [e["field"] for e in link.json()["errors"]] == ["body.url"]
    empty = client.post(f"{url}/evidence", {"kind": "note", "text": ""},
                        content_type="application/json")  # fmt: skip
    assert [e["field"] for e in empty.json()["errors"]] == ["body.text"]
    bobs_question.refresh_from_db()
    assert bobs_question.owner == bob_staff and bobs_question.due_on is None
    assert not Evidence.objects.exists()
    added = client.post(f"{url}/evidence", {"kind": "link", "url": "https://example.org/plan"},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["kind"] == "link"


def test_a_question_can_be_left_without_an_owner_through_the_api(alice, bobs_question):
    response = alice.client().patch(f"{API}/checklist/{bobs_question.pk}", {"owner_id": None},
                                    content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["owner_id"] is None


def test_a_teacher_cannot_start_the_checklist_or_touch_others_questions_through_the_api(
    bob, started, initiative
):
    item = items_of(started, 2)[0]
    client = bob.client()
    assert client.post(f"{API}/initiatives/{started.pk}/checklist/start").status_code == 403
    assert client.patch(f"{API}/checklist/{item.pk}", {"status": "done"},
                        content_type="application/json").status_code == 403  # fmt: skip
    assert client.post(f"{API}/checklist/{item.pk}/evidence", {"kind": "note", "text": "x"},
                       content_type="application/json").status_code == 403  # fmt: skip
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_STARTED and not Evidence.objects.exists()


def test_the_api_takes_no_files_as_evidence(alice, bobs_question):
    response = alice.client().post(f"{API}/checklist/{bobs_question.pk}/evidence",
                                   {"kind": "file"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and not Evidence.objects.exists()


def test_the_checklist_endpoints_are_in_the_openapi_document(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/rollout/initiatives/{initiative_id}/checklist" in paths
    assert "patch" in paths["/api/v1/rollout/checklist/{item_id}"]


def test_evidence_needs_a_kind(bob, bobs_question):
    client = bob.client()
    response = client.post(reverse("rollout:checklist-evidence-add", args=[bobs_question.pk]),
                           {"kind": "video"}, follow=True)  # fmt: skip
    assert "Choose a note, a link or a file" in response.content.decode()
    with pytest.raises(ValidationError):
        services.evidence_add(item=bobs_question, kind="video", actor=bob.user)
    assert not Evidence.objects.exists()
