"""A pytest plugin for figure 8 (``-p trust.audit_probe``): while the product's own tests run,
watch every call of every public service function and write, per function, how its calls went.

For each call it reads, at entry and at exit, how many rows the SQLite connection has changed
(``total_changes``: inserts, updates, deletes) and how many audit events exist. What a call's
nested service calls did is taken off its own numbers, so a call is judged on what it wrote
itself: it **wrote** when it changed rows, and it **audited** when it added an event. A write
without its own event is left to the service that called it (a review saving its criteria
with ``audit=False`` records one event for all), whose own event must then cover it; at the
outermost call it counts as a write without an event. A call that raised is counted apart
(its transaction is rolled back). The result goes to the JSON file
named by ``TRELLIS_AUDIT_PROBE_OUT``.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import json
import os
import pkgutil
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PACKAGE = "trellis"


def service_modules() -> list[ModuleType]:
    """Every ``services`` module or package (and its submodules) of every Trellis app."""
    import trellis

    found = []
    for info in pkgutil.walk_packages(trellis.__path__, prefix=f"{PACKAGE}."):
        parts = info.name.split(".")
        if "services" in parts and "tests" not in parts:
            found.append(importlib.import_module(info.name))
    return found


def service_functions() -> dict[str, Any]:
    """Public functions defined in a services module: ``app.module:function`` -> function."""
    out = {}
    for module in service_modules():
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if inspect.unwrap(value).__module__ != module.__name__:
                continue  # imported from elsewhere
            out[f"{module.__name__}:{name}"] = value
    return out


@dataclass
class Tally:
    calls: int = 0
    raised: int = 0
    wrote: int = 0  # calls that changed rows themselves
    audited: int = 0  # calls that added an event themselves
    unaudited: int = 0  # calls that changed rows and added no event
    read_only: int = 0  # calls that changed nothing and added nothing
    helper_direct: int = 0  # writes of a caller-audited helper called with no service around
    tests: set[str] = field(default_factory=set)
    unaudited_tests: set[str] = field(default_factory=set)  # where a write went unrecorded


@dataclass
class Frame:
    name: str
    changes: int
    last_event: int
    child_changes: int = 0
    child_events: set[tuple[Any, ...]] = field(default_factory=set)
    pending: int = 0  # writes of nested helpers that leave the event to their caller


def _changes() -> int:
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception:  # a test without the database (a pure parser): nothing to count
        return 0
    return int(connection.connection.total_changes)


def _events_since(last_id: int | None) -> tuple[int, frozenset[tuple[Any, ...]]]:
    """The newest event id, and the events after ``last_id``, each known by its contents: an id
    alone is not enough, since SQLite hands a rolled-back row's id out again."""
    from trellis.core.models import AuditEvent

    try:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if last_id is None:
            return newest, frozenset()
        rows = AuditEvent.objects.filter(id__gt=last_id).values_list(
            "id", "action", "target_type", "target_id", "occurred_at"
        )
        return newest, frozenset(rows)
    except Exception:  # no database in this test
        return 0, frozenset()


class Probe:
    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.stack: list[Frame] = []
        self.test = ""
        self.installed = False

    def install(self) -> None:
        """Put a watching wrapper in place of every service function, wherever a Trellis module
        holds it (``from trellis.x.services import f`` binds the name in the importer)."""
        functions = service_functions()
        for module_name in [m.name for m in pkgutil.walk_packages(_trellis_path(), "trellis.")]:
            if ".tests" not in module_name and "browser_testing" not in module_name:
                with contextlib.suppress(Exception):  # a module that needs what is absent
                    importlib.import_module(module_name)
        wrapped = {id(f): self._wrap(name, f) for name, f in functions.items()}
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("trellis."):
                for attr, value in list(vars(module).items()):
                    if id(value) in wrapped:
                        setattr(module, attr, wrapped[id(value)])
        self.tallies.update({name: Tally() for name in functions})
        self.installed = True

    def _wrap(self, name: str, function: Any) -> Any:
        @functools.wraps(function)
        def watched(*args: Any, **kwargs: Any) -> Any:
            last_event, _ = _events_since(None)
            self.stack.append(Frame(name, _changes(), last_event))
            try:
                result = function(*args, **kwargs)
            except BaseException:
                self._finish(raised=True)
                raise
            self._finish(raised=False)
            return result

        return watched

    def _finish(self, *, raised: bool) -> None:
        top = self.stack.pop()
        total_changes = _changes() - top.changes
        _, events = _events_since(top.last_event)  # those still there: a rollback takes its own
        parent = self.stack[-1] if self.stack else None
        if parent is not None:
            parent.child_changes += total_changes
            parent.child_events |= events
        tally = self.tallies[top.name]
        tally.calls += 1
        tally.tests.add(self.test)
        if raised:
            tally.raised += 1
            return
        own_events = len(events - top.child_events)
        wrote = total_changes - top.child_changes - own_events > 0
        audited = own_events > 0
        tally.wrote += wrote
        tally.audited += audited
        tally.read_only += not wrote and not audited
        pending = top.pending + (1 if wrote and not audited else 0)
        if audited or not pending:
            return  # its own event covers its writes and those its nested calls left to it
        if parent is not None:
            parent.pending += pending  # the calling service's own event must cover them
        elif name_is_helper(top.name):
            tally.helper_direct += pending  # a test of the helper itself, no caller to audit
        else:
            tally.unaudited += pending
            tally.unaudited_tests.add(self.test)

    def report(self) -> dict[str, Any]:
        out = {}
        for name, tally in sorted(self.tallies.items()):
            row = asdict(tally)
            row["tests"] = sorted(tally.tests)[:3]
            row["unaudited_tests"] = sorted(tally.unaudited_tests)[:5]
            out[name] = row
        return out


# Service-module functions that write for their caller, which records the event with its
# context: called with no service around them (by their own tests, or the benchmarks' bulk
# generator), their writes are counted apart, not as writes without an event.
AUDITED_BY_CALLER: dict[str, str] = {
    "trellis.org.services:staff_user_link": "district sign-in links the account, then audits",
    "trellis.hiring.services:standard_template_build": "template_seed audits it; the scale "
    "generator's bulk data calls it alone",
}


def name_is_helper(name: str) -> bool:
    return name in AUDITED_BY_CALLER


def _trellis_path() -> list[str]:
    import trellis

    return list(trellis.__path__)


PROBE = Probe()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    import django

    django.setup()
    PROBE.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    PROBE.test = item.nodeid
    PROBE.stack.clear()
    yield


def pytest_unconfigure(config: pytest.Config) -> None:
    out = os.environ.get("TRELLIS_AUDIT_PROBE_OUT")
    if out:
        Path(out).write_text(json.dumps(PROBE.report(), indent=1), encoding="utf-8")
