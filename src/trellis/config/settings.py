"""One settings module, driven by the environment.

Development needs nothing set: SQLite under ``var/``, a generated secret key, console email.
Production (``TRELLIS_ENV=production``) requires ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on
the secure transport settings, so ``trellis manage check --deploy`` is clean.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin and form classes be subscripted with their model type at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_REPO_DIR = PACKAGE_DIR.parent.parent
# A checkout keeps its data in <repo>/var; an installed package keeps it under the working dir.
_DEFAULT_VAR = _REPO_DIR / "var" if (_REPO_DIR / "pyproject.toml").exists() else Path.cwd() / "var"
VAR_DIR = Path(os.environ.get("TRELLIS_VAR_DIR", _DEFAULT_VAR))
# Uploaded files (candidates' CVs) are never served as static media: only a signed-in view with
# the right permission streams them.
MEDIA_ROOT = VAR_DIR / "uploads"
VAR_DIR.mkdir(parents=True, exist_ok=True)

TRELLIS_ENV = os.environ.get("TRELLIS_ENV", "development")
PRODUCTION = TRELLIS_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    # Kept in var/ so sessions survive a restart of the development server.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if PRODUCTION:
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("SECRET_KEY must be set when TRELLIS_ENV=production.")
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()
# Former keys, comma-separated, while rotating SECRET_KEY: what they signed or sealed still opens.
SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS")

DEBUG = _env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "trellis.core",
    "trellis.org",
    "trellis.roles",
    "trellis.pay",
    "trellis.learning",
    "trellis.coaching",
    "trellis.hiring",
    "trellis.rollout",
    "trellis.pathways",
    "trellis.surveys",
    "trellis.insights",
    "trellis.interop",
    "trellis.demo",
    # District sign-in through django-allauth (OpenID Connect, SAML). After the Trellis apps so
    # signin's templates restyle the allauth pages a person can meet.
    "trellis.signin",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle and absolute session timeouts; a switched-off account's session ends.
    "trellis.signin.middleware.SessionTimeoutMiddleware",
    # A person whose role needs two-factor sign-in reaches nothing else until they type a code.
    "trellis.signin.middleware.TwoFactorMiddleware",
    # Every export: at most TRELLIS_EXPORTS_PER_MINUTE a person, and an access event each.
    "trellis.core.exports.ExportGuardMiddleware",
]

ROOT_URLCONF = "trellis.config.urls"
WSGI_APPLICATION = "trellis.config.wsgi.application"
ASGI_APPLICATION = "trellis.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trellis.core.context_processors.shell",
                "trellis.signin.context_processors.signin_panel",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'trellis.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE avoids lock-upgrade deadlocks between
    # server workers; the timeout waits for a busy writer instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "insights:home"
LOGOUT_REDIRECT_URL = "core:login"
# Passwords go through Django's backend behind the core sign-in form and its lockout. allauth's
# backend is left out on purpose (it would sign in by email, around the lockout); a district
# sign-in is attached to the session by allauth itself.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# District sign-in (trellis.signin): providers are set up per district on /signin-providers/.
# Nobody signs up through allauth and nobody is matched by email across districts: the adapters
# match a signed-in identity to a staff record of the provider's own district, or refuse it.
ACCOUNT_ADAPTER = "trellis.signin.adapter.DistrictAccountAdapter"
SOCIALACCOUNT_ADAPTER = "trellis.signin.adapter.DistrictSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Plain-http provider addresses on this machine (127.0.0.1, localhost), for trying sign-in out
# against a local provider; production accepts https only.
TRELLIS_SIGNIN_ALLOW_HTTP_LOOPBACK = _env_bool("TRELLIS_SIGNIN_ALLOW_HTTP_LOOPBACK", not PRODUCTION)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A working day, then sign in again; a closed browser ends the session on shared school computers.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions end after this long without a request, and this long after sign-in whatever happens.
TRELLIS_SESSION_IDLE_SECONDS = int(os.environ.get("TRELLIS_SESSION_IDLE_SECONDS", str(30 * 60)))
TRELLIS_SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("TRELLIS_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60))
)
# District admins, HR and everyone who can export sign in with a code from an authenticator app
# (TOTP) as well as their password or district sign-in. Turn off only for a local demo.
_two_factor = os.environ.get("TRELLIS_TWO_FACTOR", "on").strip().lower()
if _two_factor not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
    # A typo or an empty value must not switch the second factor off unnoticed.
    raise ImproperlyConfigured(f"TRELLIS_TWO_FACTOR must be on or off, not {_two_factor!r}.")
TRELLIS_TWO_FACTOR = _two_factor in {"1", "true", "yes", "on"}
if PRODUCTION and not TRELLIS_TWO_FACTOR:
    raise ImproperlyConfigured("TRELLIS_TWO_FACTOR=off is for a local demo, never production.")

# Lockout: failures counted per (username, address) pair, and per address across usernames;
# wrong two-factor codes also per username from every address (one with the password and many
# addresses gets no more than this many guesses a window).
TRELLIS_LOCKOUT_WINDOW_SECONDS = 15 * 60
TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS = 5
TRELLIS_LOCKOUT_PER_ADDRESS = 30
TRELLIS_LOCKOUT_CODES_PER_USERNAME = 10

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root on every start
# Assets ship inside the package; whitenoise serves them straight from the apps, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Trellis <trellis@localhost>")

# Background work (imports): `trellis serve` and `trellis demo` start a database worker beside
# the web server and set TRELLIS_TASKS=database; elsewhere (tests, the command line) a task runs
# at once, in the process that asked for it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("TRELLIS_TASKS") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# How many exports (CSV, Excel, Ed-Fi) one person may download in a minute.
TRELLIS_EXPORTS_PER_MINUTE = int(os.environ.get("TRELLIS_EXPORTS_PER_MINUTE", "60"))
# A running import that has not reported progress for this long is shown as interrupted.
TRELLIS_IMPORT_STALE_SECONDS = int(os.environ.get("TRELLIS_IMPORT_STALE_SECONDS", "300"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _env_bool("TRELLIS_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz must answer a load balancer's plain-HTTP probe.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
