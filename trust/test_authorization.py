"""Figure 2: the authorization matrix. Every route the project serves — each page and export
from the URL resolver and each operation of the JSON API — is classified into an object type
and an action (read, list, search, export, edit, history); the answer every role should get is
generated from the one policy table (``ROLE_PERMISSIONS``) and the few rules written down in
``RULES`` below; then every role asks every route, with ids from its own district (and, for a
principal, from the other school) and from another district, and each answer is compared:
0 unexpected allows, 0 unexpected denies. A route nobody classified fails the figure, so a new
page is never silently left out. ``test_the_matrix_fails_when_a_rule_is_disabled`` shows the
checker is able to fail: it grants a role one permission more, and drops the district check.
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from trellis.config.api import api
from trellis.core import policy
from trellis.core.models import AuditEvent, District, Membership, Role, User
from trellis.org.models import School, Staff
from trellis.org.models import StaffClassification as SC

P = policy
DISTRICT_ROLES = [r for r in Role if r != Role.CONSORTIUM_LEAD]
ACTIONS = ("read", "list", "search", "export", "edit", "history")

# --- 1. Routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "org:staff-detail", or "api:staff_detail"
    path: str  # the resolver's pattern, placeholders in <>
    method: str  # GET for pages (their edits are asked by GET and POST), the API's own method
    app: str


_API_PREFIX = "api/v1/"


def _walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}{p.name}", p.callback


def _operations(callback: Any) -> list[Any]:
    """The API operations behind one of django-ninja's URL patterns (its path view's)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return list(operations)
    return []


def routes() -> list[Route]:
    """Every route: the resolver's patterns, with the API's patterns split into operations."""
    found: dict[tuple[str, str], Route] = {}
    for path, name, callback in _walk(get_resolver().url_patterns, "", ""):
        operations = _operations(callback)
        for op in operations:
            func = inspect.unwrap(op.view_func)
            app = func.__module__.split(".")[1]
            for method in op.methods:
                found[(path, method)] = Route(f"api:{app}.{func.__name__}", path, method, app)
        if not operations:
            module = getattr(callback, "__module__", "") or ""
            app = module.split(".")[1] if module.startswith("trellis.") else module.split(".")[0]
            found.setdefault((path, "GET"), Route(name, path, "GET", app))
    return list(found.values())


# --- 2. Classification: (object type, action) ---------------------------------------------------

# Literal path segments that name what a route does to an object rather than the object.
_VERBS = {
    "new", "edit", "add", "remove", "delete", "end", "copy", "import", "seed", "share", "approve",
    "discard", "publish", "draft", "next", "start", "done", "reopen", "record", "status", "leave",
    "score", "recommend", "decide", "renewal", "open", "close", "remind", "retire", "restore",
    "move", "tick", "cancel", "enrol", "sign-in", "attendance", "bulk", "revise", "correct",
    "apply", "log", "comment", "assign", "transitions", "suggest", "add-remaining", "volunteer",
    "from-template", "cv", "compare", "file", "thanks", "sent", "complete", "setup",
    "availability", "meeting-times", "answer", "versions", "scores", "scorecards", "evidence",
    "reviews", "shares", "goals", "pairs", "interactions", "members", "data", "data-task",
    "candidate", "parts", "login", "callback", "acs", "finish", "sls",
    "metadata", "cancelled", "error", "keep", "committee", "recommendation", "decision",
}  # fmt: skip
_EDIT_NAME = re.compile(
    r"(create|new|edit|add|remove|delete|end|action|state|transition|copy|import|seed|share|"
    r"unshare|approve|discard|publish|draft|next|start|done|reopen|record|status|leave|score|"
    r"recommend|decide|renewal|step|open|close|remind|retire|restore|move|tick|cancel|enrol|"
    r"signin|attendance|bulk|revise|correct|apply|internal|update|submit|mark|replace|volunteer|"
    r"add-remaining|suggest|switch|logout|keep|pair|evidence-add|meeting-new)$"
)


def action_of(route: Route) -> str:
    name = route.name.split(":")[-1].split(".")[-1]
    if route.method != "GET":
        return "edit"
    if name.startswith("audit") or "history" in name:
        return "history"
    if "export" in name or route.path.endswith((".<export:fmt>", ".json", ".ics")):
        return "export"
    if name in {"edfi_resource", "data_task"} or route.path.endswith("/cv/"):
        return "export" if name == "edfi_resource" else "read"
    if name.endswith(("-file", "-cv")):
        return "read"
    if _EDIT_NAME.search(name.replace("_", "-")):
        return "edit"
    return "read" if _ends_in_id(route) else "list"


def _ends_in_id(route: Route) -> bool:
    tail = [s for s in route.path.split("/") if s]
    return bool(tail) and "<" in tail[-1]


# The object types, each named by the nouns its URLs use. A noun missing here leaves its
# routes unclassified, which fails the figure.
NOUNS: dict[str, str] = {
    # core
    "audit": "audit event", "district": "district", "districts": "district",
    "login": "account", "logout": "account", "password": "account", "reset": "account",
    "two-factor": "account", "healthz": "service status", "openapi.json": "api description",
    "docs": "api description", "": "home", "v1": "api description",
    "accounts": "account", "saml": "account", "oidc": "account", "admin": "admin site",
    "signin-providers": "sign-in provider",
    # org
    "schools": "school", "staff": "staff",
    # roles
    "roles": "role catalog", "types": "role type", "role-types": "role type",
    "job-descriptions": "job description", "positions": "position", "assignments": "assignment",
    "org-chart": "role catalog", "by-level": "role catalog", "people": "person",
    # hiring
    "hiring": "hiring", "postings": "posting", "interviews": "interview",
    "applications": "application", "processes": "interview process",
    "interview-processes": "interview process", "reports": "report", "jobs": "public posting",
    # pay
    "pay": "pay", "mine": "own records", "me": "own records", "schedules": "salary schedule",
    "sources": "funding source", "costs": "position cost", "board": "board",
    "projection": "projection", "scenarios": "scenario", "schedule": "salary schedule",
    # learning
    "learning": "learning", "activities": "activity", "sessions": "session",
    "hours": "hours", "certifications": "certification", "candidacies": "candidacy",
    "requirements": "certification", "plan": "own records", "plans": "learning plan",
    "plcs": "plc", "onboarding": "onboarding", "tracks": "onboarding track", "items": "item",
    # coaching
    "coaching": "coaching record", "records": "coaching record", "entries": "coaching entry",
    "relationships": "coaching record", "counts": "coaching counts", "summary": "coaching counts",
    "caseloads": "caseload", "standards": "standard", "assignment": "coach assignment",
    "coaches": "coach profile", "coach-profiles": "coach profile", "proposals": "coach assignment",
    "teachers": "coach assignment",
    # rollout
    "rollout": "initiative", "initiatives": "initiative", "vision": "vision",
    "schools-vision": "vision", "phases": "plan phase", "cohorts": "cohort",
    "volunteers": "volunteer", "amnesty": "cohort", "progress": "progress",
    "taskforce": "taskforce", "actions": "taskforce action", "checklist": "checklist",
    "questions": "checklist", "communications": "communication", "feedback": "feedback",
    "provider-reviews": "provider review", "criteria": "provider review",
    "providers": "provider review", "suggestion": "cohort",
    # pathways
    "pathways": "ladder", "ladders": "ladder", "steps": "ladder", "succession": "succession",
    "moves": "career report", "turnover": "career report", "retention": "career report",
    "pipeline": "career report", "flows": "career report", "standing": "person",
    "readiness": "person",
    # surveys
    "surveys": "survey", "instruments": "survey instrument", "sections": "survey instrument",
    "rounds": "survey round", "administrations": "survey round", "participation": "survey round",
    "results": "survey results", "settings": "survey settings",
    # insights
    "dashboard": "dashboard", "board-report": "dashboard", "consortium": "consortium totals",
    "reference": "grantee", "grantees": "grantee", "totals": "grantee",
    # interop
    "data": "data import", "imports": "data import", "sheets": "data import",
    "edfi": "ed-fi export", "problems": "data import",
    # the same word in another area
    "rollout:board": "initiative", "rollout:plan": "initiative", "coaching:reports": "class report",
    "learning:meetings": "plc meeting", "rollout:meetings": "taskforce", "enrolments": "enrolment",
    "candidates": "candidacy", "meeting-times": "taskforce", "pay:people": "pay",
    "pay:positions": "pay", "learning:counts": "certification",
}  # fmt: skip


def object_type(route: Route) -> str | None:
    if route.path.startswith("admin/"):
        return "admin site"
    path = route.path.removeprefix(_API_PREFIX)
    literals: list[str] = []
    for raw in path.split("/"):
        seg = re.sub(r"\.?<[^>]+>(\.\w+)?$", "", raw).removeprefix("^")
        if seg != raw and "<" in path.split(raw)[0]:
            continue  # "reports/<pk>/standards.<fmt>": a table of the object, not another noun
        if not seg or seg.startswith(("(?P", "export", "v<")) or "<" in seg:
            continue
        if seg in _VERBS and literals:
            continue
        literals.append(seg)
    if {"me", "mine"} & set(literals):
        return "own records"
    # The most specific noun wins: vision of an initiative, results of a round.
    for seg in reversed(literals or [""]):
        for key in (f"{route.app}:{seg}", seg):
            if key in NOUNS:
                return NOUNS[key]
    return None


# --- 3. The expected answer, from the policy table and the written-down rules ------------------

EVERYONE = "everyone in the district"  # any member: what VIEW, held by every role, grants
SIGNIN = "the sign-in pages"  # anyone's; figure 9 (sign-in and sessions) measures them
PUBLIC = "anyone, signed in or not"
# Only the people a record is about: the coaching wall (the coach, the teacher and whom the
# teacher shares with); a panelist's own scorecard; a taskforce member's own availability; a
# committee member's provider scores; an invited respondent's answers. This sweep's users are in
# none of them, and no permission stands in for being one.
NOBODY = "only the people in it"
CONSORTIUM = "consortium leads"
OWN = "the user's own records"  # any member, and they see only their own
SCHOOL = "managers, or a principal for their own school"
SELF = "managers, or the person themselves"  # the ids asked are never the asker's own
SIGNED_IN = "anyone signed in"  # the reference landscape; the list of one's own districts


@dataclass(frozen=True)
class Rule:
    """Who may do one action to one object type: a permission of the policy table, or one of the
    special rules above. ``also`` are permissions needed besides (an export also needs EXPORT)."""

    who: str
    also: tuple[str, ...] = ()
    manager: str = ""  # for SCHOOL and SELF: the permission that stands in for being them


def _std(read: str, edit: str, export: str | None = None) -> dict[str, Rule]:
    return {
        "read": Rule(read), "list": Rule(read), "search": Rule(read), "history": Rule(P.AUDIT_VIEW),
        "edit": Rule(edit), "export": Rule(export or read, () if export else (P.EXPORT,)),
    }  # fmt: skip


def _all(who: str) -> dict[str, Rule]:
    return {a: Rule(who) for a in ACTIONS}


# Object type -> action -> rule. The special rules, all here: the coaching wall (no permission
# grants a coaching record, entry or class report: only the people in it, and this sweep's
# users are in none); a principal's school scope (learning plans); the consortium lead's
# aggregates; a user's own records (their pay, plan, hours, onboarding, career page).
RULES: dict[str, dict[str, Rule]] = {
    "home": _all(EVERYONE) | {"edit": Rule(EVERYONE)},
    "account": _all(SIGNIN),
    "service status": _all(PUBLIC),
    "api description": _all(PUBLIC),  # the OpenAPI description of an open-source product
    "admin site": _all(NOBODY),  # Django's admin: staff accounts only, and no role makes one
    "district": _all(SIGNED_IN),
    "audit event": _all(P.AUDIT_VIEW) | {"export": Rule(P.AUDIT_VIEW, (P.EXPORT,))},
    "sign-in provider": _all(P.MEMBERS_MANAGE),
    "own records": _all(OWN),
    "school": _std(P.VIEW, P.EDIT),
    "staff": _std(P.VIEW, P.EDIT),
    "role catalog": _std(P.VIEW, P.ROLES_EDIT),
    "role type": _std(P.VIEW, P.ROLES_EDIT),
    "job description": _std(P.VIEW, P.ROLES_EDIT),
    "position": _std(P.VIEW, P.ROLES_EDIT),
    "assignment": _std(P.VIEW, P.ROLES_EDIT),
    "person": _std(P.VIEW, P.ROLES_EDIT),
    "hiring": _std(EVERYONE, P.HIRING_MANAGE),
    # A posting: hiring managers, and the panelists seated on it (whom this sweep has none of);
    # the list shows each person the postings they may see.
    "posting": _std(P.HIRING_MANAGE, P.HIRING_MANAGE) | {"list": Rule(OWN), "search": Rule(OWN)},
    "interview": _std(P.HIRING_MANAGE, P.HIRING_MANAGE),
    "application": _std(P.HIRING_MANAGE, P.HIRING_MANAGE),
    "interview process": _std(P.HIRING_MANAGE, P.HIRING_MANAGE),
    "report": _std(P.HIRING_MANAGE, P.HIRING_MANAGE),
    "public posting": _all(PUBLIC),
    "pay": _std(P.PAY_VIEW, P.PAY_EDIT),
    "salary schedule": _std(P.PAY_VIEW, P.PAY_EDIT),
    "funding source": _std(P.PAY_VIEW, P.PAY_EDIT),
    "position cost": _std(P.PAY_VIEW, P.PAY_EDIT),
    "board": _std(P.PAY_VIEW, P.PAY_EDIT),
    "projection": _std(P.PAY_VIEW, P.PAY_EDIT),
    "scenario": _std(P.PAY_VIEW, P.PAY_EDIT),
    "learning": _std(EVERYONE, P.LEARNING_MANAGE),
    "activity": _std(EVERYONE, P.LEARNING_MANAGE),
    "session": _std(EVERYONE, P.LEARNING_MANAGE),
    "hours": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "certification": _std(EVERYONE, P.LEARNING_MANAGE),
    "candidacy": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "learning plan": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "plc": _std(EVERYONE, P.LEARNING_MANAGE),
    "onboarding": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "enrolment": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "plc meeting": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "onboarding track": _std(P.LEARNING_MANAGE, P.LEARNING_MANAGE),
    "item": _std(P.SURVEYS_MANAGE, P.SURVEYS_MANAGE),
    "coaching record": _all(NOBODY),
    "coaching entry": _all(NOBODY),
    "class report": _all(NOBODY),
    "coaching counts": _std(P.COACHING_AGGREGATES, P.COACHING_MANAGE),
    "caseload": _std(P.COACHING_MANAGE, P.COACHING_MANAGE),
    "standard": _std(EVERYONE, P.COACHING_MANAGE, EVERYONE),  # a reference list of standards
    "coach assignment": _std(P.COACHING_MANAGE, P.COACHING_MANAGE),
    "coach profile": _std(P.COACHING_MANAGE, P.COACHING_MANAGE),
    "initiative": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "vision": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "plan phase": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "cohort": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "volunteer": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "progress": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "taskforce": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "taskforce action": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "checklist": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "communication": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "feedback": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "provider review": _std(EVERYONE, P.ROLLOUT_MANAGE),
    "ladder": _std(EVERYONE, P.PATHWAYS_MANAGE),
    "succession": _std(P.PATHWAYS_MANAGE, P.PATHWAYS_MANAGE),
    "career report": _std(P.PATHWAYS_REPORTS, P.PATHWAYS_MANAGE),
    "survey": _std(EVERYONE, P.SURVEYS_MANAGE),
    "survey instrument": _std(P.SURVEYS_MANAGE, P.SURVEYS_MANAGE),
    "survey round": _std(P.SURVEYS_MANAGE, P.SURVEYS_MANAGE),
    "survey results": _std(P.SURVEYS_RESULTS, P.SURVEYS_MANAGE),
    "survey settings": _std(P.SURVEYS_MANAGE, P.SURVEYS_MANAGE),
    "dashboard": _std(EVERYONE, P.EDIT),
    "consortium totals": _all(CONSORTIUM),
    "grantee": _all(SIGNED_IN),
    "data import": _all(P.INTEROP_MANAGE),
    "ed-fi export": _all(P.INTEROP_MANAGE),
}

# Routes whose rule is not their object type's, each with its reason.
ROUTE_RULES: dict[str, Rule] = {
    "core:district-switch": Rule(SIGNIN),  # the session's choice among one's own districts
    "roles:version-action": Rule(P.ROLES_EDIT),  # publish (review has its own permission)
    "api:roles.review_create": Rule(P.ROLES_REVIEW),
    "roles:consortium-figure": Rule(CONSORTIUM),
    "roles:consortium-figure-export": Rule(CONSORTIUM),
    "pay:consortium": Rule(CONSORTIUM),
    "hiring:apply-internal": Rule(EVERYONE),  # staff apply to an open internal posting
    "learning:session-enrol": Rule(EVERYONE),  # enrol yourself
    "api:learning.enrolment_create": Rule(EVERYONE),
    "rollout:volunteer": Rule(EVERYONE),  # volunteer yourself for the pilot
    "api:rollout.school_answer": Rule(SCHOOL, manager=P.ROLLOUT_MANAGE),  # their school's vision
    "api:rollout.volunteer_add": Rule(EVERYONE),
    "admin:login": Rule(PUBLIC),
    "api:api-root": Rule(NOBODY),  # django-ninja's root: nothing is there, for anyone
    "learning:plcs-export": Rule(OWN),  # the PLCs one belongs to (a manager: every one)
    "coaching:relationship-create": Rule(EVERYONE),  # a manager pairs anyone; a coach, themselves
    "coaching:relationship-end": Rule(P.COACHING_MANAGE),
    "api:coaching.relationship_create": Rule(EVERYONE),
    "rollout:taskforce-availability": Rule(NOBODY),
    "api:rollout.suggestion": Rule(P.ROLLOUT_MANAGE),
    "rollout:cohort-suggest": Rule(P.ROLLOUT_MANAGE),
    "api:rollout.scores_submit": Rule(NOBODY),
    "rollout:review-score": Rule(NOBODY),
    "hiring:score": Rule(NOBODY),
    "api:hiring.scorecard_submit": Rule(NOBODY),
    "learning:session-signin": Rule(P.LEARNING_MANAGE),  # the printable sheet of names
    "learning:session-export": Rule(P.LEARNING_MANAGE),
    "learning:program-export": Rule(P.LEARNING_MANAGE),
    "learning:program-breakdown-export": Rule(P.LEARNING_MANAGE),
    "learning:plans": Rule(P.LEARNING_MANAGE),
    "learning:plans-export": Rule(P.LEARNING_MANAGE),
    "learning:plan": Rule(SCHOOL, manager=P.LEARNING_MANAGE),
    "learning:goal-new": Rule(SCHOOL, manager=P.LEARNING_MANAGE),
    "api:learning.plan_detail": Rule(SCHOOL, manager=P.LEARNING_MANAGE),
    "api:learning.goal_create": Rule(SCHOOL, manager=P.LEARNING_MANAGE),
    "api:pathways.moves": Rule(P.PATHWAYS_MANAGE),
    "pathways:moves": Rule(P.PATHWAYS_MANAGE),
    "pathways:moves-export": Rule(P.PATHWAYS_MANAGE, (P.EXPORT,)),
    "api:surveys.administration_list": Rule(f"{P.SURVEYS_MANAGE}|{P.SURVEYS_RESULTS}"),
    "api:surveys.administration_detail": Rule(f"{P.SURVEYS_MANAGE}|{P.SURVEYS_RESULTS}"),
    "coaching:home": Rule(OWN),  # your own coaching records, and counts if you may see them
    "coaching:class-reports": Rule(OWN),
    "coaching:class-reports-export": Rule(OWN),
    "coaching:class-report-import": Rule(OWN),  # a teacher imports their own class's results
    "api:coaching.report_list": Rule(OWN),
    "api:coaching.report_import": Rule(OWN),
    "api:coaching.relationship_list": Rule(OWN),
    "surveys:home": Rule(EVERYONE),  # the surveys you are invited to
    "surveys:answer": Rule(NOBODY),  # an invitation's token is the key, and none is guessed
    "surveys:thanks": Rule(PUBLIC),
    "surveys:round-answer": Rule(NOBODY),  # the invited
    "api:surveys.answer": Rule(NOBODY),
    "api:surveys.settings_detail": Rule(EVERYONE),  # the minimum group size results are held to
    "learning:person": Rule(SELF, manager=P.LEARNING_MANAGE),
    "pathways:person": Rule(SELF, manager=P.PATHWAYS_MANAGE),
    "pathways:person-export": Rule(SELF, (P.EXPORT,), manager=P.PATHWAYS_MANAGE),
    "api:pathways.readiness": Rule(SELF, manager=P.PATHWAYS_MANAGE),
    "insights:dashboard-export": Rule(EVERYONE, (P.EXPORT,)),
    "insights:board-report": Rule(EVERYONE, (P.EXPORT,)),
    "healthz": Rule(PUBLIC),
}


def rule_for(route: Route, kind: str, action: str) -> Rule:
    return ROUTE_RULES.get(route.name) or RULES[kind][action]


@dataclass(frozen=True)
class Asker:
    label: str  # "hr@maple", "principal@maple/other-school", "consortium lead", "anonymous"
    role: str | None
    district_id: int | None
    school_id: int | None = None


def expected(rule: Rule, asker: Asker, table: Mapping[str, frozenset[str]], where: str) -> bool:
    """Should ``asker`` be let in? ``where``: "own", "other-school", "other-district", "none"."""
    if rule.who == PUBLIC:
        return True
    if asker.role is None:  # anonymous
        return False
    if rule.who == CONSORTIUM:
        return asker.role == Role.CONSORTIUM_LEAD
    if rule.who == SIGNED_IN:
        return True
    if asker.role == Role.CONSORTIUM_LEAD or where == "other-district":
        return False
    perms = table.get(asker.role, frozenset())
    if not all(p in perms for p in rule.also):
        return False
    if rule.who == NOBODY:
        return False
    if rule.who in (EVERYONE, OWN):
        return P.VIEW in perms
    if rule.who == SCHOOL:
        return rule.manager in perms or (asker.role == Role.PRINCIPAL and where == "own")
    if rule.who == SELF:
        return rule.manager in perms
    return any(p in perms for p in rule.who.split("|"))


# --- 4. The world: two districts of the demo, every role in each --------------------------------


@dataclass
class World:
    districts: list[District]
    schools: dict[int, list[School]]  # district -> [first school, second school]
    users: dict[Asker, User] = field(default_factory=dict)


def build_world() -> World:
    from trellis.demo.loader import demo_load

    demo_load()
    districts = list(District.objects.order_by("name"))  # Cedar Ridge, Harbor Point, Maple Valley
    world = World(districts, {})
    for d in districts:
        schools = list(School.objects.filter(district=d).order_by("name")[:2])
        world.schools[d.pk] = schools
        for role in DISTRICT_ROLES:
            for school in schools if role == Role.PRINCIPAL else schools[:1]:
                tag = "" if school == schools[0] else "/other-school"
                user = User.objects.create(username=f"authz-{role}-{d.slug}{tag.replace('/', '-')}")
                Membership.objects.create(user=user, district=d, role=role)
                Staff.objects.create(
                    district=d, school=school, user=user, staff_unique_id=f"AZ-{user.pk}",
                    first_name=role.title(), last_name="Matrix", email=f"{user.username}@x.org",
                    classification=SC.PRINCIPAL if role == Role.PRINCIPAL else SC.TEACHER,
                )  # fmt: skip
                world.users[Asker(f"{role}@{d.slug}{tag}", role, d.pk, school.pk)] = user
    lead = User.objects.get(username="dana")
    world.users[Asker("consortium lead", Role.CONSORTIUM_LEAD, None)] = lead
    return world


# --- 5. Ids: which object each placeholder names ------------------------------------------------


def _models() -> dict[str, type[models.Model]]:
    from django.apps import apps

    return {m.__name__: m for m in apps.get_models() if m.__module__.startswith("trellis.")}


# The literal segment before a page's <int:pk>, or an API parameter's name -> the model it names.
ID_MODELS: dict[str, str] = {
    "schools": "School", "school_id": "School", "staff": "Staff", "staff_id": "Staff",
    "types": "RoleType", "role_type_id": "RoleType", "job-descriptions": "JobDescription",
    "job_id": "JobDescription", "positions": "Position", "position_id": "Position",
    "assignments": "Assignment", "assignment_id": "Assignment", "people": "Staff",
    "postings": "Posting", "posting_id": "Posting", "interviews": "Interview",
    "interview_id": "Interview", "applications": "Application", "application_id": "Application",
    "scorecards": "Scorecard", "processes": "InterviewTemplate", "template_id": "InterviewTemplate",
    "schedules": "SalarySchedule", "schedule_id": "SalarySchedule", "activities": "Activity",
    "activity_id": "Activity", "sessions": "Session", "session_id": "Session",
    "enrolments": "Enrolment", "enrolment_id": "Enrolment",
    "certifications": "CertificationProgram",
    "program_id": "CertificationProgram", "candidacies": "Candidacy", "requirements": "Requirement",
    "evidence": "RequirementEvidence", "plans": "Staff", "goals": "PlanGoal", "goal_id": "PlanGoal",
    "plcs": "Plc", "plc_id": "Plc", "meetings": "PlcMeeting", "onboarding": "Onboarding",
    "onboarding_id": "Onboarding", "tracks": "OnboardingTrack", "items": "TrackItem",
    "records": "Relationship", "relationship_id": "Relationship", "entries": "Interaction",
    "interaction_id": "Interaction", "caseloads": "Staff", "reports": "ClassReport",
    "report_id": "ClassReport", "coaches": "CoachProfile", "assignment": "AssignmentProposal",
    "proposal_id": "AssignmentProposal", "teacher_id": "Staff", "rollout": "Initiative",
    "initiative_id": "Initiative", "cohorts": "Cohort", "cohort_id": "Cohort",
    "members": "CohortMember", "member_id": "CohortMember", "volunteers": "Volunteer",
    "actions": "Action", "action_id": "Action", "questions": "ChecklistItem",
    "item_id": "ChecklistItem", "communications": "Communication", "communication_id":
    "Communication", "feedback": "FeedbackSession", "reviews": "ProviderReview",
    "review_id": "ProviderReview", "ladders": "Ladder", "ladder_id": "Ladder",
    "instruments": "Instrument", "instrument_id": "Instrument", "rounds": "Administration",
    "administration_id": "Administration", "signin-providers": "SignInProvider",
    "phase_id": "Phase", "meeting_id": "Meeting", "share_id": "ReportShare",
    "component_id": "Component", "number": "JobDescriptionVersion", "section_id": "Section",
    "provider_id": "Provider", "criterion_id": "Criterion", "import_id": "ImportRun",
}  # fmt: skip
# The same word naming another area's object: (app, the segment before the placeholder).
AREA_IDS: dict[tuple[str, str], str] = {
    ("rollout", "taskforce/members"): "TaskforceMember", ("rollout", "members"): "CohortMember",
    ("rollout", "evidence"): "Evidence",
    ("rollout", "meetings"): "Meeting", ("surveys", "items"): "Item",
    ("rollout", "checklist"): "ChecklistItem", ("rollout", "questions"): "ChecklistItem",
    ("rollout", "items"): "ChecklistItem", ("learning", "items"): "TrackItem",
    ("learning", "meetings"): "PlcMeeting", ("rollout", "criteria"): "Criterion",
    ("hiring", "components"): "Component", ("hiring", "parts"): "Component",
}  # fmt: skip
# Placeholders that name a child of the object before them (resolved through its foreign key).
CHILD_MODELS: dict[str, tuple[str, ...]] = {
    "component_pk": ("Component",), "share_pk": ("Share", "ReportShare"),
    "number": ("JobDescriptionVersion", "VisionVersion"), "order": ("Step",),
    "provider_pk": ("Provider",), "criterion_pk": ("Criterion",), "phase_pk": ("Phase",),
    "cohort_pk": ("Cohort",), "teacher_pk": ("ProposedPair",), "item_pk": ("TrackItem",),
    "school_pk": ("School",), "activity_pk": ("Activity",),
}  # fmt: skip
# Words a route takes, one that works for each.
WORDS: dict[str, str] = {
    "hiring:posting-action": "open", "hiring:application-action": "move",
    "roles:role-type-state": "retire", "roles:version-action": "publish",
    "learning:item-tick": "tick", "hiring:report-export": "by-posting",
    "pathways:turnover-export": "by-role", "pathways:person-export": "timeline",
    "interop:sheet-import": "staff", "interop:sheet-template": "staff",
    "interop:edfi": "staffs", "api:interop.edfi_resource": "staffs", "rollout:review-step": "close",
    "api:rollout.review_step": "close",
}  # fmt: skip
_PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


class Ids:
    """Objects of one district for the placeholders, first school first."""

    def __init__(self, world: World) -> None:
        self.models = _models()
        self.world = world
        self.want_file = False
        self.named_objects = False

    def first(self, model: type[models.Model], district: District, school: School | None) -> Any:
        qs = model._default_manager.all()
        names = {f.name for f in model._meta.fields}
        if "district" in names:
            qs = qs.filter(district=district)
        else:
            link = next(f for f in model._meta.fields if f.is_relation and f.name != "user")
            qs = qs.filter(**{f"{link.name}__district": district})
        for field_name in ("cv", "file"):  # a file's page: an object that has one
            if self.want_file and field_name in names:
                qs = qs.exclude(**{field_name: ""})
        if school is not None and "school" in names:
            qs = qs.filter(school=school) if qs.filter(school=school).exists() else qs
        elif school is not None and "staff" in names:
            mine = qs.filter(staff__school=school)
            qs = mine if mine.exists() else qs
        return qs.order_by("pk").first()

    def child(self, names: tuple[str, ...], parent: Any, district: District) -> Any:
        if names == ("Component",) and hasattr(parent, "posting"):  # an interview's data task
            task = self.models["DataTask"]._default_manager.filter(
                component__template=parent.posting.template
            )
            return task.order_by("pk").first().component if task.exists() else None
        for name in names:
            model = self.models[name]
            for f in model._meta.fields:
                if f.is_relation and parent is not None and isinstance(parent, f.related_model):
                    found = model._default_manager.filter(**{f.name: parent}).order_by("pk")
                    if found.exists():
                        return found.first()
            if name == "School":
                return self.world.schools[district.pk][0]
            if name == "Activity":
                return self.first(model, district, None)
        return None

    def url(self, route: Route, district: District, school: School | None) -> str | None:
        """The route's URL with objects of ``district``, or None if it holds no such object."""
        path = route.path
        self.named_objects = False
        self.want_file = route.name.endswith(("-cv", "-file"))
        parent: Any = None
        out: list[str] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(path):
            conv, name = m.group(1), m.group(2)
            before = path[: m.start()].rstrip("/").rsplit("/", 1)[-1].lstrip("^")
            value = self._value(route, conv, name, before, m.start(), parent, district, school)
            if value is None:
                return None
            text, new_parent = value
            self.named_objects |= new_parent is not parent
            parent = new_parent
            out.append(path[pos : m.start()] + text)
            pos = m.end()
        out.append(path[pos:])
        return "/" + "".join(out)

    def _value(
        self, route: Route, conv: str | None, name: str, before: str, start: int, parent: Any,
        district: District, school: School | None,
    ) -> tuple[str, Any] | None:  # fmt: skip
        if conv == "export":
            return "csv", parent
        if route.name in WORDS and conv in (None, "str", "slug"):
            return WORDS[route.name], parent
        if name == "token":
            return self._token(route, district), parent
        if name == "uidb64":
            return "MQ", parent
        if route.path.startswith("admin/"):  # the admin's ids: any will do, it lets no one in
            return "1", parent
        if conv == "uuid" or name in ("public_id", "import_id"):  # an import run's public id
            run = self.first(self.models["ImportRun"], district, None)
            return (str(run.public_id), run) if run else None
        if name in CHILD_MODELS and parent is not None:
            obj = self.child(CHILD_MODELS[name], parent, district)
            if obj is None:
                return None
            key = {"number": "number", "order": "order", "teacher_pk": "teacher_id"}.get(name, "pk")
            return str(getattr(obj, key)), obj
        if name in ("item_id", "item_pk") and parent is not None and hasattr(parent, "track"):
            item = parent.track.items.order_by("pk").first()  # an onboarding's own list
            return (str(item.pk), item) if item else None
        before2 = "/".join(
            s for s in _PLACEHOLDER.sub("", route.path[:start]).split("/") if s
        ).rsplit("/", 2)[-2:]
        model_name = (
            AREA_IDS.get((route.app, "/".join(before2)))
            or AREA_IDS.get((route.app, before))
            or ID_MODELS.get(name)
            or ID_MODELS.get(before)
        )
        if model_name is None:
            return None
        model = self.models[model_name]
        if parent is not None and name not in ("pk",) and not name.endswith("_id"):
            obj = self.child((model_name,), parent, district)
        elif parent is not None:
            obj = self.child((model_name,), parent, district) or self.first(model, district, school)
        else:
            obj = self.first(model, district, school)
        if obj is None:
            return None
        key = "number" if name == "number" else "pk"
        return str(getattr(obj, key)), obj

    def _token(self, route: Route, district: District) -> str:
        if route.name.startswith("hiring:"):
            posting = self.first(self.models["Posting"], district, None)
            return posting.public_token if posting else "none"
        return "not-a-token"


# --- 6. Asking ----------------------------------------------------------------------------------


def _verdict(response: Any, wrote: bool | None = None) -> str:
    """ "allow", "deny", "error", "none" (the method is not served: ask another way) or
    "refused" (turned away before any decision showed: a redirect elsewhere, or a form or schema
    error that wrote nothing). ``wrote``: for a POST, whether it left an audit event — every
    service records one, so a write that happened is an allow whatever the status."""
    code = response.status_code
    if code >= 500:
        return "error"
    if code == 405:
        return "none"
    if code in (401, 403, 404):
        return "deny"
    if code in (301, 302, 303) and "/login/" in response.get("Location", ""):
        return "deny"
    if wrote is not None:
        return "allow" if wrote else "refused"
    if code in (301, 302, 303) or code == 422:
        return "refused"
    return "allow"


@dataclass
class Tally:
    requests: int = 0
    checks: int = 0
    allows: list[str] = field(default_factory=list)
    denies: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)  # neither decided nor written
    untested: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)


def _ask(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    if url.startswith("/api/"):
        call = getattr(client, method.lower())
        return (
            call(url, data or {}, content_type="application/json")
            if method != "GET"
            else (client.get(url, data or {}))
        )
    return client.post(url, data or {}) if method == "POST" else client.get(url, data or {})


# What a route needs asked with besides its ids (without it, it answers 404 to everyone).
QUERIES: dict[str, dict[str, str]] = {
    "pay:keep-export": {"budget": "1000000", "school_year": "2026-27"},
}
# Field values an API body takes where the schema's first choice would be refused for a reason
# other than authorization (a debrief goal comes only from hiring).
BODY_VALUES: dict[str, Any] = {"source": "supervisor"}
_SCHEMA: dict[str, Any] = {}


def api_body(route: Route, ids: Ids, district: District) -> dict[str, Any]:
    """A body the API's schema accepts (each required field with a plain value), so that an
    operation answers with its authorization decision rather than a validation error."""
    if not _SCHEMA:
        _SCHEMA.update(api.get_openapi_schema(path_prefix="/api/v1/"))
    key = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.path)
    op = _SCHEMA["paths"].get(key, {}).get(route.method.lower(), {})
    content = op.get("requestBody", {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema")
    values = dict(BODY_VALUES)
    for name, model_name in ID_MODELS.items():  # ids in the body: objects of the route's district
        if name.endswith("_id"):
            values[name] = lambda m=model_name: getattr(
                ids.first(ids.models[m], district, None), "pk", 1
            )
    value = _example(schema, 0, values) if schema else {}
    return value if isinstance(value, dict) else {}


def _example(schema: dict[str, Any], depth: int, values: Mapping[str, Any]) -> Any:
    if "$ref" in schema:
        schema = _SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(options[0], depth, values) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind, fmt = schema.get("type"), schema.get("format", "")
    if kind == "object" and depth < 4:
        props = schema.get("properties", {})
        return {
            k: _given(values[k]) if k in values else _example(props[k], depth + 1, values)
            for k in schema.get("required", [])
            if k in props
        }
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-09-01"
    if fmt == "date-time":
        return "2026-09-01T09:00:00Z"
    if fmt == "uuid":
        return str(uuid.uuid4())
    return "x" * max(1, schema.get("minLength", 1))


def _given(value: Any) -> Any:
    return value() if callable(value) else value


def _rolled_back(fn: Callable[[], Any]) -> tuple[Any, bool]:
    """Run one request and throw away whatever it wrote, so the next check sees the same world;
    and say whether it wrote an audit event (which every service does)."""
    with transaction.atomic():
        sid = transaction.savepoint()
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            response = fn()
            return response, AuditEvent.objects.filter(pk__gt=before).exists()
        finally:
            transaction.savepoint_rollback(sid)


def check(
    world: World, table: Mapping[str, frozenset[str]], only: Callable[[Route], bool] | None = None
) -> Tally:
    """Ask every route as every asker and compare with what ``table`` and RULES say."""
    tally = Tally()
    ids = Ids(world)
    # Every refusal would be logged with its traceback: thousands of them, all expected.
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        _check_all(world, table, only, tally, ids)
    finally:
        quiet.level = level
    return tally


def _check_all(
    world: World, table: Mapping[str, frozenset[str]], only: Callable[[Route], bool] | None,
    tally: Tally, ids: Ids,
) -> None:  # fmt: skip
    clients: dict[Asker, Client] = {}
    for asker, user in world.users.items():
        clients[asker] = Client()
        clients[asker].force_login(user)
    anonymous = Asker("anonymous", None, None)
    clients[anonymous] = Client()
    by_district = {d.pk: d for d in world.districts}
    for route in sorted(routes(), key=lambda r: (r.path, r.method)):
        if only is not None and not only(route):
            continue
        kind, action = object_type(route), action_of(route)
        if kind is None or kind not in RULES or action not in RULES[kind]:
            tally.unclassified.append(f"{route.method} {route.path} ({route.name})")
            continue
        if "(?P<" in route.path:  # the admin's and allauth's regex routes: their list pages
            continue  # are asked through the admin index below; allauth's flows are sign-in
        tally.kinds[kind] += 1
        rule = rule_for(route, kind, action)
        if rule.who == SIGNIN:
            continue
        for act in ("list", "search") if action == "list" else (action,):
            tally.actions[act] += 1
            _check_route(route, act, rule, world, ids, clients, by_district, table, tally)


def _check_route(
    route: Route, action: str, rule: Rule, world: World, ids: Ids, clients: dict[Asker, Client],
    by_district: dict[int, District], table: Mapping[str, frozenset[str]], tally: Tally,
) -> None:  # fmt: skip
    # Where the route's objects are: the first district holding every object it names.
    home_urls: dict[int, str] = {}
    has_ids = False
    for d in world.districts:
        url = ids.url(route, d, world.schools[d.pk][0])
        if url is not None:
            home_urls[d.pk] = url
            has_ids = ids.named_objects
    if not home_urls:
        tally.untested.append(f"{route.method} {route.path}")
        return
    home = next(iter(home_urls))
    other = next(d for d in world.districts if d.pk != home)
    query = {"q": "a"} if action == "search" else QUERIES.get(route.name)
    body = api_body(route, ids, by_district[home]) if route.method != "GET" else None
    for asker, client in clients.items():
        if asker.district_id is None:
            wheres = [("none" if not has_ids else "other-district", home_urls[home])]
        elif asker.district_id == home:
            where = "own" if asker.school_id == world.schools[home][0].pk else "other-school"
            if where == "other-school" and not has_ids:
                continue  # a list is the same list from either school
            wheres = [(where, home_urls[home])]
        elif asker.district_id == other.pk and has_ids:
            wheres = [("other-district", home_urls[home])]
        else:
            continue
        for where, url in wheres:
            want = expected(rule, asker, table, where)
            got = _answer(client, route, url, action, want, query, body)
            tally.requests += got[1]
            tally.checks += 1
            line = f"{asker.label} {route.method} {url} [{action}, {where}] -> {got[2]}"
            if got[0] == "error":
                tally.errors.append(line)
            elif got[0] == "refused":
                tally.refused[f"{route.method} {route.path}"] += 1
            elif got[0] == "allow" and not want:
                tally.allows.append(line)
            elif got[0] == "deny" and want:
                tally.denies.append(line)


def _answer(
    client: Client, route: Route, url: str, action: str, want: bool, query: Any, body: Any
) -> tuple[str, int, str]:
    """The verdict, the number of requests made, and the status codes seen."""
    if route.method != "GET":
        response, wrote = _rolled_back(lambda: _ask(client, route.method, url, body))
        return _verdict(response, wrote), 1, f"{response.status_code}{' wrote' * wrote}"
    response = _ask(client, "GET", url, query)
    verdict, asked, codes = _verdict(response), 1, str(response.status_code)
    if action == "edit" and (verdict == "none" or (not want and verdict != "error")):
        # The form was refused or is POST-only: an empty POST must be refused too.
        posted, wrote = _rolled_back(lambda: _ask(client, "POST", url))
        asked += 1
        codes += f"/POST {posted.status_code}{' wrote' * wrote}"
        second = _verdict(posted, wrote)
        verdict = second if verdict == "none" or second in ("allow", "error") else verdict
    return verdict, asked, codes


# --- 7. The figure ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _summary(t: Tally, roles: int) -> str:
    return (
        f"{len(t.allows)} unexpected allows, {len(t.denies)} unexpected denies in "
        f"{t.checks:,} checks ({t.requests:,} requests): {roles} roles x {len(t.kinds)} object "
        f"types x {len(t.actions)} actions over {sum(t.kinds.values())} routes; "
        f"{sum(t.refused.values())} checks undecided (input refused first), "
        f"{len(t.untested)} routes with no such object to ask for, "
        f"{len(t.unclassified)} unclassified, {len(t.errors)} server errors"
    )


@pytest.mark.django_db
def test_every_role_gets_what_the_policy_table_says_on_every_route(figure, world):
    t = check(world, policy.ROLE_PERMISSIONS)
    roles = len(DISTRICT_ROLES) + 2  # and the consortium lead, and anonymous
    undecided = sum(t.refused.values())
    ok = (
        not t.allows and not t.denies and not t.errors and not t.unclassified
        and t.checks > 5_000 and len(t.kinds) >= 50 and set(t.actions) == set(ACTIONS)
        and undecided < t.checks // 20 and len(t.untested) < 25
    )  # fmt: skip
    figure(
        "authorization", ok=ok, summary=_summary(t, roles),
        roles=roles, object_types=len(t.kinds), actions=len(t.actions),
        routes=sum(t.kinds.values()), checks=t.checks, requests=t.requests,
        unexpected_allows=len(t.allows), unexpected_denies=len(t.denies),
        undecided=undecided, server_errors=len(t.errors), unclassified=t.unclassified,
        untested=t.untested, allows=t.allows[:30], denies=t.denies[:30], errors=t.errors[:10],
        undecided_routes=dict(t.refused.most_common(30)),
    )  # fmt: skip
    assert ok, (_summary(t, roles), t.unclassified, t.allows[:40], t.denies[:40], t.errors[:10])


@pytest.mark.django_db
def test_the_matrix_fails_when_a_rule_is_disabled(world, monkeypatch):
    """The checker can fail: with the product's policy loosened, and the expected answers still
    generated from the real table, it reports the difference. (It records no figure.)"""
    from django.shortcuts import get_object_or_404

    from trellis.org import selectors as org_selectors

    expected_table = dict(policy.ROLE_PERMISSIONS)

    def org_only(route: Route) -> bool:
        return route.app == "org" and route.name.startswith(("org:school", "api:org.school"))

    # given a teacher granted one permission more than the table says
    monkeypatch.setitem(
        policy.ROLE_PERMISSIONS, Role.TEACHER, policy.ROLE_PERMISSIONS[Role.TEACHER] | {P.EDIT}
    )
    t = check(world, expected_table, only=org_only)
    # then the teachers' school edits show up as unexpected allows, and nothing else does
    assert t.allows and all(line.startswith("teacher@") for line in t.allows), t.allows
    assert not t.denies
    monkeypatch.setitem(policy.ROLE_PERMISSIONS, Role.TEACHER, expected_table[Role.TEACHER])

    # given a school fetched by id without its district check
    monkeypatch.setattr(
        org_selectors, "school_get", lambda *, district, pk: get_object_or_404(School, pk=pk)
    )
    t = check(world, expected_table, only=org_only)
    # then another district's school is reached: an unexpected allow for every role
    assert any("other-district" in line for line in t.allows), t.allows
    assert {line.split("@")[0] for line in t.allows} >= {str(r) for r in DISTRICT_ROLES}
