"""For tests only: ``Client.force_login`` and ``Client.login`` also count as having typed the
second factor.

Tests that are not about signing in use them to start from a signed-in admin.
The product has no such shortcut: this fixture exists only where a conftest imports it, and the
two-factor tests (signin's own, and the trust figure) sign in through the real pages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from trellis.core.models import User
from trellis.signin.middleware import SEEN, STARTED, VERIFIED, _now


@pytest.fixture(autouse=True)
def force_login_passes_two_factor() -> Iterator[None]:
    original = Client._login  # type: ignore[attr-defined]  # what force_login and login end with

    def signed_in(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[VERIFIED] = True
        # As a real sign-in starts the clocks: the first request then has nothing to write.
        session[STARTED] = session[SEEN] = _now()
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "_login", signed_in)
        yield
