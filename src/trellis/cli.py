"""The ``trellis`` command: demo, serve, manage, token, delete-district."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.config.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _start_worker() -> None:
    """Start the background worker (roster imports) beside the web server, and have both hand
    their background work to it through the database."""
    os.environ["TRELLIS_TASKS"] = "database"
    subprocess.Popen(
        [sys.executable, "-m", "trellis.cli", "manage", "db_worker", "--queue-name", "*",
         "--interval", "1", "--no-reload", "--verbosity", "0"]
    )  # fmt: skip


def _serve(host: str, port: int, workers: int) -> int:
    """Run gunicorn (a production-grade WSGI server) in place of this process, with the
    background worker beside it."""
    _start_worker()
    args = [
        sys.executable, "-m", "gunicorn", "trellis.config.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--graceful-timeout", "5",
    ]  # fmt: skip
    os.execv(sys.executable, args)  # noqa: S606 — fixed program, arguments from our own parser
    return 0  # pragma: no cover (execv does not return)


def cmd_demo(opts: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings

    from trellis.demo.loader import (
        DEMO_TOTP_SECRET,
        PASSWORD,
        PERSONAS,
        demo_load,
        two_factor_personas,
    )

    print("Preparing the database…", flush=True)
    _migrate()
    summary = demo_load()
    print(summary.describe())
    print(f"\nDemo accounts (password for all: {PASSWORD}):")
    coded = two_factor_personas()
    for persona in PERSONAS:
        mark = " *" if persona.username in coded else ""
        print(f"  {persona.username:<8} {persona.description}{mark}")
    if settings.TRELLIS_TWO_FACTOR:
        print(
            "\n* signs in with a two-factor code too: add this key to any authenticator app "
            f"(time-based, 6 digits, 30 s): {DEMO_TOTP_SECRET}\n"
            "  or start the demo with TRELLIS_TWO_FACTOR=off to sign in without codes."
        )
    else:
        print("\nTwo-factor sign-in is OFF (TRELLIS_TWO_FACTOR=off): no codes are asked for.")
    if opts.no_serve:
        return 0
    print(f"\nTrellis is at http://{opts.host}:{opts.port}/  (Ctrl+C stops it)\n", flush=True)
    return _serve(opts.host, opts.port, opts.workers)


def cmd_serve(opts: argparse.Namespace) -> int:
    _django_setup()
    _migrate()
    print(f"Trellis is at http://{opts.host}:{opts.port}/", flush=True)
    return _serve(opts.host, opts.port, opts.workers)


def cmd_manage(opts: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trellis manage", *opts.args])
    return 0


def cmd_token(opts: argparse.Namespace) -> int:
    _django_setup()
    from trellis.core.models import User
    from trellis.core.services import api_token_create

    user = User.objects.filter(username=opts.username, is_active=True).first()
    if user is None:
        print(f"No active user called {opts.username!r}.", file=sys.stderr)
        return 2
    token = api_token_create(user=user, name=opts.name)
    print(f"API token for {user.username} (shown once; send as 'Authorization: Bearer …'): {token}")
    return 0


def cmd_two_factor_reset(opts: argparse.Namespace) -> int:
    _django_setup()
    from django.core.exceptions import ValidationError

    from trellis.core.models import User
    from trellis.signin.services import two_factor_disable

    user = User.objects.filter(username=opts.username).first()
    if user is None:
        print(f"No user called {opts.username!r}.", file=sys.stderr)
        return 2
    try:
        two_factor_disable(user=user, actor=None)
    except ValidationError as error:
        print(error.messages[0], file=sys.stderr)
        return 2
    print(f"Two-factor sign-in removed for {user.username}; they set it up again at sign-in.")
    return 0


def cmd_generate(opts: argparse.Namespace) -> int:
    _django_setup()
    from trellis.core.models import District
    from trellis.demo.scale import SCALES, generate

    _migrate()
    plan = SCALES[opts.scale]
    if plan.big and District.objects.filter(slug=plan.big.slug).exists():
        print(f"Scale {opts.scale} data is already in this database; nothing to do.")
        return 0
    result = generate(scale=opts.scale)
    rows = ", ".join(f"{n:,} {k}" for k, n in result.rows.items())
    print(
        f"Generated scale {opts.scale}: {rows} in {result.seconds:.1f} s "
        f"({result.rows_per_second:,.0f} rows/s)."
    )
    return 0


def cmd_delete_district(opts: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options = {k: v for k, v in vars(opts).items() if k in ("confirm", "out", "verify") and v}
    try:
        call_command("delete_district", *([opts.slug] if opts.slug else []), **options)
    except CommandError as error:
        print(f"trellis delete-district: {error}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trellis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    demo = sub.add_parser("demo", help="load the demo consortium and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load the data, then stop")
    server_options(demo)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve Trellis with gunicorn")
    server_options(serve)
    serve.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    gen = sub.add_parser("generate", help="add synthetic data at scale S, M or L (benchmarks)")
    gen.add_argument("--scale", choices=["S", "M", "L"], default="S")
    gen.set_defaults(func=cmd_generate)

    token = sub.add_parser("token", help="print a new API token for a user")
    token.add_argument("username")
    token.add_argument("--name", default="cli", help="a label to tell tokens apart")
    token.set_defaults(func=cmd_token)

    reset = sub.add_parser(
        "two-factor-reset", help="remove a user's authenticator app (a lost phone); audited"
    )
    reset.add_argument("username")
    reset.set_defaults(func=cmd_two_factor_reset)

    erase = sub.add_parser(
        "delete-district", help="delete one district and everything of it, with a signed record"
    )
    erase.add_argument("slug", nargs="?", help="the district's slug")
    erase.add_argument("--confirm", metavar="SLUG", help="the slug again, instead of a prompt")
    erase.add_argument("--out", help="where the signed record goes (default: var/deletions/)")
    erase.add_argument("--verify", metavar="FILE", help="check a signed record; delete nothing")
    erase.set_defaults(func=cmd_delete_district)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    result: int = opts.func(opts)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
