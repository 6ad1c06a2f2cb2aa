"""District deletion: everything of one district, gone in one transaction, and a signed record.

What belongs to a district is found by walking the app registry, so a model added later is
covered without touching this module:

- every model with a foreign key to ``District`` (its ``district`` column), audit events
  included; and every model that reaches such a model through non-null foreign keys (a
  many-to-many table, a requirement of a certification program...);
- its people's accounts: a user whose memberships are all in the district, or who has no
  membership and only staff records of the district, together with what hangs off the account
  (API tokens, two-factor devices, recovery codes, e-mail addresses, linked sign-in accounts,
  sessions, failed sign-ins under that username). Superusers are kept, and so is anyone another
  district's rows still point at: they only lose their memberships of the district;
- the district's sign-in apps (allauth ``SocialApp`` rows its providers used), the background
  tasks queued about its rows, the admin log entries about its rows, and its uploaded files
  (removed once the transaction commits);
- audit events with no district about the district itself or about its deleted users.

Consortia, reference data (the grantee landscape), permissions and content types are shared and
stay. Rows are deleted children first, in foreign-key order (PROTECT and RESTRICT included), with
the raw deletes Django's own collector uses, so no signal or model ``delete()`` runs; the only
code that may remove audit events, which PostgreSQL otherwise refuses (see the migration
``core.0002``), is here, through the transaction-local setting ``trellis.erasing_district``.
The deletion refuses, with nothing written, when another district's rows point at this one's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import graphlib
import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from trellis.core.models import AuditEvent, District, LoginAttempt, Membership, User

SALT = "trellis.district-deletion"
MODEL_USER = "core.user"

# Models that belong to no district, and why. A model that neither reaches a district nor is
# listed here makes ``unclassified_models()`` non-empty, which the product tests and the trust
# figure treat as a failure: decide where a new model's rows go before it ships.
NOT_DISTRICT_OWNED: dict[str, str] = {
    "core.district": "the district itself: deleted last",
    "core.consortium": "shared by its member districts; it stays",
    "core.user": "deleted when all of the account's memberships are in the district",
    "core.user_groups": "an account's: goes with the account",
    "core.user_user_permissions": "an account's: goes with the account",
    "core.apitoken": "an account's: goes with the account",
    "core.loginattempt": "failed sign-ins under a deleted account's username are deleted",
    "signin.twofactordevice": "an account's: goes with the account",
    "signin.recoverycode": "an account's: goes with the account",
    "account.emailaddress": "an account's: goes with the account",
    "account.emailconfirmation": "an account's: goes with the account",
    "socialaccount.socialaccount": "an account's: goes with the account",
    "socialaccount.socialtoken": "an account's: goes with the account",
    "socialaccount.socialapp": "deleted when the district's sign-in provider used it",
    "sessions.session": "sessions of deleted accounts are deleted",
    "admin.logentry": "entries about the district's rows and by its deleted accounts are deleted",
    "django_tasks_database.dbtaskresult": "tasks queued about the district's rows are deleted",
    "auth.permission": "shared catalog",
    "auth.group": "shared catalog",
    "auth.group_permissions": "shared catalog",
    "contenttypes.contenttype": "shared catalog",
    "insights.grantee": "reference data: the study's published landscape",
}

# Background tasks name their district's row by its primary key: task path -> (model, argument).
TASK_TARGETS: dict[str, tuple[str, str]] = {
    "trellis.interop.tasks.run_import_task": ("interop.importrun", "run_id"),
    "trellis.coaching.tasks.run_proposal_task": ("coaching.assignmentproposal", "proposal_id"),
}


class DistrictDeletionError(Exception):
    """The deletion cannot go ahead; nothing was written."""


@dataclass(frozen=True)
class Owned:
    """A model whose rows belong to a district, and the lookup from it to the district."""

    model: type[models.Model]
    path: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self, district: District) -> models.QuerySet[Any]:
        return self.model._base_manager.filter(**{self.path: district})

    def rows_of(self, district_ids: Iterable[int]) -> models.QuerySet[Any]:
        return self.model._base_manager.filter(**{f"{self.path}__in": list(district_ids)})


@dataclass
class DeletionResult:
    district_id: int
    slug: str
    name: str
    deleted_at: dt.datetime
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    files: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def payload(self) -> dict[str, Any]:
        return {
            "kind": "trellis.district-deletion",
            "district": {"id": self.district_id, "slug": self.slug, "name": self.name},
            "deleted_at": self.deleted_at.isoformat(),
            "rows_deleted": dict(sorted(self.rows.items())),
            "total_rows_deleted": self.total,
            "files_deleted": self.files,
            "version": trellis_version(),
        }


def _district_fk(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is District:
            return f
    return None


def _fk_target(f: Any) -> type[models.Model] | None:
    if isinstance(f, models.ForeignKey) and isinstance(f.related_model, type):
        return f.related_model
    return None


def district_models() -> list[Owned]:
    """Every model whose rows belong to a district, found from the app registry."""
    owned: dict[type[models.Model], Owned] = {}
    every = apps.get_models(include_auto_created=True)
    for model in every:
        fk = _district_fk(model)
        if fk is not None:
            owned[model] = Owned(model, fk.name)
    grew = True
    while grew:  # then whatever reaches one of those through a non-null foreign key
        grew = False
        for model in every:
            if model in owned or model is District:
                continue
            for f in model._meta.concrete_fields:
                target = _fk_target(f)
                if target in owned and not f.null:
                    owned[model] = Owned(model, f"{f.name}__{owned[target].path}")
                    grew = True
                    break
    return _in_delete_order(list(owned.values()))


def unclassified_models() -> list[str]:
    """Models that neither reach a district nor say why they belong to none."""
    owned = {o.model for o in district_models()}
    return sorted(
        m._meta.label_lower
        for m in apps.get_models(include_auto_created=True)
        if m not in owned and m._meta.label_lower not in NOT_DISTRICT_OWNED
    )


def _in_delete_order(owned: list[Owned]) -> list[Owned]:
    """Referencing models before the models they reference (PROTECT and RESTRICT included), so
    each model's path to its district still joins when its rows go."""
    by_model = {o.model: o for o in owned}
    for with_nullable in (True, False):
        graph: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in by_model}
        for o in owned:
            for f in o.model._meta.concrete_fields:
                target = _fk_target(f)
                if target in by_model and target is not o.model and (with_nullable or not f.null):
                    graph[target].add(o.model)  # the target goes after the model pointing at it
        try:
            return [by_model[m] for m in graphlib.TopologicalSorter(graph).static_order()]
        except graphlib.CycleError:
            # A cycle through a nullable key (a provider and its current review): foreign keys
            # are checked at commit on both databases, so such a cycle may go in either order.
            continue
    return sorted(owned, key=lambda o: -o.path.count("__"))


def trellis_version() -> str:
    version = metadata.version("trellis")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607 — the operator's git
            capture_output=True,
            text=True,
            check=False,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return f"{version}+{commit}" if commit else version


# ---- what goes ------------------------------------------------------------------------


def _user_fks(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is User
    ]


def district_users(district: District, owned: list[Owned]) -> set[int]:
    """The accounts that are the district's alone (see the module's docstring)."""
    members = set(Membership.objects.filter(district=district).values_list("user_id", flat=True))
    elsewhere = set(Membership.objects.exclude(district=district).values_list("user_id", flat=True))
    staff_only = set(
        User.objects.filter(memberships__isnull=True, staff_records__district=district)
        .exclude(staff_records__in=_staff_elsewhere(district))
        .values_list("pk", flat=True)
    )
    candidates = (members - elsewhere) | staff_only
    candidates -= set(
        User.objects.filter(pk__in=candidates, is_superuser=True).values_list("pk", flat=True)
    )
    # Anyone another district's rows still name keeps the account.
    for o in owned:
        for f in _user_fks(o.model):
            others = o.model._base_manager.exclude(**{o.path: district})
            if o.model is AuditEvent:
                others = others.exclude(district__isnull=True)
            candidates -= set(
                others.filter(**{f"{f.name}__in": candidates}).values_list(f.attname, flat=True)
            )
    return candidates


def _staff_elsewhere(district: District) -> models.QuerySet[Any]:
    staff = apps.get_model("org", "Staff")
    rows: models.QuerySet[Any] = staff._base_manager.exclude(district=district)
    return rows.filter(user__isnull=False)


def _loose_events(district: District, users: set[int]) -> list[int]:
    """Audit events with no district about the district itself or about its deleted users."""
    about = models.Q(target_type="core.district", target_id=str(district.pk))
    if users:
        about |= models.Q(actor_id__in=users)
        about |= models.Q(target_type=MODEL_USER, target_id__in=[str(u) for u in users])
    return list(
        AuditEvent.objects.filter(district__isnull=True).filter(about).values_list("pk", flat=True)
    )


def _outside_references(district: District, owned: list[Owned]) -> list[str]:
    """Rows of another district (or of no district) that point at this district's rows."""
    by_model = {o.model: o for o in owned}
    found = []
    for model in apps.get_models(include_auto_created=True):
        mine = by_model.get(model)
        for f in model._meta.concrete_fields:
            target = by_model.get(_fk_target(f))  # type: ignore[arg-type]
            if target is None:
                continue
            rows = model._base_manager.filter(**{f"{f.name}__{target.path}": district})
            if mine is not None:
                rows = rows.exclude(**{mine.path: district})
            count = rows.count()
            if count:
                found.append(f"{count} {model._meta.label} row(s) through {f.name}")
    return found


# ---- the deletion ---------------------------------------------------------------------


def _files(district: District, owned: list[Owned]) -> list[str]:
    names: list[str] = []
    for o in owned:
        for f in o.model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names += [n for n in o.rows(district).values_list(f.attname, flat=True) if n]
    return names


def _raw_delete(queryset: models.QuerySet[Any]) -> int:
    # What Django's collector does for a fast delete: one DELETE, no signals, no model delete().
    return int(queryset._raw_delete(queryset.db) or 0)


def _set_erasing(district: District, events: Iterable[int]) -> None:
    """Open the audit table's PostgreSQL trigger to this district's events, for this
    transaction only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('trellis.erasing_district', %s, true)", [str(district.pk)]
        )
        cursor.execute(
            "SELECT set_config('trellis.erasing_events', %s, true)",
            [",".join(str(e) for e in events)],
        )


def _delete_side_rows(
    district: District, owned: list[Owned], users: set[int], rows: dict[str, int]
) -> None:
    """Admin log entries and queued tasks about the district's rows."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    def count(table: str, n: int) -> None:
        if n:
            rows[table] = rows.get(table, 0) + n

    log = LogEntry._meta.db_table
    count(log, _raw_delete(LogEntry.objects.filter(user_id__in=users)))
    for o in owned:
        content_type = ContentType.objects.get_for_model(o.model, for_concrete_model=False)
        if LogEntry.objects.filter(content_type=content_type).exists():
            ids = [str(pk) for pk in o.rows(district).values_list("pk", flat=True)]
            entries = LogEntry.objects.filter(content_type=content_type, object_id__in=ids)
            count(log, _raw_delete(entries))
    task_model = apps.get_model("django_tasks_database", "DBTaskResult")
    for path, (label, argument) in TASK_TARGETS.items():
        target = next((o for o in owned if o.label == label), None)
        queued = task_model._base_manager.filter(task_path=path)
        if target is None or not queued.exists():
            continue
        pks = set(target.rows(district).values_list("pk", flat=True))
        doomed = [t.pk for t in queued if _task_target(t.args_kwargs, argument) in pks]
        count(task_model._meta.db_table, _raw_delete(queued.filter(pk__in=doomed)))


def _task_target(args_kwargs: Any, argument: str) -> Any:
    kwargs = (args_kwargs or {}).get("kwargs") or {}
    args = (args_kwargs or {}).get("args") or []
    return kwargs.get(argument, args[0] if args else None)


def _delete_users(users: set[int], rows: dict[str, int]) -> None:
    if not users:
        return
    usernames = list(User.objects.filter(pk__in=users).values_list("username", flat=True))
    sessions = [
        s.pk
        for s in Session.objects.all()
        if str(s.get_decoded().get("_auth_user_id")) in {str(u) for u in users}
    ]
    for model, queryset in (
        (Session, Session.objects.filter(pk__in=sessions)),
        (LoginAttempt, LoginAttempt.objects.filter(username__in=usernames)),
    ):
        n = _raw_delete(queryset)
        if n:
            rows[model._meta.db_table] = n
    _collect(User._base_manager.filter(pk__in=users), rows)


def _collect(queryset: models.QuerySet[Any], rows: dict[str, int]) -> None:
    """Delete through Django's collector: an account's own rows cascade with it."""
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(queryset)  # type: ignore[arg-type]  # a queryset is what it takes
    _, per_model = collector.delete()
    for label, n in per_model.items():
        if n:
            table = apps.get_model(label)._meta.db_table
            rows[table] = rows.get(table, 0) + n


@transaction.atomic
def district_delete(*, district: District) -> DeletionResult:
    """Delete every row of ``district`` and its own accounts, in one transaction."""
    district = District.objects.select_for_update().get(pk=district.pk)
    result = DeletionResult(district.pk, district.slug, district.name, timezone.now())
    owned = district_models()
    blocking = _outside_references(district, owned)
    if blocking:
        raise DistrictDeletionError(
            "Other districts' rows point at this district's: " + "; ".join(blocking)
        )
    users = district_users(district, owned)
    events = _loose_events(district, users)
    files = _files(district, owned)
    apps_used = _signin_apps(district)
    _set_erasing(district, events)
    _delete_side_rows(district, owned, users, result.rows)
    for o in owned:
        n = _raw_delete(o.rows(district))
        if n:
            result.rows[o.model._meta.db_table] = n
    n = _raw_delete(AuditEvent.objects.filter(pk__in=events))
    if n:
        table = AuditEvent._meta.db_table
        result.rows[table] = result.rows.get(table, 0) + n
    if apps_used:
        social_app = apps.get_model("socialaccount", "SocialApp")
        _collect(social_app._base_manager.filter(pk__in=apps_used), result.rows)
    _delete_users(users, result.rows)
    result.rows[District._meta.db_table] = _raw_delete(District.objects.filter(pk=district.pk))
    result.files = len(files)
    transaction.on_commit(lambda: _remove_files(files))
    return result


def _signin_apps(district: District) -> list[int]:
    try:
        provider = apps.get_model("signin", "SignInProvider")
    except LookupError:
        return []
    return list(provider._base_manager.filter(district=district).values_list("app_id", flat=True))


def _remove_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # already gone: nothing of the district is left
            default_storage.delete(name)


# ---- the signed record ------------------------------------------------------------------


def confirmation_write(result: DeletionResult, path: Path) -> Path:
    """Write the signed record that the deletion happened (it holds none of the data)."""
    payload = result.payload()
    document = {**payload, "signature": signing.Signer(salt=SALT).sign_object(payload)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def confirmation_verify(path: Path) -> dict[str, Any]:
    """The record's contents when its signature holds; else ``signing.BadSignature``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise signing.BadSignature(f"not a deletion record: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("signature"), str):
        raise signing.BadSignature("not a deletion record: no signature")
    signed = signing.Signer(salt=SALT).unsign_object(document.pop("signature"))
    if signed != document:
        raise signing.BadSignature("the record differs from what was signed")
    return document


def default_out(result: DeletionResult) -> Path:
    from django.conf import settings

    stamp = result.deleted_at.strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "deletions" / f"{result.slug}-{stamp}.json"
