from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from trellis.core import navigation
from trellis.core.policy import led_consortia, permissions, user_districts
from trellis.core.tenancy import district_of


def shell(request: HttpRequest) -> dict[str, Any]:
    """Navigation, the active district and the district switcher for the base layout."""
    user = request.user
    if not user.is_authenticated:
        return {}
    district = district_of(request)
    granted = permissions(user, district)
    leads = led_consortia(user).exists()
    nav = []
    for item in navigation.items():
        visible = (leads if item.consortium else district is not None) and (
            item.perm is None or item.perm in granted
        )
        if visible:
            url = reverse(item.url_name)
            nav.append({"label": item.label, "url": url, "active": _is_active(request, url)})
    return {
        "active_district": district,
        "my_districts": list(user_districts(user)),
        "nav_items": nav,
        "perms": granted,
    }


def _is_active(request: HttpRequest, url: str) -> bool:
    return request.path == url or (url != "/" and request.path.startswith(url))
