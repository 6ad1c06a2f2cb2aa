"""What a signed-in session must keep up: the time limits, and the second factor.

``SessionTimeoutMiddleware`` ends a session that has been idle too long
(``TRELLIS_SESSION_IDLE_SECONDS``) or that began too long ago
(``TRELLIS_SESSION_ABSOLUTE_SECONDS``, counted from sign-in and never extended), and a session
whose account has been switched off. ``TwoFactorMiddleware`` keeps a person whose role needs
two-factor sign-in (``policy.requires_two_factor``) on the two-factor pages until they have
typed a code: their session reaches no other page and no API operation.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from trellis.core import policy
from trellis.core.api import problem
from trellis.core.models import User

STARTED = "trellis_signed_in_at"
SEEN = "trellis_seen_at"
VERIFIED = "trellis_two_factor"
# The last-seen time is written at most this often, so reading pages is not a write each time.
SEEN_RESOLUTION_SECONDS = 60
API_PREFIX = "/api/"
ENDED = "Your session has ended because {why}. Sign in again to carry on."


def _now() -> int:
    return int(timezone.now().timestamp())


def session_start(request: HttpRequest) -> None:
    """Call right after a sign-in: the clocks start, and any earlier second factor is gone."""
    now = _now()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.pop(VERIFIED, None)


def two_factor_passed(request: HttpRequest) -> None:
    # A new session key once the session holds more power, as Django does at sign-in.
    request.session.cycle_key()
    request.session[VERIFIED] = True


def is_two_factor_pending(request: HttpRequest) -> bool:
    user = request.user
    if not settings.TRELLIS_TWO_FACTOR or not user.is_authenticated:
        return False
    if request.session.get(VERIFIED):
        return False
    assert isinstance(user, User)
    return policy.requires_two_factor(user)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _go(request: HttpRequest, url: str) -> HttpResponseBase:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            why = self._expired(request)
            if why:
                return self._end(request, why)
        elif request.session.get(AUTH_SESSION_KEY):
            # Signed in, but the account is switched off (or gone): Django no longer loads
            # the user; end the session itself too, so nothing of it lingers.
            request.session.flush()
            messages.info(request, ENDED.format(why="your account is switched off"))
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str:
        now = _now()
        session = request.session
        started = session.setdefault(STARTED, now)  # a session signed in by other means
        seen = session.get(SEEN, started)
        if now - started > settings.TRELLIS_SESSION_ABSOLUTE_SECONDS:
            hours = settings.TRELLIS_SESSION_ABSOLUTE_SECONDS / 3600
            return f"you signed in more than {hours:g} hours ago"
        if now - seen > settings.TRELLIS_SESSION_IDLE_SECONDS:
            minutes = settings.TRELLIS_SESSION_IDLE_SECONDS / 60
            return f"nothing happened in it for {minutes:g} minutes"
        if now - seen >= SEEN_RESOLUTION_SECONDS or SEEN not in session:
            session[SEEN] = now
        return ""

    def _end(self, request: HttpRequest, why: str) -> HttpResponseBase:
        logout(request)
        message = ENDED.format(why=why)
        if _is_api(request):
            return problem(401, "Session ended", message)
        messages.info(request, message)
        if request.method == "GET" and not getattr(request, "htmx", False):
            return redirect_to_login(request.get_full_path())
        return _go(request, resolve_url(settings.LOGIN_URL))


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_two_factor_pending(request) or request.path_info in self._open_paths():
            return self.get_response(request)
        detail = "Finish signing in with your two-factor code first."
        if _is_api(request):
            return problem(401, "Two-factor sign-in needed", detail)
        target = reverse("signin:two-factor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return _go(request, target)

    @staticmethod
    def _open_paths() -> set[str]:
        # The two-factor pages and sign-out: all a half-signed-in session may reach.
        names = ("signin:two-factor", "signin:two-factor-setup", "core:logout", "healthz")
        return {reverse(name) for name in names}
