"""Figure 9: sign-in and sessions. Everything goes through Django's test client and the real
middleware, sign-in form and two-factor pages; the clock is moved by editing the session's
timestamps, never by sleeping.

- Lockout: wrong passwords for one username from one address are answered as wrong exactly
  ``TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS`` times, then refused as locked, the right password
  included; a forged ``X-Forwarded-For`` (and ``X-Real-IP``) that changes on every try neither
  resets nor escapes the count, and the admin site's sign-in address is no way around it; the
  same person from another address still signs in. Wrong two-factor codes count into the same
  lockout, and into a cap per username from every address: with the password, one wrong code
  from each of ``TRELLIS_LOCKOUT_CODES_PER_USERNAME`` addresses closes the code step to the next
  address, right code included, while wrong passwords from many addresses leave the owner's
  code step open (the cap is no way for a stranger to lock someone out).
- Timeouts: a session idle past ``TRELLIS_SESSION_IDLE_SECONDS``, or older than
  ``TRELLIS_SESSION_ABSOLUTE_SECONDS`` however busy, is signed out and sent to sign in; a
  switched-off account's session ends (its row is gone).
- Two-factor: for every role that needs it (district admin, HR, every role that can export), a
  password-only session is probed with every URL the project routes (those without parameters,
  and every route with parameters, filled with a real record's id: pages, exports, the admin,
  every API operation) by GET and POST: none may be reached. A valid code lets them in; a
  wrong code and a replayed code do not. Roles that do not need it are never asked.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trellis.coaching.tests.test_wall import _urls
from trellis.core import policy
from trellis.core.models import District, Membership, Role, User
from trellis.factories import (
    ConsortiumFactory,
    DistrictFactory,
    SchoolFactory,
    StaffFactory,
    UserFactory,
)
from trellis.signin import totp
from trellis.signin.middleware import SEEN, STARTED
from trellis.signin.models import TwoFactorDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a long and proper passphrase"
LOCKED = "Too many failed sign-ins"
WRONG = "Please enter a correct username and password"


def _person(username: str, district: District, role: str) -> User:
    user = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    if role == Role.CONSORTIUM_LEAD:
        consortium = district.consortium or ConsortiumFactory()
        Membership.objects.create(user=user, consortium=consortium, role=role)
    else:
        Membership.objects.create(user=user, district=district, role=role)
    return user


def _sign_in(username: str, address: str, password: str = PASSWORD, **headers: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("core:login"), {"username": username, "password": password}, **headers)
    return client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _home(client: Client):
    return client.get(reverse("insights:home"))


def _shift(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(session[key]) - seconds
    session.save()


def _measure_lockout() -> dict[str, int]:
    limit = settings.TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS
    district = DistrictFactory(name="Lockout")
    _person("lena", district, Role.TEACHER)
    answered_wrong = answered_locked = 0
    for attempt in range(limit + 5):
        # Every try claims a different origin; only REMOTE_ADDR is the real one.
        forged = {
            "HTTP_X_FORWARDED_FOR": f"198.51.100.{attempt}",
            "HTTP_X_REAL_IP": f"10.9.{attempt}.1",
        }
        client = Client(REMOTE_ADDR="203.0.113.7")
        page = client.post(
            reverse("core:login"), {"username": "lena", "password": "guess"}, **forged
        ).content.decode()
        answered_wrong += WRONG in page
        answered_locked += LOCKED in page
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.250", "HTTP_X_REAL_IP": "192.0.2.251"}
    right_but_locked = _sign_in("lena", "203.0.113.7", **forged)
    # The admin site's own sign-in form: lena is made staff, so it would let her in if it
    # were a way around the lockout.
    User.objects.filter(username="lena").update(is_staff=True)
    via_admin = Client(REMOTE_ADDR="203.0.113.7")
    via_admin.post("/admin/login/", {"username": "lena", "password": PASSWORD}, **forged)
    elsewhere = _sign_in("lena", "192.0.2.44")
    return {
        "lockout_limit": limit,
        "lockout_attempts": limit + 5,
        "lockout_answered_wrong_before_lock": answered_wrong,
        "lockout_answered_locked": answered_locked,
        "lockout_forged_header_bypasses": int(_signed_in(right_but_locked)),
        "lockout_admin_form_bypasses": int(_signed_in(via_admin)),
        "lockout_other_address_signs_in": int(_signed_in(elsewhere)),
    }


def _measure_timeouts() -> dict[str, int]:
    district = DistrictFactory(name="Timeouts")
    _person("tim", district, Role.TEACHER)
    idle, absolute = (
        settings.TRELLIS_SESSION_IDLE_SECONDS,
        settings.TRELLIS_SESSION_ABSOLUTE_SECONDS,
    )
    results: dict[str, int] = {}

    busy = _sign_in("tim", "10.2.0.1")
    _shift(busy, SEEN, idle - 90)  # nearly idle: a request keeps it going and moves "seen" on
    results["timeout_active_kept"] = int(_home(busy).status_code == 200)
    results["timeout_seen_refreshed"] = int(
        int(busy.session[SEEN]) >= int(timezone.now().timestamp()) - 5
    )

    idle_client = _sign_in("tim", "10.2.0.2")
    _shift(idle_client, SEEN, idle + 1)
    ended = _home(idle_client)
    results["timeout_idle_ended"] = int(
        ended.status_code == 302 and "/login/" in ended["Location"] and not _signed_in(idle_client)
    )
    message = idle_client.get(ended["Location"]).content.decode()
    results["timeout_idle_message_shown"] = int("Your session has ended" in message)

    old = _sign_in("tim", "10.2.0.3")
    _shift(old, STARTED, absolute + 1)  # busy all along: "seen" is fresh, sign-in is not
    ended = _home(old)
    results["timeout_absolute_ended"] = int(ended.status_code == 302 and not _signed_in(old))

    api = _sign_in("tim", "10.2.0.4")
    _shift(api, SEEN, idle + 1)
    results["timeout_idle_api_401"] = int(api.get("/api/v1/staff").status_code == 401)

    switched_off = _sign_in("tim", "10.2.0.5")
    key = switched_off.session.session_key
    User.objects.filter(username="tim").update(is_active=False)
    response = _home(switched_off)
    results["disabled_session_ended"] = int(
        response.status_code == 302
        and "/login/" in response["Location"]
        and not Session.objects.filter(session_key=key).exists()
    )
    return results


def _probe(client: Client, urls: list[str], open_paths: set[str]) -> tuple[int, int, list[str]]:
    """Ask every URL by GET and POST; count answers that are anything but "finish two-factor"."""
    probed, reached_urls = 0, []
    for url in urls:
        if url.split("?")[0] in open_paths:
            continue
        for method in (client.get, client.post):
            probed += 1
            response = method(url)
            if url.startswith("/api/"):
                held = response.status_code == 401
            else:
                held = response.status_code == 302 and response["Location"].startswith(
                    reverse("signin:two-factor")
                )
            if not held:
                reached_urls.append(f"{method.__name__.upper()} {url} -> {response.status_code}")
    return probed, len(reached_urls), reached_urls


def _code(secret: str, steps_ahead: int = 0) -> str:
    return totp.code_for_step(secret, totp.step_at() + steps_ahead)


def _measure_two_factor() -> tuple[dict[str, int], list[str]]:
    district = DistrictFactory(name="Two Factor")
    school = SchoolFactory(district=district)
    staff = StaffFactory(district=district, school=school)
    needing = sorted(policy.TWO_FACTOR_ROLES)
    others = sorted(set(Role.values) - set(needing))
    # Every route once: those with parameters get a real record's id in each of them.
    no_parameters = list(dict.fromkeys(_urls([])))
    urls = list(dict.fromkeys([*no_parameters, *_urls([staff.pk])]))
    open_paths = {
        reverse(n)
        for n in ("signin:two-factor", "signin:two-factor-setup", "core:logout", "healthz")
    }
    numbers = {
        "roles_needing_two_factor": len(needing),
        "roles_not_needing": len(others),
        "urls_without_parameters": len(no_parameters),
        "urls_with_parameters": len(urls) - len(no_parameters),
        "api_urls": sum(u.startswith("/api/") for u in urls),
        "half_signed_in_probes": 0,
        "half_signed_in_reached": 0,
        "valid_code_let_in": 0,
        "wrong_code_let_in": 0,
        "replayed_code_let_in": 0,
        "enrolment_let_in": 0,
        "two_factor_failures_locked": 0,
        "not_needing_asked": 0,
    }
    reached_examples: list[str] = []
    for n, role in enumerate(needing):
        user = _person(f"need{n}", district, role)
        half = _sign_in(user.username, f"10.3.{n}.1")
        probed, reached, examples = _probe(half, urls, open_paths)
        numbers["half_signed_in_probes"] += probed
        numbers["half_signed_in_reached"] += reached
        reached_examples += examples[:5]

        # Not yet enrolled: the enrolment page, then a first code, lets them in.
        setup = half.get(reverse("signin:two-factor-setup"))
        device = TwoFactorDevice.objects.get(user=user)
        shown = totp.grouped_secret(device.secret) in setup.content.decode()
        confirm = half.post(reverse("signin:two-factor-setup"), {"code": _code(device.secret)})
        numbers["enrolment_let_in"] += int(
            shown and confirm.status_code == 200 and _home(half).status_code == 200
        )
        used = _code(device.secret)  # the step the enrolment just spent

        # Enrolled: password, then a wrong code (refused), a replayed code (refused), a new one.
        client = _sign_in(user.username, f"10.4.{n}.1")
        wrong = str((int(used) + 1) % 1_000_000).zfill(6)
        client.post(reverse("signin:two-factor"), {"code": wrong})
        numbers["wrong_code_let_in"] += int(_home(client).status_code == 200)
        client.post(reverse("signin:two-factor"), {"code": used})
        numbers["replayed_code_let_in"] += int(_home(client).status_code == 200)
        client.post(reverse("signin:two-factor"), {"code": _code(device.secret, steps_ahead=1)})
        in_ = _home(client).status_code == 200 and client.get("/api/v1/staff").status_code == 200
        numbers["valid_code_let_in"] += int(in_)

        # Wrong codes count into the lockout: past the limit even the right code is refused.
        guesser = _sign_in(user.username, f"10.5.{n}.1")
        for _ in range(settings.TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS):
            guesser.post(reverse("signin:two-factor"), {"code": "000000"})
        TwoFactorDevice.objects.filter(pk=device.pk).update(last_step=0)  # a fresh code is valid
        guesser.post(reverse("signin:two-factor"), {"code": _code(device.secret)})
        numbers["two_factor_failures_locked"] += int(_home(guesser).status_code == 302)

    sample = [u for u in no_parameters if not u.startswith(("/api/", "/admin/"))][:40]
    for n, role in enumerate(others):
        user = _person(f"other{n}", district, role)
        client = _sign_in(user.username, f"10.6.{n}.1")
        for url in [reverse("insights:home"), *sample]:
            response = client.get(url)
            location = response.get("Location", "") if response.status_code == 302 else ""
            numbers["not_needing_asked"] += location.startswith(reverse("signin:two-factor"))
    return numbers, reached_examples


def _measure_codes_spread() -> dict[str, int]:
    """One wrong code from each of many addresses, then the right one from a new address."""
    district = DistrictFactory(name="Code Spread")
    limit = settings.TRELLIS_LOCKOUT_CODES_PER_USERNAME
    target = _person("spread", district, Role.DISTRICT_ADMIN)
    owner = _person("sprayed", district, Role.DISTRICT_ADMIN)
    secrets = {}
    for user in (target, owner):
        device = TwoFactorDevice.objects.create(
            user=user, secret=totp.new_secret(), confirmed_at=timezone.now()
        )
        secrets[user.username] = device.secret
    for n in range(limit):
        guesser = _sign_in("spread", f"10.8.{n // 250}.{n % 250 + 1}")
        guesser.post(reverse("signin:two-factor"), {"code": "000000"})
    late = _sign_in("spread", "10.9.0.1")
    late.post(reverse("signin:two-factor"), {"code": _code(secrets["spread"])})
    # Wrong passwords for the owner from as many addresses, then the owner with both factors.
    for n in range(limit * 3):
        _sign_in("sprayed", f"10.10.{n // 250}.{n % 250 + 1}", password="wrong")
    back = _sign_in("sprayed", "10.11.0.1")
    back.post(reverse("signin:two-factor"), {"code": _code(secrets["sprayed"])})
    return {
        "code_cap_per_username": limit,
        "code_guesses_spread_let_in": int(_home(late).status_code == 200),
        "owner_kept_out_by_password_spray": int(_home(back).status_code != 200),
    }


def test_sign_in_and_sessions_hold(figure):
    lockout = _measure_lockout()
    lockout.update(_measure_codes_spread())
    timeouts = _measure_timeouts()
    two_factor, reached = _measure_two_factor()
    n_needing = two_factor["roles_needing_two_factor"]
    ok = (
        lockout["lockout_answered_wrong_before_lock"] == lockout["lockout_limit"]
        and lockout["lockout_answered_locked"] == 5
        and lockout["lockout_forged_header_bypasses"] == 0
        and lockout["lockout_admin_form_bypasses"] == 0
        and lockout["lockout_other_address_signs_in"] == 1
        and lockout["code_guesses_spread_let_in"] == 0
        and lockout["owner_kept_out_by_password_spray"] == 0
        and all(timeouts.values())
        and n_needing >= 4
        and two_factor["half_signed_in_probes"] > 0
        and two_factor["half_signed_in_reached"] == 0
        and two_factor["valid_code_let_in"] == n_needing
        and two_factor["enrolment_let_in"] == n_needing
        and two_factor["wrong_code_let_in"] == 0
        and two_factor["replayed_code_let_in"] == 0
        and two_factor["two_factor_failures_locked"] == n_needing
        and two_factor["not_needing_asked"] == 0
    )
    summary = (
        f"locked after {lockout['lockout_answered_wrong_before_lock']} failures, "
        f"{lockout['lockout_forged_header_bypasses']} forged-header bypasses; wrong codes "
        f"capped at {lockout['code_cap_per_username']} per account from any address; idle "
        f"{settings.TRELLIS_SESSION_IDLE_SECONDS // 60} min and absolute "
        f"{settings.TRELLIS_SESSION_ABSOLUTE_SECONDS // 3600} h timeouts end sessions; "
        f"{two_factor['half_signed_in_reached']} of {two_factor['half_signed_in_probes']} "
        f"password-only probes reached for {n_needing} roles needing two-factor"
    )
    figure("sessions", ok=ok, summary=summary, **lockout, **timeouts, **two_factor)
    assert not reached, reached[:20]
    assert ok, {**lockout, **timeouts, **two_factor}
