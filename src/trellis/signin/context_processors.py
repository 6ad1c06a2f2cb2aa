from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from trellis.signin import selectors


def signin_panel(request: HttpRequest) -> dict[str, Any]:
    """``{{ signin_panel }}`` on the sign-in page: the district sign-in buttons.

    A callable, so the buttons are read only by the page that shows them. ``?district=<slug>``
    narrows them to one district, for a link a district gives its staff.
    """

    def render() -> SafeString:
        slug = request.GET.get("district", "")[:80]
        buttons = selectors.login_buttons(district_slug=slug)
        context = {"buttons": buttons, "next": request.GET.get("next", "")}
        return render_to_string("signin/_login_panel.html", context, request=request)

    panel: Callable[[], SafeString] = render
    return {"signin_panel": panel}
