"""Settings read from the environment, with safe local defaults.

Locally nothing needs to be set: SQLite under var/, DEBUG on, a throwaway secret key.
In production DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 are set.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY skal være sat, når DEBUG er slået fra.")
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_prose_editor",
    "adminsortable2",
    "delaftaler",
    "indikatorer",
    "aktiviteter",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into the Danish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered PDFs are cached under the SHA-256 of their HTML (delaftaler/pdf.py), so an
# entry never goes stale and needs no expiry. Locally they live on disk in var/; in
# production PDF_CACHE_DIR must point at storage every app server shares (or "pdf" is
# switched to a shared store such as Redis/the database) — issue 6 will revisit this.
PDF_CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR") or BASE_DIR / "var" / "pdf-cache")
PDF_CACHE_DIR.mkdir(parents=True, exist_ok=True)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pdf": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": PDF_CACHE_DIR,
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Measurements uploaded from Excel (indikatorer/xlsx.py): the largest file accepted, and
# where an upload waits (at most an hour) between its preview and the confirmation. With
# several app servers the folder must be shared, or uploads pinned to one server.
MAALINGER_UPLOAD_MAX_BYTES = int(os.environ.get("MAALINGER_UPLOAD_MAX_BYTES") or 5 * 1024 * 1024)
MAALINGER_UPLOAD_DIR = Path(
    os.environ.get("MAALINGER_UPLOAD_DIR") or BASE_DIR / "var" / "indlaesninger"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Det Fælles Designsystem fra npm (`make setup` kører `npm ci`): css/, fonts/ og img/
    # under static/dkfds/, så CSS'ens relative font- og billed-URL'er virker.
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
]

LOGIN_URL = "admin:login"

# Repeated failed logins are throttled by django-axes: after AXES_FAILURE_LIMIT failures for
# the same user name from the same address, that combination is locked out for the cool-off
# (each further attempt while locked out starts it again); other users and addresses are
# unaffected, and a successful login clears the count. The lockout page is Danish and answers
# 429 (delaftaler/spaerring.py). Axes' backend must come first; it only checks for lockouts.
# The client address is REMOTE_ADDR: behind a reverse proxy set AXES_CLIENT_IP_CALLABLE (or
# install django-ipware and set AXES_IPWARE_PROXY_COUNT), or everyone shares the proxy's address.
# Tests: Client.force_login() bypasses axes; Client.login() needs a request:
# client.login(request=HttpRequest(), username=..., password=...).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "delaftaler.spaerring.spaerret_svar"
AXES_USERNAME_CALLABLE = "delaftaler.spaerring.brugernavn"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every management command; lockouts are logged below
AXES_COOLOFF_MESSAGE = "For mange mislykkede loginforsøg. Prøv igen senere."

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        # Logins, failed logins, logouts, lockouts and the follow-up's workflow steps
        # (delaftaler/logning.py): always at INFO, whatever LOG_LEVEL says.
        "delaftaler.sikkerhed": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

CSRF_FAILURE_VIEW = "config.fejl.csrf_fejl"
