"""
Settings for IBD Movement, read from environment variables.

Development needs none of them: the defaults run the site on SQLite with
DEBUG on. Production is this same file with DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and, when it grows past one server, DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "community.apps.StaffAdminConfig",  # django.contrib.admin, on a site that asks staff for their second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "articles.apps.TagsConfig",  # django-taggit, named "Tags" in admin
    "csp",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "articles",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above ReadersPageMiddleware, so pages served from the page cache get X-Frame-Options too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # ETags, and 304s for conditional requests (feed readers send them), cached pages included.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Signed-out readers' pages found in the page cache are served here: everything above applies to them,
    # nothing below (none of it concerns a signed-out reader's cached page).
    "articles.caching.ReadersPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so it turns a lockout found while logging in into our login page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ibdmovement.urls"

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
                "articles.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "ibdmovement.wsgi.application"

# SQLite is the embedded default: WAL lets readers and a writer work at once,
# the busy timeout and IMMEDIATE transactions stop concurrent writers from
# failing with "database is locked". PostgreSQL comes through DATABASE_URL.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that doesn't ask the server (a restart still gives a working page).
    DATABASES["default"]["ENGINE"] = "ibdmovement.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# One cache that every gunicorn worker shares, for pages and comment threads:
# Redis through REDIS_URL, otherwise a database table (made by `manage.py
# createcachetable`). The rate limits count in Redis too, or in a table of their
# own (community.ratelimit), never in the cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis is optional at run time: while it doesn't answer, each cache call gives up within these
# (seconds) and reads as a miss (IGNORE_EXCEPTIONS), so pages are served uncached, not broken; the
# rate limits count in the database meanwhile (community.ratelimit). One line a minute says so.
REDIS_CONNECT_TIMEOUT = 0.25
REDIS_TIMEOUT = 0.5
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "ibdmovement.redis"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
                # Once Redis fails to answer, don't wait on it again for a few seconds.
                "CONNECTION_POOL_CLASS": "articles.caching.QuickToGiveUpPool",
            },
        }
    }
    # Members' sessions are read from Redis, kept in the database (community.sessions).
    SESSION_ENGINE = "community.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "ibdm")
# How long a page cached for signed-out readers may live; any change to
# content clears the lot sooner (articles.caching).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# The benchmark only (bench/run.py): say on each page offered to the page cache whether it was found there
# (X-Page-Cache: hit or miss), to count the hit rate of signed-out readers.
PAGE_CACHE_HEADER = env_bool("PAGE_CACHE_HEADER", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Django serves MEDIA_ROOT itself in development and `make run`; production's web server does (docs/deploy.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Content-hashed, compressed files with far-future caching in production;
    # plain files in development and tests so no collectstatic is needed.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Whitenoise serves straight from static/ in development and tests, and the
# collected, hashed files in production.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Hero images: refuse uploads larger than this, in bytes and in pixels.
HERO_IMAGE_MAX_BYTES = 10 * 1024 * 1024
HERO_IMAGE_MAX_PIXELS = 40_000_000
HERO_IMAGE_MAX_SIDE = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Flash messages live in the session: no cookie beyond the session and CSRF ones.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGIN_URL = "community:login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = "articles:home"
# A password reset link works for an hour (Django's default is 3 days): a link that leaks, from a log
# or a shared inbox, is soon worth nothing. The reset pages and email say so.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Staff (editors, moderators, superusers) sign in with a second factor: a code from an authenticator
# app, or a recovery code (community.two_factor). On unless STAFF_TWO_FACTOR=0, which only development
# and the demo (`make run`) should set; `check --deploy` warns when it is off.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", True)
OTP_LOGIN_URL = "community:two_factor"
OTP_TOTP_ISSUER = "IBD Movement"
# Nobody, superusers included, reads a staff member's secret key or recovery codes in admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Members log in with their email address; staff may also use their username. django-axes comes
# first: it turns away a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "community.backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The client's address behind reverse proxies (community.ratelimit.client_ip, through django-ipware):
# how many proxies stand in front of gunicorn (1 for Caddy or nginx), and/or their addresses or networks,
# nearest last. With neither, X-Forwarded-For is ignored and the connecting address counts.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Failed-login lockout through every door (site login, admin, anything calling authenticate()), by
# django-axes with counts kept by community.lockout: 10 failed logins at one account, or 30 from one
# address, in a 15-minute window lock that account, or that address, until the window ends. Logins
# that succeed don't count. A completed password reset unlocks the account.
AXES_HANDLER = "community.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 10
LOGIN_FAILURE_LIMIT_PER_ADDRESS = 30
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_CLIENT_IP_CALLABLE = "community.ratelimit.client_ip"
AXES_USERNAME_CALLABLE = "community.lockout.account_identity"
AXES_LOCKOUT_CALLABLE = "community.views.accounts.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# The counts live in community's table or Redis; axes keeps no rows of its own, no log of who logged in.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# The site's public address, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Email: printed to the console in development; SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IBD Movement <no-reply@ibdmovement.org>")
# Seconds the worker waits on a mail server that accepted the connection and went quiet; then it retries later.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Background jobs (every email) on Django's Tasks API: rows in the database, run by `manage.py db_worker`
# beside gunicorn. From Django 6 the same setting configures django.tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz/queue answers 503 when a job ready to run has waited this long: no worker is running, or too few.
QUEUE_STUCK_SECONDS = int(os.environ.get("QUEUE_STUCK_SECONDS", "600"))

# Where readers write to the editors: shown on the about and policy pages.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "editors@ibdmovement.org")

# Security headers. The Content-Security-Policy allows nothing inline and
# nothing from elsewhere; frames from nowhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Everything a browser could lend a page that this site never uses: off.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "usb", "xr-spatial-tracking",
    ]
}  # fmt: skip

# Behind a TLS proxy (nginx, Caddy, a load balancer) that sets X-Forwarded-Proto.
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# In production: HTTPS only, cookies only over HTTPS, HSTS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/queue$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

# Logs go to stdout, one line per event; unhandled errors carry the request path
# (Django's "Internal Server Error: /path") and their traceback on that line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "articles.logformat.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"once_a_minute": {"()": "articles.logformat.OncePerMinute"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would log each 4xx too; errors are what operators need.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # Redis down would otherwise log on every cache call of every request.
        "ibdmovement.redis": {"filters": ["once_a_minute"]},
    },
}

# Overrides of the comment posting limits, e.g. "member_limit=1000,ip_limit=1000"; only bench/run.py raises them.
COMMENT_RATE_LIMITS = {name: int(n) for name, n in (item.split("=") for item in env_list("COMMENT_RATE_LIMITS"))}
