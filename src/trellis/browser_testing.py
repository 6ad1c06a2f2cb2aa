"""Shared Playwright fixtures and helpers for every app's browser tests.

Playwright's sync API drives Debian's Chromium; no browser is ever downloaded. Without
/usr/bin/chromium the browser tests are skipped, unless TRELLIS_REQUIRE_BROWSER=1 (as in CI), in
which case they fail. Each browser test module sets
``pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)`` because the
live server reads the database from its own thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright


class SignedIn(Protocol):
    def client(self) -> Client: ...


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_path(browser_required: bool) -> str:
    """Debian's Chromium, or a skip (a failure when TRELLIS_REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists():
        if browser_required:
            pytest.fail(
                f"TRELLIS_REQUIRE_BROWSER=1 but Chromium was not found at {CHROMIUM}; "
                "install Debian's chromium package"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from the test itself unless told that this is safe here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(chromium_path: str, allow_orm_beside_playwright: None) -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(
    transactional_db: None, browser: Browser, live_server: object
) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) pointed at the live server."""
    ctx = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


# --- Helpers --------------------------------------------------------------------------------


def sign_in_with_session(context: BrowserContext, persona: SignedIn, base_url: str) -> None:
    """Hand the browser a signed-in session, for tests that are not about the sign-in form."""
    session = persona.client().cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def assert_accessible(page: Page, axe: Axe) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        f"{results.generate_report()}"
    )


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)
