"""Figure 3: the coaching wall. Every URL the project serves (pages, exports, the API, the admin,
the audit history, searches), with every id of the organization, asked by GET, by GET with a
search and by POST as two evaluators of the teacher (her principal; and the person named her
evaluator, made a district admin and a superuser besides, and shared a class report before
she evaluated), looking for the planted coaching contents: notes, next steps, a comment, a
consultant's name and a class report's student code. The teacher's own pages show every one
of them, so the sweep can find them."""

from __future__ import annotations

import pytest

from trellis.coaching.models import Comment, Share
from trellis.coaching.tests.helpers import SECRETS, cast, leaks
from trellis.coaching.tests.test_wall import (
    _PLACEHOLDER,
    POST_DATA,
    REPORT_CODE,
    _body,
    _class_report,
    _evaluators,
    _urls,
)

pytestmark = pytest.mark.django_db


def test_no_evaluator_reaches_any_coaching_content_by_any_route(figure):
    c = cast()
    assert c.relationship is not None
    report = _class_report(c)
    tess = c["tess"].client()
    mine = _body(tess.get(f"/coaching/records/{c.relationship.pk}/"))
    mine += _body(tess.get(f"/coaching/reports/{report}/"))
    planted = [*SECRETS, REPORT_CODE]
    assert all(secret.encode() in mine for secret in planted)  # they are there to be found
    ids = sorted(
        {
            report,
            c.relationship.pk,
            *(e.pk for e in c.entries),
            *Share.objects.values_list("pk", flat=True),
            *Comment.objects.values_list("pk", flat=True),
            c["tess"].staff.pk,
            c["cole"].staff.pk,
        }
    )
    urls = list(_urls(ids))
    asked, errors, reached = 0, 0, []
    for who, client in _evaluators(c).items():
        for url in urls:
            for method, extra in (("get", ""), ("get", "?q=small+groups"), ("post", "")):
                if extra and _PLACEHOLDER.search(url):
                    continue
                if method == "post" and url.startswith("/api/"):
                    response = client.post(url, {}, content_type="application/json")
                elif method == "post":
                    response = client.post(url, POST_DATA)
                else:
                    response = client.get(url + extra)
                asked += 1
                errors += response.status_code >= 500
                body = _body(response)
                found = leaks(body) + ([REPORT_CODE] if REPORT_CODE.encode() in body else [])
                reached += [(who, method, url + extra, secret) for secret in found]
    ok = not reached and not errors and asked > 500
    figure(
        "wall",
        ok=ok,
        summary=f"{len(reached)} contents reached in {asked:,} requests by 2 evaluators "
        f"({len(urls):,} URLs, {len(planted)} planted contents), {errors} server errors",
        requests=asked,
        urls=len(urls),
        reached=reached[:20],
        server_errors=errors,
    )
    assert ok, reached[:20]
