"""Settings for the ICB commissioning platform.

One file. Everything that differs between machines comes from the environment; the
helpers below refuse values they cannot read rather than guessing.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import pghistory
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
SERVICES_ENV_FILE = Path(os.environ.get("DEV_DATA_DIR", BASE_DIR / ".data")) / "services.env"


def _services_env() -> dict[str, str]:
    """URLs written by `commissioning.devservices` for the embedded PostgreSQL and Redis."""
    try:
        lines = SERVICES_ENV_FILE.read_text().splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split("=", 1) for line in lines if "=" in line)


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or _services_env().get(name) or default
    if value is None:
        raise ImproperlyConfigured(
            f"{name} is not set. Run the app with `make run` (which starts embedded services) "
            f"or set {name} in the environment."
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "commissioning",
    "commissioning.security",
    "needs_assessment",
    "strategy",
    "payor",
    "evaluation",
    # After the stage apps: its event models track theirs (docs/decisions/0005).
    "commissioning.history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "commissioning.security.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSPMiddleware, so that it adds the Swagger page's hashes before the header is made.
    "commissioning.security.middleware.SwaggerCspMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "commissioning.security.sessions.SessionTimeoutMiddleware",
    # Attaches the signed-in user and the path to every history event the request writes;
    # it also catches the user DRF authenticates later, from an API token.
    "pghistory.middleware.HistoryMiddleware",
    "commissioning.security.middleware.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commissioning.urls"
WSGI_APPLICATION = "commissioning.wsgi.application"
AUTH_USER_MODEL = "commissioning.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before any password
    # is checked, and counts failures.
    "commissioning.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commissioning.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_commissioning")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
MEDIA_URL = "/media/"

# --- Security (docs/security.md lists each protection and the test that proves it) ---
# Sessions: idle and absolute timeouts (commissioning.security.sessions); the cookie
# itself lasts no longer than the absolute timeout.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 10))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
# Headers. HSTS for a year with subdomains (and preload: NHS domains are on browsers'
# preload lists) only in production; a development server on http must not send it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER", []))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp 4), in development too so that breakage shows. No
# inline script anywhere: page data travels in json_script blocks read by static JS.
# style-src allows inline styles: plotly.js injects <style> elements and sets style
# attributes when it draws, and refuses to draw hover labels and the mode bar otherwise
# (docs/security.md). Inline style cannot run code; inline script stays forbidden.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Lockout (django-axes): 5 failures for one username from one address lock that pair for
# 30 minutes; a success resets the count. Keyed on the pair, so a shared NHS network
# address does not lock out everyone behind it, and one person's typos do not lock the
# account for everyone else.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Request and upload limits. Form fields are kept in memory up to 2.5 MB; files above
# 2.5 MB go to a temporary file; a body larger than REQUEST_MAX_BYTES (default: the 2 GB
# data-file limit plus room for the form) is refused with 413 before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2 * 1024**3 + 1024**2)

# Audit history (commissioning.history, docs/decisions/0005-audit-history.md): the acting
# user and where the change came from are stored in each event row (denormalised JSON),
# so event rows stay append-only and never need a join to say who did it.
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commissioning.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "commissioning.api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_THROTTLE_RATE", "10000/hour")},
}
API_MAX_PAGE_SIZE = 500
API_TOKEN_REQUEST_RATE = os.environ.get("API_TOKEN_REQUEST_RATE", "10/minute")
API_TOKEN_LIFETIME = timedelta(days=env_int("API_TOKEN_LIFETIME_DAYS", 90))

SPECTACULAR_SETTINGS = {
    "TITLE": "ICB Strategic Commissioning API",
    "DESCRIPTION": (
        "Read and run the strategic commissioning cycle: geography, organisations, "
        "contracts, population snapshots, segmentation, indicators, cycles and background "
        "runs. Authenticate with `Authorization: Token <token>` from `POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise fetch a badge from an outside host.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models share field names (kind, stage, status) with different choices.
    "ENUM_NAME_OVERRIDES": {
        "UploadKindEnum": "needs_assessment.models.uploads.UploadKind",
        "UploadStatusEnum": "needs_assessment.models.uploads.UploadStatus",
        "ComparisonEnum": "needs_assessment.models.profiles.Comparison",
        "FindingStageEnum": "commissioning.models.cycles.FindingStage",
        "INASectionEnum": "needs_assessment.models.documents.INASection",
        "EvaluationPlanStatusEnum": "evaluation.models.plans.EvaluationPlanStatus",
        "EvaluationSourceEnum": "evaluation.models.plans.EvaluationSource",
        "FeedbackResponseSourceEnum": "evaluation.models.feedback.ResponseSource",
        "FindingStatusEnum": "commissioning.models.cycles.FindingStatus",
        "CycleStatusEnum": "commissioning.models.cycles.CycleStatus",
        "InsightSourceEnum": "needs_assessment.models.insight.InsightSource",
    },
}

# Celery: a task is acknowledged only once it has finished, and handed back to the queue
# if the worker dies, so a killed worker's run is picked up again; runs are claimed
# atomically (commissioning.runs) so a redelivered task does nothing twice.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 3600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3660)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "commissioning")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "fail-abandoned-runs": {
        "task": "commissioning.tasks.fail_abandoned_runs",
        "schedule": 300.0,
    },
}

# Needs profiles split by place into a Celery group of parts and merged (docs/decisions/
# 0006-scale-out.md): worth it when several worker processes or machines serve the queue.
PROFILE_PARTITIONED = env_bool("PROFILE_PARTITIONED", False)

HEALTH_WORKER_PING_TIMEOUT = float(os.environ.get("HEALTH_WORKER_PING_TIMEOUT", "1.0"))
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json_lines": {"()": "commissioning.security.log.JsonLineFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {"class": "logging.StreamHandler", "formatter": "json_lines"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # JSON lines, one event each (commissioning.security.log); ship them to the SIEM.
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
}
