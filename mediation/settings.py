"""Settings, read from the environment (see docs/operations.md for every variable).

Development is the default and needs nothing set: SQLite in ``var/``, keys
generated into ``var/dev-keys.json``. ``MEDIATION_ENV=production`` refuses to
start with DEBUG on, a missing or weak secret key, any missing encryption key,
no allowed hosts, or a benchmark-only switch turned on.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mediation import devkeys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

MEDIATION_ENV = env.str("MEDIATION_ENV", default="development")
if MEDIATION_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("MEDIATION_ENV must be 'development' or 'production'.")
PRODUCTION = MEDIATION_ENV == "production"

_dev_keys: dict[str, str] = {} if PRODUCTION else devkeys.load_or_create(VAR_DIR / "dev-keys.json")


def _key(name: str) -> str:
    """Return a required key from the environment (or, in development, the key file)."""
    value = env.str(name, default=_dev_keys.get(name, ""))
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


def _decode_key(name: str, value: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(f"{name} must be URL-safe base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must decode to exactly 32 bytes (256 bits).")
    return raw


DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = _key("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])

# Keys that protect personal data. Master keys are a comma-separated list: the
# first encrypts new data keys, the rest still decrypt until `rotate_master_key`
# has re-wrapped everything with the first.
MEDIATION_MASTER_KEYS = [
    _decode_key("MEDIATION_MASTER_KEYS", item)
    for item in env.list("MEDIATION_MASTER_KEYS", default=[_key("MEDIATION_MASTER_KEYS")])
]
MEDIATION_STATUS_CODE_PEPPER = _decode_key(
    "MEDIATION_STATUS_CODE_PEPPER", _key("MEDIATION_STATUS_CODE_PEPPER")
)
MEDIATION_BLIND_INDEX_KEY = _decode_key(
    "MEDIATION_BLIND_INDEX_KEY", _key("MEDIATION_BLIND_INDEX_KEY")
)

# Access-log checkpoints are signed with Ed25519 (decision 0014, key-custody.md).
# Every process needs the public keys: the current one first, then retired ones
# that still verify older checkpoints. Only the sealer's environment holds the
# private key; the web application refuses to start with it (mediation/wsgi.py).
MEDIATION_CHECKPOINT_VERIFY_KEY = [
    _decode_key("MEDIATION_CHECKPOINT_VERIFY_KEY", item)
    for item in env.list(
        "MEDIATION_CHECKPOINT_VERIFY_KEY", default=[_key("MEDIATION_CHECKPOINT_VERIFY_KEY")]
    )
]
_checkpoint_signing_key = env.str(
    "MEDIATION_CHECKPOINT_SIGNING_KEY",
    default=_dev_keys.get("MEDIATION_CHECKPOINT_SIGNING_KEY", ""),
)
MEDIATION_CHECKPOINT_SIGNING_KEY: bytes | None = (
    _decode_key("MEDIATION_CHECKPOINT_SIGNING_KEY", _checkpoint_signing_key)
    if _checkpoint_signing_key
    else None
)
if MEDIATION_CHECKPOINT_SIGNING_KEY is not None and (
    devkeys.checkpoint_public_key(MEDIATION_CHECKPOINT_SIGNING_KEY)
    != MEDIATION_CHECKPOINT_VERIFY_KEY[0]
):
    raise ImproperlyConfigured(
        "MEDIATION_CHECKPOINT_SIGNING_KEY does not match the first MEDIATION_CHECKPOINT_VERIFY_KEY."
    )
if env.str("MEDIATION_AUDIT_SIGNING_KEY", default="") and PRODUCTION:
    raise ImproperlyConfigured(
        "MEDIATION_AUDIT_SIGNING_KEY is replaced by MEDIATION_CHECKPOINT_SIGNING_KEY (Ed25519, "
        "the sealer's environment only) and MEDIATION_CHECKPOINT_VERIFY_KEY: remove it "
        "(docs/key-custody.md)."
    )
# How long access events are kept; older ones are pruned only after a signed
# checkpoint covering them has been exported (docs/operations.md).
MEDIATION_ACCESS_LOG_RETENTION_YEARS = env.int("MEDIATION_ACCESS_LOG_RETENTION_YEARS", default=6)
if not 1 <= MEDIATION_ACCESS_LOG_RETENTION_YEARS <= 100:
    raise ImproperlyConfigured("MEDIATION_ACCESS_LOG_RETENTION_YEARS must be from 1 to 100.")

# Benchmark-only: trust the X-Bench-Client header as the client's identity, the
# way a trusted proxy's header would be, so each simulated client is throttled
# on its own. Production refuses it.
MEDIATION_BENCH_MODE = env.bool("MEDIATION_BENCH_MODE", default=False)
# Benchmark-only: record no access events, to measure what logging costs a page
# (`make bench`, issue 5). Needs bench mode, which production refuses.
MEDIATION_BENCH_ACCESS_LOG_OFF = env.bool("MEDIATION_BENCH_ACCESS_LOG_OFF", default=False)
if MEDIATION_BENCH_ACCESS_LOG_OFF and not MEDIATION_BENCH_MODE:
    raise ImproperlyConfigured("MEDIATION_BENCH_ACCESS_LOG_OFF needs MEDIATION_BENCH_MODE.")

# How many reverse proxies in front of the app add to X-Forwarded-For; 0 means
# the connecting address is the client.
MEDIATION_PROXY_COUNT = env.int("MEDIATION_PROXY_COUNT", default=0)

# Email to residents (only on their consent) and staff. Development writes
# messages to files in var/mail/ rather than the console, so that nothing a
# resident is sent ends up in a terminal log.
_email = env.email_url("EMAIL_URL", default="filemail://")
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _email["EMAIL_FILE_PATH"] = str(VAR_DIR / "mail")
globals().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="mediation@localhost")
if PRODUCTION and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured("EMAIL_URL must be set in production (smtp+tls://...).")

# Status checks: attempts per client, and per case reference whoever makes them
# (a short pause, never a lock-out); and how long a resident stays signed in idle.
MEDIATION_STATUS_CLIENT_RATE = env.str("MEDIATION_STATUS_CLIENT_RATE", default="30/h")
MEDIATION_STATUS_REFERENCE_RATE = env.str("MEDIATION_STATUS_REFERENCE_RATE", default="10/15m")
MEDIATION_RESIDENT_IDLE_SECONDS = env.int("MEDIATION_RESIDENT_IDLE_SECONDS", default=15 * 60)
# How long a break-glass access to a case outside one's scope lasts.
MEDIATION_BREAK_GLASS_MINUTES = env.int("MEDIATION_BREAK_GLASS_MINUTES", default=60)
# The access log review flags staff activity in these local hours, start to end
# ("22-6": from 22:00 to 05:59), in TIME_ZONE.
_quiet = env.str("MEDIATION_REVIEW_QUIET_HOURS", default="22-6").split("-")
if not (len(_quiet) == 2 and all(h.isdigit() and int(h) <= 23 for h in _quiet)) or (
    int(_quiet[0]) == int(_quiet[1])
):
    raise ImproperlyConfigured("MEDIATION_REVIEW_QUIET_HOURS must be two different hours: 22-6.")
MEDIATION_REVIEW_QUIET_HOURS = (int(_quiet[0]), int(_quiet[1]))

# Where the quick-exit link goes: a neutral site, opened in place of this one.
MEDIATION_QUICK_EXIT_URL = env.str(
    "MEDIATION_QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather"
)

# Throttle for new requests from one client (django-ratelimit rate syntax).
MEDIATION_REQUEST_FORM_RATE = env.str("MEDIATION_REQUEST_FORM_RATE", default="20/h")

# Follow-ups scheduled when an agreement is recorded: days after the agreement.
_follow_up_days = env.list("MEDIATION_FOLLOW_UP_DAYS", default=["30", "90"])
if not _follow_up_days or not all(day.isdigit() and 0 < int(day) <= 730 for day in _follow_up_days):
    raise ImproperlyConfigured("MEDIATION_FOLLOW_UP_DAYS must be days from 1 to 730, e.g. 30,90.")
MEDIATION_FOLLOW_UP_DAYS = tuple(sorted({int(day) for day in _follow_up_days}))

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is too weak for production (50+ random chars).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
    if MEDIATION_BENCH_MODE:
        raise ImproperlyConfigured(
            "MEDIATION_BENCH_MODE is for benchmarks and refused in production."
        )

INSTALLED_APPS = [
    # Django's admin on django-otp's two-factor admin site (mediation.accounts.admin_site).
    "mediation.accounts.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "rest_framework",
    "pgtrigger",
    "csp",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "mediation.accounts",
    "mediation.audit",
    "mediation.privacy",
    "mediation.consent",
    "mediation.cases",
    "mediation.intake",
    "mediation.demo",
    "mediation.assignment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mediation.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, checking the session's device with the user's own query.
    "mediation.accounts.middleware.StaffOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mediation.accounts.middleware.StaffSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mediation.privacy.middleware.NoStoreMiddleware",
    # Last, so that it sees the lockout flag any view or backend set.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediation.urls"
WSGI_APPLICATION = "mediation.wsgi.application"
ASGI_APPLICATION = "mediation.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mediation" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mediation.accounts.context_processors.staff",
            ],
            "builtins": ["mediation.dates", "mediation.links"],
            # {% load i18n %}: Django's library, its translate tag remembering answers.
            "libraries": {"i18n": "mediation.translate_tags"},
        },
    },
]

# Widgets render through the project's template engine, so the two widget
# templates in mediation/templates/django/forms/widgets/ replace Django's own:
# the same markup without an include per option and per attribute list, which
# made a select of 20 options cost ~2 ms. The renderer writes those two in
# Python, the same markup again, and leaves every other widget to the
# templates (mediation/widgets.py, decision 0016).
FORM_RENDERER = "mediation.widgets.WidgetRenderer"

# Database: SQLite in var/ unless DATABASE_URL says otherwise. Every read of
# personal data writes an access event, so SQLite runs in WAL mode and starts
# write transactions IMMEDIATE with a busy timeout: concurrent writers wait
# their turn instead of failing with "database is locked".
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and a statement the connection has run
    # five times prepared: PostgreSQL then plans it once per connection, not on
    # each request (planning the case page's query took five times running it).
    # A pooler in transaction mode cannot keep prepared statements: set
    # DB_SERVER_SIDE_BINDING=false behind one (docs/operations.md, decision 0016).
    if env.bool("DB_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with bulk writes cut to the 65,535 parameters a
        # statement may carry when the server binds them (mediation/postgresql).
        DATABASES["default"]["ENGINE"] = "mediation.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: throttle counters must be seen by every worker.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://mediation_cache")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading the user's roles with the user.
    "mediation.accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Staff sign in with a password and then a code from an authenticator app (or
# one recovery code); there is no setting that skips the second step. A staff
# session ends after this long without a request, and this long after sign-in
# whatever happens (decision 0008).
MEDIATION_STAFF_IDLE_SECONDS = env.int("MEDIATION_STAFF_IDLE_SECONDS", default=30 * 60)
MEDIATION_STAFF_ABSOLUTE_SECONDS = env.int("MEDIATION_STAFF_ABSOLUTE_SECONDS", default=10 * 60 * 60)
# Failed sign-in attempts (password or code) per client, across usernames
# (django-ratelimit syntax); successful ones do not count.
MEDIATION_STAFF_SIGN_IN_CLIENT_RATE = env.str("MEDIATION_STAFF_SIGN_IN_CLIENT_RATE", default="30/h")
OTP_TOTP_ISSUER = "Community mediation"

# django-axes: a username is locked for a cool-off after repeated failures of
# either step. It stores a keyed hash of the username, no address, no user
# agent (mediation.accounts.lockout), and keeps no log of successful sign-ins:
# the access log records every sign-in event.
AXES_FAILURE_LIMIT = env.int("MEDIATION_STAFF_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MEDIATION_STAFF_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "mediation.accounts.lockout.MinimisedDatabaseHandler"
AXES_USERNAME_CALLABLE = "mediation.accounts.lockout.username_key"
AXES_CLIENT_IP_CALLABLE = "mediation.accounts.lockout.no_client_address"
AXES_LOCKOUT_CALLABLE = "mediation.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "csrfmiddlewaretoken", "next"]
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# axes.W006 wants the client address among the lockout parameters. Locking per
# address would mean storing addresses, and one shared office address would
# lock out a whole centre; clients are limited instead by the sign-in rate
# above, counted on a keyed hash of the address (decision 0008).
# templates.W003 warns that a label names two libraries: "i18n" does on purpose
# (TEMPLATES "libraries" above); a test holds every other label to one library.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "templates.W003"]

SESSION_ENGINE = (
    "mediation.accounts.cached_session_store"
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    else "mediation.accounts.session_store"
)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content Security Policy: nothing from third-party origins, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Deny by default: every API view states who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "mediation" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
if not PRODUCTION:
    # WhiteNoise warns on every start when the directory is missing; in
    # development it stays empty (runserver serves from the app folders).
    STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "mediation" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Logs carry no personal data: request paths of 4xx answers are not logged
# (django.request logs them at WARNING), errors are.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Sign-in failures and lockouts are in the access log, as codes and ids.
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
