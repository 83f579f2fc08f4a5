"""Settings for every run mode. Everything that differs between machines comes
from environment variables (see README "Configuration")."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("CRM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "accounts",
    "debtors",
    "scripts_library",
    "followups",
    "desk",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "collections_crm.middleware.UploadSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "collections_crm.urls"
WSGI_APPLICATION = "collections_crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "collections_crm.context_processors.navigation",
            ],
        },
    },
]

# The embedded default runs on SQLite; production and the test suite on PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crm.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL replica for the reports' rollup reads (reports.router); the
# primary serves them when unset.
REPORTS_DATABASE_URL = env.str("REPORTS_DATABASE_URL", default="")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = env.db_url_config(REPORTS_DATABASE_URL)
    DATABASES["reports"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["reports"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["reports.router.ReportsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Money: amounts are Decimal(14, 2); see collections_crm/lib/money.py for rounding.
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="CNY")
COMPANY_NAME = env.str("COMPANY_NAME", default="Northwind Supply Co.")

# Security. Production-like defaults; the embedded default relaxes them by DEBUG.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "collections_crm.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_THROTTLE_USER", default="600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collections CRM API",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name for the debtor-type choices wherever a serializer uses them.
    "ENUM_NAME_OVERRIDES": {"DebtorTypeEnum": "debtors.models.DebtorType"},
}

# Celery. Redis in production (REDIS_URL); the filesystem transport otherwise,
# so the embedded default needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
# The filesystem transport ignores the host; naming one keeps kombu from warning
# "No hostname was supplied" at every start and publish.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = VAR_DIR / "celery"
    # Every folder the transport uses lives under var/ (kombu's default control
    # folder is ./control, in whatever directory the process started), and
    # exists before the first message: the web process may publish before the
    # worker has ever run.
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest ETA we schedule, so Redis never redelivers early.
        "visibility_timeout": 60 * 60 * 6,
        # A broker host that vanished (no RST) must not hold a connect for the
        # kernel's two minutes, nor a dead connection go unnoticed: connect
        # attempts give up after 5 s, TCP keepalive is on, and an idle
        # connection is pinged every 10 s.
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 10,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 5
CELERY_TASK_TIME_LIMIT = 60 * 6
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep the worker's database connection across tasks (the Django fixup closes
# it after every task otherwise): about 2.6x more ORM tasks per second.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker never gives up on its broker (Celery's default stops it after 100
# attempts); it reconnects at most 2 s apart (collections_crm/celery.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Beat reads crontab hours in the company's time zone.
COMPANY_TIMEZONE = env.str("COMPANY_TIMEZONE", default="Asia/Shanghai")
CELERY_TIMEZONE = COMPANY_TIMEZONE
# Converted totals on the reports are shown in this currency, marked as converted.
BASE_CURRENCY = env.str("BASE_CURRENCY", default="CNY")
CELERY_BEAT_SCHEDULE = {
    # Every minute: claim due SMS and email follow-ups and send them; return
    # claims whose lease ran out (a worker died) to the schedule.
    "dispatch-due-followups": {
        "task": "followups.tasks.followups_dispatch_task",
        "schedule": 60.0,
    },
    "sweep-expired-followup-leases": {
        "task": "followups.tasks.followups_sweep_task",
        "schedule": 60.0,
    },
    # Every night at 01:00 company time, in this order: summaries (days past
    # due move with the calendar), promises that fell due, measured contact
    # rates, then the next step for every debtor. All set-based.
    "nightly-followup-planning": {
        "task": "followups.tasks.nightly_task",
        "schedule": crontab(minute=0, hour=1),
    },
    # Every night at 02:30, after the planning: remake the report rollups
    # (events keep them current during the day; this makes them whole).
    "nightly-report-rollups": {
        "task": "reports.tasks.rebuild_reports_task",
        "schedule": crontab(minute=30, hour=2),
    },
    # Every night at 03:00 company time, after the planning run has evaluated
    # the promises that fell due: the type review's suggestions for everyone.
    "nightly-type-review": {
        "task": "followups.tasks.suggest_debtor_types",
        "schedule": crontab(minute=0, hour=3),
    },
    # Every morning at 07:30 company time: on the month's first working day,
    # last month's review PDF to every manager, once each.
    "monthly-review-emails": {
        "task": "reports.review_tasks.send_monthly_reviews",
        "schedule": crontab(minute=30, hour=7),
    },
}

# Shared between web and worker processes (import progress, locks): Redis when
# there is one, files under var/ otherwise.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Imports: refused with 413 before the body is read.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Previews count exactly what a commit would change by rehearsing it in a
# rolled-back transaction, up to this many records.
IMPORT_PREVIEW_REHEARSAL_MAX_ROWS = env.int("IMPORT_PREVIEW_REHEARSAL_MAX_ROWS", default=200_000)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="collections@example.com")

# Follow-up engine and reminders.
CONTACT_POLICY_PACK = env.str("CONTACT_POLICY_PACK", default="b2b")  # until a manager picks one
FOLLOWUP_LEASE_SECONDS = env.int("FOLLOWUP_LEASE_SECONDS", default=600)
FOLLOWUP_SEND_CHUNK = env.int("FOLLOWUP_SEND_CHUNK", default=25)
PROMISE_GRACE_DAYS = env.int("PROMISE_GRACE_DAYS", default=2)  # days before an unpaid one breaks
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")  # for links in messages
PAYMENT_LINK_TEMPLATE = env.str("PAYMENT_LINK_TEMPLATE", default="")  # {code}, {public_id}
SMS_BACKEND = env.str("SMS_BACKEND", default="followups.channels.sms.ConsoleSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SENDER = env.str("SMS_SENDER", default="")
SMS_FILE_DELAY_SECONDS = env.float("SMS_FILE_DELAY_SECONDS", default=0.0)  # tests only

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
