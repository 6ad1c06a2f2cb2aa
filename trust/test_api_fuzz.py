"""Figure 5: API fuzzing. schemathesis generates requests from the whole OpenAPI document
(/api/v1/openapi.json), valid ones and invalid ones, and every request is sent to the Django
app in-process with no credentials and then with a bearer token for each role (a district
admin, HR, a principal, a coach, a teacher, a panel member, a viewer and a consortium lead) in
a small seeded district. Half of the generated record ids are swapped for ids that exist, so
requests get past the lookup.

The bar: no response is a server error (5xx); every response matches the document (a status
code the operation documents, the documented content type, a body valid against the documented
schema; an error is at least the problem+json the API's description promises); and anonymous
requests get 401 on every operation that is not public."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from django.db import models
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trellis.coaching.tests.helpers import cast, member
from trellis.core import policy
from trellis.core.models import Membership, Role
from trellis.core.services import api_token_create
from trellis.factories import ConsortiumFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

OPENAPI = "/api/v1/openapi.json"
VALID_EXAMPLES = 10  # generated cases per operation, each sent as every role
INVALID_EXAMPLES = 2  # and invalid ones (a wrong type, a missing field, an unknown field)
ANONYMOUS_EXAMPLES = 3  # anonymous only has to be turned away
PROBLEM = "application/problem+json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
UNDOCUMENTED = "Undocumented status code"
# In order: the roles that may change the most come last, so what the fuzzer deletes as an
# admin does not take data away from the others first.
ROLES = [
    Role.VIEWER,
    Role.PANELIST,
    Role.TEACHER,
    Role.COACH,
    Role.PRINCIPAL,
    Role.CONSORTIUM_LEAD,
    Role.HR,
    Role.DISTRICT_ADMIN,
]


def _seed() -> tuple[str, dict[str, str]]:
    """The coaching wall's cast (Maple: a coaching relationship with entries, a comment and a
    share; another district beside it) plus HR, a panel member, a viewer and the lead of
    Maple's consortium; a bearer token for one person in each role."""
    c = cast()
    hana = member(c.district, "hana", Role.HR, None)
    pam = member(c.district, "pam", Role.PANELIST, c.aspen)
    vic = member(c.district, "vic", Role.VIEWER, None)
    consortium = ConsortiumFactory(name="Tri-County", slug="tri-county")
    c.district.consortium = consortium
    c.district.save(update_fields=["consortium"])
    dana = UserFactory(username="dana")
    Membership.objects.create(user=dana, consortium=consortium, role=Role.CONSORTIUM_LEAD)
    holders = {
        Role.DISTRICT_ADMIN: c["alice"].user,
        Role.HR: hana.user,
        Role.PRINCIPAL: c["pat"].user,
        Role.COACH: c["cole"].user,
        Role.TEACHER: c["tess"].user,
        Role.PANELIST: pam.user,
        Role.VIEWER: vic.user,
        Role.CONSORTIUM_LEAD: dana,
    }
    tokens = {str(role): api_token_create(user=user, name="fuzz") for role, user in holders.items()}
    return c.district.slug, tokens


def _record_ids() -> list[int]:
    """The ids of the seeded records (of every model, in both districts)."""
    ids: set[int] = set()
    for model in apps.get_models():
        if isinstance(model._meta.pk, models.AutoField):
            ids.update(model._default_manager.values_list("pk", flat=True)[:100])
    return sorted(ids)


def _pin(pair: tuple[Any, int | None]) -> Any:
    case, pk = pair
    if pk is not None:
        for name, value in (case.path_parameters or {}).items():
            if isinstance(value, int) and not isinstance(value, bool):
                case.path_parameters[name] = pk
    return case


def _cases(operation: Any, mode: GenerationMode, count: int, ids: list[int]) -> list[Any]:
    """``count`` cases for one operation, the same on every run (derandomized)."""
    found: list[Any] = []
    pks = st.one_of(st.none(), st.sampled_from(ids))

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(operation.as_strategy(generation_mode=mode), pks).map(_pin))
    def collect(case: Any) -> None:
        found.append(case)

    collect()
    return found


def _is_problem(response: Any) -> bool:
    if not (response.headers.get("content-type") or [""])[0].startswith(PROBLEM):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == response.status_code


class Tally:
    """What the requests found, with one example request for each kind of finding."""

    def __init__(self) -> None:
        self.cases: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.server_errors: dict[tuple[str, str], dict[str, Any]] = {}
        self.server_error_count = 0
        self.violations: dict[tuple[str, str, int], dict[str, Any]] = {}
        self.violation_count = 0
        self.undocumented: dict[tuple[str, int], dict[str, Any]] = {}
        self.undocumented_count: Counter[int] = Counter()
        self.anonymous_not_401: dict[str, dict[str, Any]] = {}
        self.exception = ""

    def send(self, who: str, case: Any, headers: dict[str, str]) -> None:
        self.exception = ""
        response = case.call(headers=headers)
        label, status = case.operation.label, response.status_code
        self.cases[who] += 1
        self.statuses[status] += 1
        sample = {
            "as": who,
            "operation": label,
            "path": case.formatted_path,
            "query": case.query or None,
            "body": None if case.body is NOT_SET else case.body,
            "status": status,
            "response": response.text[:300],
        }
        if status >= 500:
            self.server_error_count += 1
            self.server_errors.setdefault(
                (label, self.exception), sample | {"raised": self.exception}
            )
            return
        if who == "anonymous" and status != 401:
            self.anonymous_not_401.setdefault(label, sample)
        found: list[tuple[str, str]] = []
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            found = [(failure.title, failure.message[:400]) for failure in group.exceptions]
        if 400 <= status < 500 and not _is_problem(response):
            found.append(("Error is not problem+json", ""))
        for title, detail in found:
            if title == UNDOCUMENTED and 400 <= status < 500 and _is_problem(response):
                # A documented kind of error (problem+json), at a status the operation omits.
                self.undocumented_count[status] += 1
                self.undocumented.setdefault((label, status), sample)
            else:
                self.violation_count += 1
                self.violations.setdefault(
                    (label, title, status), sample | {"failure": title, "detail": detail}
                )

    def caught(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self.exception = repr(sys.exc_info()[1])[:300]


def _boom(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("deliberately broken permission check")


def _control(operations: list[Any], headers: dict[str, str], ids: list[int]) -> Tally:
    """The same tally, with the permission check broken, must count a server error (so the
    figure can fail), and a district admin's request must not count as turned away."""
    control = Tally()
    (schools,) = [op for op in operations if op.label == "GET /api/v1/schools"]
    (case,) = _cases(schools, GenerationMode.POSITIVE, 1, ids)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(policy, "require", _boom)
        control.send("district_admin", case, headers)
    control.send("anonymous", case, headers)
    return control


def test_fuzzing_every_operation_as_every_role_finds_no_errors(figure):
    slug, tokens = _seed()
    ids = _record_ids()
    tally = Tally()
    got_request_exception.connect(tally.caught, dispatch_uid="trust-api-fuzz")
    try:
        schema = schemathesis.openapi.from_wsgi(OPENAPI, get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        public = {op.label for op in operations if not op.security}
        admin = {
            "Authorization": f"Bearer {tokens[Role.DISTRICT_ADMIN]}",
            "X-Trellis-District": slug,
        }
        control = _control(operations, admin, ids)
        assert control.server_error_count == 1, control.statuses
        assert list(control.anonymous_not_401) == ["GET /api/v1/schools"], control.statuses
        valid, invalid = {}, {}
        for op in operations:
            valid[op.label] = _cases(op, GenerationMode.POSITIVE, VALID_EXAMPLES, ids)
            try:
                invalid[op.label] = _cases(op, GenerationMode.NEGATIVE, INVALID_EXAMPLES, ids)
            except Exception:  # an operation with nothing to make invalid
                invalid[op.label] = []
        for op in operations:
            for case in valid[op.label][:ANONYMOUS_EXAMPLES]:
                tally.send("anonymous", case, {})
        for role in ROLES:
            headers = {"Authorization": f"Bearer {tokens[role]}", "X-Trellis-District": slug}
            for op in operations:
                for case in valid[op.label] + invalid[op.label]:
                    tally.send(str(role), case, headers)
    finally:
        got_request_exception.disconnect(dispatch_uid="trust-api-fuzz")

    cases = sum(tally.cases.values())
    undocumented = sum(tally.undocumented_count.values())
    anonymous_open = {k: v for k, v in tally.anonymous_not_401.items() if k not in public}
    ok = (
        not tally.server_error_count
        and not tally.violation_count
        and not undocumented
        and not anonymous_open
        and len(operations) > 100  # the whole document was read
        and tally.cases["anonymous"] >= len(operations)
        and all(tally.cases[str(role)] >= len(operations) * VALID_EXAMPLES for role in ROLES)
    )
    figure(
        "fuzzing",
        ok=ok,
        summary=f"{tally.server_error_count} server errors, {tally.violation_count + undocumented} "
        f"schema violations ({undocumented} of them an error status the operation does not "
        f"document), {len(anonymous_open)} operations answer anonymous without 401; "
        f"{cases:,} cases over {len(operations)} operations as {len(ROLES)} roles and anonymous",
        operations=len(operations),
        cases=cases,
        cases_by_identity=dict(tally.cases),
        invalid_cases_per_role=sum(len(v) for v in invalid.values()),
        statuses={str(k): v for k, v in sorted(tally.statuses.items())},
        server_errors=tally.server_error_count,
        server_error_samples=list(tally.server_errors.values())[:30],
        schema_violations=tally.violation_count + undocumented,
        schema_violation_samples=list(tally.violations.values())[:30],
        undocumented_error_statuses={
            str(k): v for k, v in sorted(tally.undocumented_count.items())
        },
        undocumented_operations=len({label for label, _ in tally.undocumented}),
        anonymous_not_401=len(anonymous_open),
        anonymous_not_401_samples=list(anonymous_open.values())[:30],
        public_operations=sorted(public),
        schemathesis=schemathesis.__version__,
    )
    assert ok, (
        list(tally.server_errors.values())[:5],
        list(tally.violations.values())[:5],
        list(anonymous_open.values())[:5],
        dict(tally.undocumented_count),
    )
