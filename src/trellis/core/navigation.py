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
