"""The main navigation: each app registers its entries when it is ready.

Only entries the user may open are shown, so no link is ever greyed out.
"""

from __future__ import annotations

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
