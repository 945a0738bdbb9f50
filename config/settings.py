"""Settings read from the environment, with safe local defaults.

Locally nothing needs to be set: SQLite under var/, DEBUG on, a throwaway secret key.
In production DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 are set (README,
»Drift«); DEBUG=0 turns on HTTPS redirects, HSTS, secure cookies, hashed and compressed
static files and JSON logs.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY skal være sat, når DEBUG er slået fra.")
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Needed when the site is reached over HTTPS through a proxy on another host name/port,
# e.g. "https://delaftaler.kommune.dk".
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The apps that hold the domain: their models are scoped by helhedsplan, given to the roles
# and written whole to a backup.
DOMAENE_APPS = ("delaftaler", "indikatorer", "aktiviteter")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.staticfiles.StaticFiles",
    "django_tables2",
    "django_prose_editor",
    "adminsortable2",
    "simple_history",
    *DOMAENE_APPS,
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # The API's docs page (Swagger UI) from our own static files, not a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names, compressed, cached for a year (whitenoise).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One JSON line per request (method, path, status, time, user) on »delaftaler.anmodning«.
    "config.anmodningslog.AnmodningsLogMiddleware",
    # A NUL byte in the address or query string: the Danish 400 page (config/nul_bytes.py).
    "config.nul_bytes.RefuseNullBytesMiddleware",
    # Anonymous readers get the public pages and PDFs of the last second from memory,
    # before sessions and the view (delaftaler/visning/page_cache.py).
    "delaftaler.visning.page_cache.OffentligeSiderMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which parses the POST: a few views accept more fields (lib/formdata.py).
    "delaftaler.lib.formdata.FormdataMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the history tables (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
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
                # The accessibility statement's address, for every page's footer.
                "config.kontekst.side",
            ],
        },
    },
]
# Django's widget templates for inputs, textareas and selects written out in Python
# (delaftaler/lib/formrenderer.py): the follow-up grid and the admin's inlines render
# hundreds of them.
FORM_RENDERER = "delaftaler.lib.formrenderer.HurtigRenderer"

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

# Several app servers, or gunicorn's several workers, share one cache when REDIS_URL is set
# (e.g. redis://127.0.0.1:6379/0; README »Drift«): a page or PDF rendered by one is served
# by all. Without it each process keeps its own in memory, as before. Redis is reached
# through config/redis_cache.py: Django's backend, except that a Redis that is down or
# hangs makes a cache miss (the page is rendered) and a log line, never a 500.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()


def redis_cache(url: str, *, praefiks: str) -> dict:
    """A cache in the Redis at ``url``, its keys under ``praefiks``."""
    return {
        "BACKEND": "config.redis_cache.TolerantRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": praefiks,
        "TIMEOUT": 300,
        "OPTIONS": {
            # The most a Redis that does not answer costs a request (then that process
            # leaves it alone for a few seconds). One that works gives a page or PDF in
            # 0,2–1 ms (benchmarks/README.md), plus the network's transfer time.
            "socket_connect_timeout": 0.5,
            "socket_timeout": 1.0,
            # A pooled connection idle this long is checked before use (Redis restarted).
            "health_check_interval": 30,
        },
    }


# Rendered PDFs are cached under a digest of their content (delaftaler/pdf.py), so an
# entry never goes stale and needs no expiry. PDF_CACHE picks the store:
# - "redis" (default when REDIS_URL is set): the same Redis as the pages, its own prefix.
#   Each PDF is 80–500 KB (Vejle and a delaftale ten times its size) and can be rendered
#   again in seconds, so a Redis of a few hundred MB that drops the least used (README)
#   holds every PDF readers ask for, and all servers share them without a shared disk.
#   Choose "fil" or "database" to keep PDFs across a Redis restart or out of its memory.
# - "fil" (default otherwise): files in PDF_CACHE_DIR. With several app servers that folder
#   must be shared storage (NFS or similar), or each server renders its own copy.
# - "database": the table »pdf_cache« in the one PostgreSQL every app server uses
#   (`manage.py createcachetable`, which `make serve` runs). Nothing to share besides it.
PDF_CACHE = (os.environ.get("PDF_CACHE") or ("redis" if REDIS_URL else "fil")).strip().lower()
PDF_CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR") or BASE_DIR / "var" / "pdf-cache")
if PDF_CACHE == "database":
    _PDF_CACHE = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pdf_cache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
elif PDF_CACHE == "fil":
    PDF_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    _PDF_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": PDF_CACHE_DIR,
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
elif PDF_CACHE == "redis" and REDIS_URL:
    _PDF_CACHE = {**redis_cache(REDIS_URL, praefiks="delaftaler-pdf"), "TIMEOUT": None}
elif PDF_CACHE == "redis":
    raise ImproperlyConfigured("PDF_CACHE=redis kræver, at REDIS_URL er sat.")
else:
    raise ImproperlyConfigured("PDF_CACHE skal være »fil«, »database« eller »redis«.")
# The default cache holds the finished public pages (delaftaler/visning/page_cache.py), the
# versions' PDFs as read from the database and the rendered charts.
CACHES = {
    "default": (
        redis_cache(REDIS_URL, praefiks="delaftaler")
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "pdf": _PDF_CACHE,
}
# How long an anonymous reader may be given a public page or PDF another reader was given
# (delaftaler/visning/page_cache.py): the most a publication can reach them late. 0 turns it off;
# off by default while developing, so an edited template shows at once.
SIDECACHE_SEKUNDER = float(os.environ.get("SIDECACHE_SEKUNDER") or (0 if DEBUG else 1))

# Measurements uploaded from Excel (the limit is read in delaftaler/opfoelgning/excel/safety.py):
# the largest file accepted, and where an upload waits (at most an hour) between its preview
# and the confirmation. With several app servers the folder must be shared, or uploads pinned
# to one server.
MAALINGER_UPLOAD_MAX_BYTES = int(os.environ.get("MAALINGER_UPLOAD_MAX_BYTES") or 5 * 1024 * 1024)
MAALINGER_UPLOAD_DIR = Path(
    os.environ.get("MAALINGER_UPLOAD_DIR") or BASE_DIR / "var" / "indlaesninger"
)
# A delaftale uploaded as a Word document (read in delaftaler/word/safety.py): the largest
# file accepted. Real delaftaler are under 1 MB; images make the rest.
WORD_MAKS_BYTES = int(os.environ.get("WORD_MAKS_BYTES") or 10 * 1024 * 1024)

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
# Off: Django would group every integer a template prints, years and ids too (»2.022«).
# Amounts are grouped where they are formatted (indikatorer/tal.py formater_tal).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# In production (DEBUG=0) `collectstatic` writes hashed, compressed copies to STATIC_ROOT
# and whitenoise serves them with a year's cache; locally and in tests the files are
# served straight from the finders, unhashed, so nothing has to be collected first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Locally and in tests, look files up per request instead of scanning all ~2 200 static
# files (dkfds included) each time the middleware starts, i.e. for every test client.
# Whitenoise's own default follows settings.DEBUG, which the test runner switches off.
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
# Only the hashed copies are kept: templates name files through {% static %}, so the
# unhashed ones would be compressed and stored for nothing.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are fetched by a developer's browser tools only, and the ttf cuts by
# WeasyPrint and matplotlib from disk: neither is worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map", "ttf")
DKFDS = BASE_DIR / "node_modules" / "dkfds" / "dist"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Det Fælles Designsystem fra npm (`make setup` kører `npm ci`): the parts the pages use,
    # under static/dkfds/ as in the package, so the CSS's relative font and image URLs work.
    # Not its JavaScript, Sass sources, the split fonts or OTF: collectstatic compresses
    # every file it collects, and those were half of its time.
    ("dkfds/css", DKFDS / "css"),
    ("dkfds/img", DKFDS / "img"),
    *(
        (f"dkfds/fonts/IBMPlexSans/complete/{form}", DKFDS / "fonts/IBMPlexSans/complete" / form)
        for form in ("eot", "ttf", "woff", "woff2")
    ),
]

LOGIN_URL = "delaftaler:log_ind"
# Staff land on their own page after logging in (delaftaler/overblik/).
LOGIN_REDIRECT_URL = "delaftaler:overblik"

# The site's own address, for the absolute links in e-mails sent outside a request
# (notifications, reminders), e.g. "https://delaftaler.kommune.dk".
SIDE_ADRESSE = (os.environ.get("SIDE_ADRESSE") or "http://127.0.0.1:8000").rstrip("/")
# Danish public web sites must link to their accessibility statement (WAS-tool's address).
TILGAENGELIGHEDSERKLAERING_URL = (
    os.environ.get("TILGAENGELIGHEDSERKLAERING_URL") or "https://www.was.digst.dk/"
)

# Background work (e-mail, rendering a published version's PDF) runs in a worker beside the
# app, `manage.py db_worker`, reading its queue from the app's own database (django-tasks with
# django-tasks-db). Tasks are enqueued after the transaction commits, never run in a request.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# E-mail: through SMTP when EMAIL_HOST is set (production), otherwise written to the
# worker's console (`make run`). The sender is DEFAULT_FROM_EMAIL.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Delaftaler <delaftaler@localhost>"
# Reminders about a year's follow-up (delaftaler/notifikationer/paamindelser.py): this many
# days before its due date, and once when it has passed; the daily run starts at this hour.
PAAMINDELSE_DAGE_FOER = int(os.environ.get("PAAMINDELSE_DAGE_FOER") or 14)
PAAMINDELSE_KLOKKEN = int(os.environ.get("PAAMINDELSE_KLOKKEN") or 6)
# Disclosure control (indikatorer/diskretion.py): a public number that rests on fewer persons
# than this is shown as »<5«. Each helhedsplan starts with it and may raise it.
DISKRETION_MINDSTE_ANTAL = int(os.environ.get("DISKRETION_MINDSTE_ANTAL") or 5)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Repeated failed logins are throttled by django-axes: after AXES_FAILURE_LIMIT failures for
# the same user name from the same address, that combination is locked out for the cool-off
# (each further attempt while locked out starts it again); other users and addresses are
# unaffected, and a successful login clears the count. The lockout page is Danish and answers
# 429 (delaftaler/lib/lockout.py). Axes' backend must come first; it only checks for lockouts.
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
AXES_LOCKOUT_CALLABLE = "delaftaler.lib.lockout.spaerret_svar"
AXES_USERNAME_CALLABLE = "delaftaler.lib.lockout.brugernavn"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every management command; lockouts are logged below
AXES_COOLOFF_MESSAGE = "For mange mislykkede loginforsøg. Prøv igen senere."

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # HTTPS only. Behind a proxy that ends TLS, set PROXY_SSL_HEADER to the header it
    # sets (e.g. X-Forwarded-Proto) — and make sure the proxy overwrites it — or every
    # request looks like plain HTTP and is redirected for ever. SECURE_SSL_REDIRECT=0
    # leaves the redirect to the proxy.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if os.environ.get("PROXY_SSL_HEADER"):
    _header = os.environ["PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")
# /healthz is asked over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): only our own scripts, styles, fonts and images;
# no inline script or style anywhere (public pages, admin, error pages), no eval, no
# frames, no plugins. A template that truly needs inline code gives it
# nonce="{{ request.csp_nonce }}"; the nonce then joins the header for that response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Logs go to stderr, one JSON object a line in production (config/logformat.py), plain
# text locally; LOG_FORMAT=json|tekst overrides. Requests (»delaftaler.anmodning«),
# errors with their traceback (»django.request«), logins, lockouts and the follow-up's
# workflow steps and approvals (»delaftaler.sikkerhed«) all pass through it.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("tekst" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logformat.JsonFormatter"},
        "tekst": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "tekst",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        # fontTools logs every subsetting step at INFO while WeasyPrint embeds fonts.
        "fontTools": {"level": "WARNING"},
        # Logins, failed logins, logouts, lockouts and the follow-up's workflow steps
        # (delaftaler/lib/security_log.py): always at INFO, whatever LOG_LEVEL says.
        "delaftaler.sikkerhed": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per request; LOG_REQUESTS=0 turns it off (e.g. when the proxy logs).
        "delaftaler.anmodning": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING",
            "propagate": False,
        },
        # 4xx are logged as one request line already; keep errors (5xx) with traceback.
        "django.request": {"level": "ERROR"},
    },
}

CSRF_FAILURE_VIEW = "config.fejl.csrf_fejl"
