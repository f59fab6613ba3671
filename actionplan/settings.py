"""Settings for Actionplan, read from the environment.

Development: DJANGO_DEBUG=1 is enough. Production needs DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DJANGO_DEBUG=1 for a development machine."
        )
    # Development only: a fixed key is harmless when DEBUG is on and never used in production.
    SECRET_KEY = "development-only-key-not-for-production"
# Earlier secret keys, newest first, while a rotation settles: signed links, sessions and
# sealed values (single sign-on client secrets) made under them still open.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names the site is served on, "
        "separated by commas (for example actionplan.example.gov.uk)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "actionplan.adminsite.SuperuserAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "simple_history",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "actionplan",
    "standards",
    "consultation",
    "accounts",
    # Single sign-on (accounts/oidc.py): allauth's OpenID Connect provider only; its own
    # account pages are not used (sign-in, password reset and invitations are ours).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    # First: load balancers probe /health/ by address over plain HTTP (actionplan/health.py).
    "actionplan.health.HealthCheckMiddleware",
    "actionplan.requestlog.request_log_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves its own static files; development uses runserver's.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "actionplan.urls"
WSGI_APPLICATION = "actionplan.wsgi.application"

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
                "actionplan.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "actionplan.rendering.GovukFormRenderer"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Production keeps each process's connection for a minute (checked before reuse)
        # rather than opening one per request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under several gunicorn workers: readers never wait for a writer
    # (WAL), a writer waits its turn instead of failing with "database is locked" (timeout),
    # and a write transaction takes the lock when it begins, so two cannot deadlock upgrading
    # from a read (IMMEDIATE). docs/security.md, "Concurrency".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("ACTIONPLAN_SQLITE_TIMEOUT_SECONDS", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["actionplan.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("ACTIONPLAN_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Every file the product keeps (published reports, background reports, uploads awaiting an
# import's confirmation) goes through the default storage, and is served only through views
# that check access: never from a public URL. One machine keeps them on its disk under
# MEDIA_ROOT; several machines share an S3-compatible bucket (docs/operations.md).
MEDIA_ROOT = Path(env_str("ACTIONPLAN_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
ACTIONPLAN_S3_BUCKET = env_str("ACTIONPLAN_S3_BUCKET")
if ACTIONPLAN_S3_BUCKET:
    file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ACTIONPLAN_S3_BUCKET,
            "location": env_str("ACTIONPLAN_S3_PREFIX", ""),
            "endpoint_url": env_str("ACTIONPLAN_S3_ENDPOINT_URL"),
            "region_name": env_str("ACTIONPLAN_S3_REGION"),
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID…, an instance or pod role).
            "access_key": env_str("ACTIONPLAN_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("ACTIONPLAN_S3_SECRET_ACCESS_KEY"),
            "addressing_style": env_str("ACTIONPLAN_S3_ADDRESSING_STYLE"),
            # Private objects (the bucket's own default, no public-read ACL); any URL made for
            # one is signed and short-lived; a second report of the same name never replaces
            # the first.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    }

STORAGES = {
    "default": file_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "actionplan@localhost")

# Production hardening (docs/security.md). Each switch that a TLS-terminating proxy may
# already handle can be turned off from the environment.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Trust X-Forwarded-Proto only when a proxy that sets it (and strips the client's) is in front.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A working day: a shared office PC left signed in does not stay signed in overnight.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading is hard to undo and binds the whole domain: only on purpose.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# ...so the deployment check's nudge towards preloading is a decision taken, not a warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "actionplan.views.pages.csrf_failure"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere; pages may not be
# framed, post forms elsewhere, load plugins or change their base URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Login throttling (django-axes): after ACTIONPLAN_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused with HTTP 429 until the cool-off has passed
# (or `manage.py axes_reset_username NAME`). Keyed on the pair so a typo-prone colleague on
# the same office address, or someone guessing at another person's name, locks out only that;
# higher limits per address and per username stop spraying across accounts or addresses.
AUTHENTICATION_BACKENDS = [  # the first checks lockouts, the second the password
    "actionplan.auth_backends.ThrottledSignInBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on per organisation (accounts/oidc.py): each organisation's identity provider is
# configured in the product (Logins → Single sign-on) or in ACTIONPLAN_OIDC_PROVIDERS, a JSON
# list of {"organisation": slug, "issuer", "client_id", "client_secret", "domains": [..],
# "anyone_from_domains_joins": bool}. allauth only runs the OpenID Connect flow.
ACTIONPLAN_OIDC_PROVIDERS = env_str("ACTIONPLAN_OIDC_PROVIDERS", "[]")
SOCIALACCOUNT_ADAPTER = "accounts.oidc.CouncilSignInAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "accounts.oidc.CouncilOpenIDConnectProvider"}
}
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"username"}
# Invitations and password-reset links last a week (accounts/invitations.py).
PASSWORD_RESET_TIMEOUT = 7 * 24 * 60 * 60

AXES_FAILURE_LIMIT = env_int("ACTIONPLAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ACTIONPLAN_LOGIN_COOLOFF_MINUTES", 15))
# Also per address across usernames and per username across addresses, each with its own
# limit (actionplan/throttling.py, docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_HANDLER = "actionplan.throttling.ThrottlingHandler"
ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int(
    "ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30
)
ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME = env_int(
    "ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME", 15
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "actionplan.views.pages.locked_out"
AXES_CLIENT_IP_CALLABLE = "actionplan.clientip.client_ip"
# Lockouts are logged; the start-up banner on every command is not needed.
AXES_VERBOSE = False
# How many proxies in front of the site append to X-Forwarded-For (0: none, use the socket's
# address). With one proxy, the client is the last address it appended.
ACTIONPLAN_PROXY_COUNT = env_int("ACTIONPLAN_PROXY_COUNT", 0)

# django-simple-history: index (history_date, id) so "as at" reports stay fast.
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The council's name in the header, and the service's name.
ACTIONPLAN_COUNCIL_NAME = env_str("ACTIONPLAN_COUNCIL_NAME", "Council")
ACTIONPLAN_SERVICE_NAME = env_str("ACTIONPLAN_SERVICE_NAME", "Customer Service Action Plan")

# Where the site is served, for links in e-mails sent by commands (send_reminders).
ACTIONPLAN_SITE_URL = env_str("ACTIONPLAN_SITE_URL", "http://127.0.0.1:8000")

# An action is "awaiting update" when its last progress update is older than this,
# unless an update round asks sooner (plans can override).
ACTIONPLAN_AWAITING_UPDATE_DAYS = env_int("ACTIONPLAN_AWAITING_UPDATE_DAYS", 90)
# Spreadsheet imports (actionplan/importing): uploads over these limits are refused unread.
ACTIONPLAN_IMPORT_MAX_BYTES = env_int("ACTIONPLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
ACTIONPLAN_IMPORT_MAX_ROWS = env_int("ACTIONPLAN_IMPORT_MAX_ROWS", 50_000)

# The cache of expensive page fragments (actionplan/pagecache.py), keyed by each plan's change
# stamp so a write shows at once. Local memory suits one machine; several machines may share
# Redis (ACTIONPLAN_CACHE=redis, ACTIONPLAN_CACHE_LOCATION=redis://host:6379/0) or the
# database (ACTIONPLAN_CACHE=database after `manage.py createcachetable`); correctness never
# depends on sharing, since every machine reads the stamp from the database. See README.
CACHE_BACKENDS = {
    "locmem": ("django.core.cache.backends.locmem.LocMemCache", "actionplan"),
    "redis": ("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/0"),
    "database": ("django.core.cache.backends.db.DatabaseCache", "actionplan_cache"),
    "dummy": ("django.core.cache.backends.dummy.DummyCache", ""),
}
ACTIONPLAN_CACHE = env_str("ACTIONPLAN_CACHE", "locmem")
if ACTIONPLAN_CACHE not in CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"ACTIONPLAN_CACHE must be one of {', '.join(CACHE_BACKENDS)}, not {ACTIONPLAN_CACHE!r}."
    )
CACHES = {
    "default": {
        "BACKEND": CACHE_BACKENDS[ACTIONPLAN_CACHE][0],
        "LOCATION": env_str("ACTIONPLAN_CACHE_LOCATION", CACHE_BACKENDS[ACTIONPLAN_CACHE][1]),
        "OPTIONS": {"MAX_ENTRIES": 2000} if ACTIONPLAN_CACHE in ("locmem", "database") else {},
    }
}
# How long a fragment may stay unused in the cache; a write makes it unreachable at once.
ACTIONPLAN_FRAGMENT_SECONDS = env_int("ACTIONPLAN_FRAGMENT_SECONDS", 24 * 60 * 60)

# Slow reports (large PDFs and workbooks, every publication) are made by `manage.py db_worker`
# processes; the database is the queue (django-tasks with django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A PDF or workbook of more actions than this (after the report's filters) is made in the
# background; smaller ones are made while the user waits. See docs/report-jobs.md.
ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = env_int("ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS", 150)
# Bounds on that queue: reports one person may have waiting or being made at once, downloads
# of one plan waiting at once, and how many days made files are kept (prune_report_jobs).
ACTIONPLAN_REPORT_JOBS_PER_USER = env_int("ACTIONPLAN_REPORT_JOBS_PER_USER", 3)
ACTIONPLAN_REPORT_JOBS_PER_PLAN = env_int("ACTIONPLAN_REPORT_JOBS_PER_PLAN", 20)
ACTIONPLAN_REPORT_JOB_KEEP_DAYS = env_int("ACTIONPLAN_REPORT_JOB_KEEP_DAYS", 7)

# Logs go to standard error, one line per record (and one per request, with its method, path,
# status and duration: actionplan/requestlog.py): JSON in production, plain text otherwise.
ACTIONPLAN_LOG_FORMAT = env_str("ACTIONPLAN_LOG_FORMAT", "plain" if DEBUG else "json")
if ACTIONPLAN_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(
        f"ACTIONPLAN_LOG_FORMAT must be plain or json, not {ACTIONPLAN_LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "actionplan.requestlog.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": ACTIONPLAN_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO: noise in a server's log.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
