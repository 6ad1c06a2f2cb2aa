"""The wall: a teacher's evaluator never reads their coaching content, by any route.

The sweep asks every URL the project serves (pages, exports, the API, the admin, the audit
history, searches) as two evaluators — Tess's principal, and the person named as her evaluator
made a district admin and a superuser besides — and looks for the secrets planted in the notes,
next steps, a comment and a consultant's name. The property test builds random org graphs and
checks the rule against an oracle written from the product's definition, not from the code.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.coaching import class_reports, selectors, services, wall
from trellis.coaching.models import (
    Comment,
    Interaction,
    Relationship,
    ReportShare,
    Share,
    Standard,
)
from trellis.coaching.tests.helpers import NOTE, cast, leaks, member
from trellis.core.models import AuditEvent, Membership, Role
from trellis.core.services import api_token_create
from trellis.factories import DistrictFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

_PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_ADMIN_APPS = re.compile(r"\^\(\?P<app_label>([a-z_|]+)\)/\$")


def _routes() -> Iterator[str]:
    def walk(patterns, prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    yield from dict.fromkeys(walk(get_resolver().url_patterns, ""))


def _urls(ids: list[int]) -> Iterator[str]:
    for route in _routes():
        admin_apps = _ADMIN_APPS.search(route)
        if admin_apps:
            for label in [*admin_apps[1].split("|"), "coaching"]:
                yield "/" + route[: admin_apps.start()] + f"{label}/"
            continue
        if "(?P<" in route:  # the admin's catch-all
            continue
        names = _PLACEHOLDER.findall(route)
        values: list[list[str]] = [
            ["csv", "xlsx"] if n == "fmt" else [str(i) for i in ids] for n in names
        ]
        for combo in itertools.product(*values):
            url = route
            for value in combo:
                url = _PLACEHOLDER.sub(value, url, count=1)
            yield "/" + url


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):  # an Excel workbook: look inside every part
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return b"".join(book.read(name) for name in book.namelist())
    return content


def _content_counts() -> tuple[int, int, int]:
    return Interaction.objects.count(), Comment.objects.count(), Share.objects.count()


POST_DATA = {
    "text": "evaluator was here",
    "username": "vera",
    "end_date": "2020-01-01",
    "kind": "visit",
    "occurred_on": "2020-01-01",
    "minutes": "10",
    "notes": "x",
}


def _evaluators(c) -> dict[str, Client]:
    vera = c["vera"].user
    Membership.objects.create(user=vera, district=c.district, role=Role.DISTRICT_ADMIN)
    vera.is_staff = vera.is_superuser = True
    vera.save()
    clients = {}
    for name in ("pat", "vera"):
        client = c[name].client()
        token = api_token_create(user=c[name].user, name="sweep")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        clients[name] = client
    return clients


REPORT_CODE = "ZQ-SECRET-CODE-5c1d"  # a student's code in Tess's class report


def _class_report(c) -> int:
    """Tess's class report, shared with Mia, with a student code no evaluator may ever see."""
    Standard.objects.create(district=c.district, code="WALL.4.NF.1", description="Fractions")
    report = class_reports.class_report_create(
        district=c.district, teacher=c["tess"].staff, title="Grade 4 math", school_year="2026-27",
        rows=[class_reports.ResultRow(REPORT_CODE, "WALL.4.NF.1", 2),
              class_reports.ResultRow("S02", "WALL.4.NF.1", 4)],
        actor=c["tess"].user,
    )  # fmt: skip
    class_reports.class_report_share(report=report, user=c["mia"].user, actor=c["tess"].user)
    # A share made before Vera became Tess's evaluator (the service refuses one made now).
    ReportShare.objects.create(report=report, user=c["vera"].user)
    return report.pk


def test_no_url_page_export_api_admin_or_audit_shows_an_evaluator_any_coaching_content():
    c = cast()
    assert c.relationship is not None
    report = _class_report(c)
    # The planted code is there to be found: the teacher's own page shows it.
    assert REPORT_CODE.encode() in _body(c["tess"].client().get(f"/coaching/reports/{report}/"))
    ids = sorted(
        {
            report,
            c.relationship.pk,
            *(e.pk for e in c.entries),
            *Share.objects.values_list("pk", flat=True),
            *Comment.objects.values_list("pk", flat=True),
            c["tess"].staff.pk,
            c["cole"].staff.pk,
        }
    )
    before = _content_counts()
    urls = list(_urls(ids))
    assert any("/coaching/records/" in u for u in urls)
    assert any(u.startswith("/api/v1/coaching/") for u in urls)
    assert any(u.startswith("/audit/") for u in urls)
    found: list[tuple[str, str, str, list[str]]] = []
    asked = 0
    for who, client in _evaluators(c).items():
        for url in urls:
            for method, extra in (("get", ""), ("get", "?q=small+groups"), ("post", "")):
                if extra and _PLACEHOLDER.search(url):
                    continue
                if method == "post" and url.startswith("/api/"):
                    response = client.post(url, {}, content_type="application/json")
                elif method == "post":
                    response = client.post(url, POST_DATA)
                else:
                    response = client.get(url + extra)
                asked += 1
                assert response.status_code < 500, (who, method, url)
                body = _body(response)
                leaked = leaks(body) + ([REPORT_CODE] if REPORT_CODE.encode() in body else [])
                if leaked:
                    found.append((who, method, url, leaked))
    assert asked > 500
    assert found == []
    assert _content_counts() == before
    assert Relationship.objects.get().end_date is None


def test_the_audit_history_and_the_admin_hold_no_coaching_content():
    c = cast()
    services.interaction_update(
        interaction=c.entries[0],
        kind="data",
        occurred_on=c.entries[0].occurred_on,
        minutes=20,
        notes=f"{NOTE} changed",
        next_steps="",
        actor=c["cole"].user,
    )
    assert AuditEvent.objects.filter(action__startswith="coaching.").count() >= 6
    for event in AuditEvent.objects.all():
        assert leaks(f"{event.target_label} {event.changes}".encode()) == []
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "coaching" not in registered
    assert "Coaching interaction" in str(c.entries[0])  # what logs and errors would print


def test_the_people_in_the_relationship_and_a_share_read_it_and_nobody_else_does():
    c = cast()
    url = f"/coaching/records/{c.relationship.pk}/"
    readers = {"cole", "tess", "mia"}
    for name, person in c.people.items():
        response = person.client().get(url)
        if name in readers:
            assert response.status_code == 200, name
            assert NOTE in response.content.decode()
        else:
            assert response.status_code == 404, name


def test_a_principal_sees_counts_and_an_empty_search_never_a_note():
    c = cast()
    response = c["pat"].client().get("/coaching/counts/")
    assert response.status_code == 200
    assert "Classroom visit" in response.content.decode()
    assert leaks(response.content) == []
    assert c["tess"].client().get("/coaching/counts/").status_code == 403


@st.composite
def org_graphs(draw):
    size = draw(st.integers(3, 7))
    people = [
        {
            "school": draw(st.sampled_from([0, 1, None])),
            "role": draw(st.sampled_from([Role.TEACHER, Role.COACH, Role.PRINCIPAL, Role.HR])),
            "supervisor": draw(st.none() | st.integers(0, size - 1)),
        }
        for _ in range(size)
    ]
    pairs = draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=5)
    )
    shares = draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, size - 1)), max_size=5))
    moves = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.none() | st.integers(0, size - 1)), max_size=3
        )
    )
    return people, pairs, shares, moves


class _Rollback(Exception):
    pass


def _evaluates(user, teacher, staff_by_user, principals) -> bool:
    """The product's definition, written independently of ``wall``."""
    if teacher.user_id == user.pk:
        return False
    if teacher.supervisor is not None and teacher.supervisor.user_id == user.pk:
        return True
    if user.pk in principals:
        own = staff_by_user.get(user.pk)
        return own is None or own.school_id is None or own.school_id == teacher.school_id
    return False


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=org_graphs())
def test_in_random_org_graphs_no_evaluator_ever_reads_a_coaching_record(graph):
    people, pairs, shares, moves = graph
    try:
        with transaction.atomic():
            _check_graph(people, pairs, shares, moves)
            raise _Rollback
    except _Rollback:
        pass


def _check_graph(people, pairs, shares, moves) -> None:
    district = DistrictFactory()
    schools = [SchoolFactory(district=district), SchoolFactory(district=district)]
    admin_user = UserFactory()
    Membership.objects.create(user=admin_user, district=district, role=Role.DISTRICT_ADMIN)
    members = [
        member(
            district,
            f"p{i}-{district.pk}",
            p["role"],
            None if p["school"] is None else schools[p["school"]],
        )
        for i, p in enumerate(people)
    ]
    for m, p in zip(members, people, strict=True):
        if p["supervisor"] is not None:
            m.staff.supervisor = members[p["supervisor"]].staff
            m.staff.save()
    relationships = []
    for coach, teacher in pairs:
        try:
            relationships.append(
                services.relationship_create(
                    district=district,
                    coach=members[coach].staff,
                    teacher=members[teacher].staff,
                    begin_date=timezone.localdate(),
                    actor=admin_user,
                )
            )
        except (
            ValidationError,
            PermissionDenied,
        ):  # refused pairs (self, evaluator, duplicate) are part of the graph
            continue
        services.interaction_log(
            relationship=relationships[-1],
            kind="visit",
            occurred_on=timezone.localdate(),
            minutes=10,
            notes=NOTE,
            actor=members[coach].user,
        )
    for index, reader in shares:
        if index < len(relationships):
            r = relationships[index]
            try:
                services.share_grant(
                    relationship=r, user=members[reader].user, actor=r.teacher.user
                )
            except (ValidationError, PermissionDenied):
                continue
    for who, new_supervisor in moves:  # the org changes after records were shared
        staff = members[who].staff
        staff.supervisor = None if new_supervisor is None else members[new_supervisor].staff
        staff.save()

    staff_by_user = {m.user.pk: m.staff for m in members}
    principals = {
        m.user.pk for m, p in zip(members, people, strict=True) if p["role"] == Role.PRINCIPAL
    }
    for m in members:
        readable = set(
            wall.readable_relationships(user=m.user, district=district).values_list("pk", flat=True)
        )
        for r in Relationship.objects.filter(district=district).select_related(
            "teacher__supervisor"
        ):
            if _evaluates(m.user, r.teacher, staff_by_user, principals):
                assert r.pk not in readable
                with pytest.raises(Http404):
                    selectors.relationship_readable(user=m.user, district=district, pk=r.pk)
                response = m.client().get(f"/coaching/records/{r.pk}/")
                assert response.status_code == 404
                assert leaks(response.content) == []
            elif r.teacher.user_id == m.user.pk:
                assert r.pk in readable
            elif r.coach.user_id != m.user.pk and not r.shares.filter(user=m.user).exists():
                assert r.pk not in readable
    assert Interaction.objects.filter(district=district).count() == len(relationships)
