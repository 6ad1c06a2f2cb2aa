"""The main navigation: each app registers its entries when it is ready.

Only entries the user may open are shown, so no link is ever greyed out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None  # a district permission; None: any signed-in member
    order: int = 50
    consortium: bool = False  # shown to consortium leads instead of district members


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, i.label))


def items() -> tuple[NavItem, ...]:
    return tuple(_ITEMS)


@dataclass(frozen=True)
class RecordLink:
    """A page of a higher app about a record of a lower one (a person's assignment history
    on the staff page), so the lower app links to it without importing it."""

    record: str  # "staff", "school"…
    label: str
    url_name: str  # reversed with the record's primary key
    perm: str | None = None


_RECORD_LINKS: list[RecordLink] = []


def register_record_link(link: RecordLink) -> None:
    if link not in _RECORD_LINKS:
        _RECORD_LINKS.append(link)


def record_links(record: str, pk: int, granted: frozenset[str]) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        (link.label, reverse(link.url_name, args=[pk]))
        for link in _RECORD_LINKS
        if link.record == record and (link.perm is None or link.perm in granted)
    ]


# A higher app's short note about people that a lower app shows beside their record (a
# teacher's year of evaluation amnesty on the staff page and the learning plan), so the lower
# app shows it without importing the higher one. The provider answers for many people at once.
StaffNotes = Callable[[int, Sequence[int]], dict[int, list[str]]]
_STAFF_NOTES: list[StaffNotes] = []


def register_staff_notes(provider: StaffNotes) -> None:
    if provider not in _STAFF_NOTES:
        _STAFF_NOTES.append(provider)


def staff_notes(district_id: int, staff_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every registered note for these people, by staff id (one query per provider)."""
    notes: dict[int, list[str]] = {}
    for provider in _STAFF_NOTES:
        for staff_id, lines in provider(district_id, staff_ids).items():
            notes.setdefault(staff_id, []).extend(lines)
    return notes
