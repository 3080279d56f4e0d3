"""Haven's one settings module, driven by the environment.

With no environment it runs on the embedded default: SQLite, the in-memory channel layer,
Celery tasks run eagerly in-process and e-mail printed to the console. ``DATABASE_URL``
switches PostgreSQL on, ``REDIS_URL`` switches Redis on for the channel layer, the cache
and Celery.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG=False. Set it to a long random string, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    SECRET_KEY = "haven-embedded-default-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ID = 1
SITE_NAME = "Haven"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "groups",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportforum.security_log.SecurityEventMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "supportforum.middleware.IdleTimeoutMiddleware",
    "supportforum.middleware.LoadedUserMiddleware",
    "supportforum.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "supportforum.urls"
ASGI_APPLICATION = "supportforum.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with the reversed addresses kept per process (supportforum/urltags.py).
            "builtins": ["supportforum.urltags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.notifications",
                "moderation.context_processors.review_nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Threads per web process that run requests (supportforum/handlers.py): a request
# waiting on a lock or a slow query holds up only its own thread. Each may hold one
# database connection, so DB_POOL_MAX stays above it.
HAVEN_REQUEST_THREADS = env_int("HAVEN_REQUEST_THREADS", 4)
DATABASE_URL = env_str("DATABASE_URL")
# An optional streaming replica of the same PostgreSQL: only reads inside an explicit
# ``replica_reads()`` scope go there (supportforum/db_routers.py); without it, no router.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
        # Tests run against the primary's test database: the replica is the same data.
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        DATABASE_ROUTERS = ["supportforum.db_routers.ReplicaRouter"]
    for _alias in DATABASES:
        if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
            # psycopg 3's pool: one pool per process and alias, shared by threads (ASGI
            # runs sync views in a thread pool), instead of a connection per request.
            _bound = env_bool("DB_SERVER_SIDE_BINDING", default=True)
            DATABASES[_alias]["OPTIONS"] = {
                "server_side_binding": _bound,
                # With server-side binding psycopg prepares a query the connection has
                # run 5 times, so PostgreSQL plans the hot ones once, not per request
                # (Django's default, None, never prepares). supportforum/prepared.py
                # keeps their SQL the same text, which is what makes them "the same".
                "prepare_threshold": 5 if _bound else None,
                "pool": {
                    "min_size": env_int("DB_POOL_MIN", 2),
                    "max_size": env_int("DB_POOL_MAX", 10),
                    "timeout": 10,
                },
            }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "haven.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("CHANNEL_PREFIX", "haven")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "supportforum.redis_pool.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "haven"),
            # One pool and one client per process, not per request or per call
            # (supportforum/redis_pool.py).
            "OPTIONS": {"pool_class": "supportforum.redis_pool.SharedConnectionPool"},
        }
    }
    # Sessions read from Redis, written through to PostgreSQL (one query fewer a page).
    SESSION_ENGINE = "supportforum.sessions"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

# Haven never reads a task's result. With a result backend on Redis, every ``delay()``
# also subscribed to the result's channel, retrying for 20 s when Redis was down: each
# post then hung 20 s in the request (found by tests/reliability/).
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
# Workers log through LOGGING below (JSON lines, control characters escaped, no content),
# not through handlers of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# The embedded default has no beat process; ``make demo`` sets this so the web process
# runs the schedule below in a thread (supportforum/embedded_beat.py).
HAVEN_EMBEDDED_BEAT = env_bool("HAVEN_EMBEDDED_BEAT", default=False)
CELERY_BEAT_SCHEDULE: dict = {
    # Vetted resources past their review-by date return to the review queue (idempotent).
    "moderation.resources_review_stale": {
        "task": "moderation.resources_review_stale",
        "schedule": 24 * 60 * 60,
    },
    # Facilitators hear about review items that waited too long (idempotent, once per item).
    "moderation.review_remind_overdue": {
        "task": "moderation.review_remind_overdue",
        "schedule": 5 * 60,
    },
    # Crisis lines past their re-verification date go to the admins' queue (idempotent).
    "moderation.crisis_lines_review_due": {
        "task": "moderation.crisis_lines_review_due",
        "schedule": 24 * 60 * 60,
    },
    # Crisis alerts: escalate the unacknowledged, re-dispatch the undelivered (both
    # idempotent; a tick not run within 25 s is dropped, the next one does its work), and
    # remind resolvers to check in after outreach.
    "moderation.alert_escalate_due": {
        "task": "moderation.alert_escalate_due",
        "schedule": 30,
        "options": {"expires": 25},
    },
    "moderation.alert_sweep": {
        "task": "moderation.alert_sweep",
        "schedule": 30,
        "options": {"expires": 25},
    },
    "moderation.alert_follow_up_due": {
        "task": "moderation.alert_follow_up_due",
        "schedule": 5 * 60,
    },
    # Members whose mute or suspension ended are told, once per sanction.
    "moderation.sanctions_ended_notify": {
        "task": "moderation.sanctions_ended_notify",
        "schedule": 15 * 60,
    },
    # Digest e-mails: hourly, members whose daily/weekly digest is due at 08:00 local time
    # (idempotent via User.last_digest_at), sent in batches.
    "accounts.digest_send_due": {
        "task": "accounts.digest_send_due",
        "schedule": 60 * 60,
        "options": {"expires": 50 * 60},
    },
    # Accounts whose owners asked to delete them are erased when the grace period ends.
    "accounts.account_erasures_due": {
        "task": "accounts.account_erasures_due",
        "schedule": 60 * 60,
        "options": {"expires": 50 * 60},
    },
    # Those going to a meeting are reminded 24 hours and 1 hour before.
    "groups.meeting_reminders_due": {
        "task": "groups.meeting_reminders_due",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # A data export's content is cleared when its 24 hours are over.
    "accounts.data_exports_purge": {
        "task": "accounts.data_exports_purge",
        "schedule": 60 * 60,
        "options": {"expires": 50 * 60},
    },
    # Notification e-mails held for a member's quiet hours go out when those end.
    "accounts.notification_emails_release": {
        "task": "accounts.notification_emails_release",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
}

# --- Accounts (django-allauth) ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the member with the facts every page asks.
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "groups:directory"
ACCOUNT_ADAPTER = "accounts.adapter.HavenAccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.HavenSignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "handle"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.HANDLE_VALIDATORS"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Haven] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Haven"
# TOTP secrets and recovery-code seeds are Fernet-encrypted in the database
# (accounts.adapter.HavenMFAAdapter). ``MFA_ENCRYPTION_KEY`` is a comma-separated list of
# Fernet keys: the first encrypts, all decrypt (put a new key first to rotate).
import base64  # noqa: E402
import hashlib  # noqa: E402

MFA_ADAPTER = "accounts.adapter.HavenMFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY", [])
if not MFA_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY is required when DEBUG=False: it encrypts two-factor secrets "
            "in the database. Set it to a Fernet key (comma-separate several to rotate), e.g. "
            'python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())".'
        )
    # Embedded/development default, derived from SECRET_KEY (changing one loses the other).
    MFA_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(f"haven-mfa-encryption:{SECRET_KEY}".encode()).digest()
        ).decode()
    ]
for _number, _key in enumerate(MFA_ENCRYPTION_KEYS, start=1):
    try:
        _raw = base64.urlsafe_b64decode(_key.encode())
    except ValueError:
        _raw = b""
    if len(_raw) != 32:
        raise ImproperlyConfigured(
            f"MFA_ENCRYPTION_KEY entry {_number} is not a Fernet key (32 url-safe base64 bytes)."
        )
# Members see and end their sessions (/accounts/sessions/). Activity is not tracked by
# allauth (it would write on every request and keep IP addresses); Haven's idle timeout
# notes "last seen" itself, and no IP address is kept (accounts.adapter).
USERSESSIONS_TRACK_ACTIVITY = False
# A signed-in session idle longer than this many minutes is signed out on its next request
# (supportforum.middleware.IdleTimeoutMiddleware); activity is written at most every
# SESSION_ACTIVITY_WRITE_SECONDS, so the cut comes between N minutes less that and N.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60)
SESSION_ACTIVITY_WRITE_SECONDS = min(5 * 60, SESSION_IDLE_TIMEOUT * 60 // 6)

# E-mail: ``EMAIL_URL`` configures the backend in one variable (dj-email-url), e.g.
# ``submission://user:password@smtp.example.org:587`` (SMTP with STARTTLS),
# ``smtp://user:password@smtp.example.org:465?ssl=True`` (SMTP over TLS), ``console:`` or
# ``dummy:``; user names and passwords are percent-encoded. Without it, ``EMAIL_BACKEND``
# names a backend class, and the embedded default prints e-mail to the console.
EMAIL_URL = env_str("EMAIL_URL")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_TIMEOUT = 10
if EMAIL_URL:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "smtps is deprecated" is theirs
        _email = dj_email_url.parse(EMAIL_URL)
    if not _email.get("EMAIL_BACKEND"):
        raise ImproperlyConfigured(
            "EMAIL_URL must look like submission://user:password@host:587, "
            "smtp://user:password@host:465?ssl=True, console: or dummy:; "
            f"{EMAIL_URL.split(':', 1)[0]!r} is not a scheme Haven knows."
        )
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = bool(_email["EMAIL_USE_TLS"])
    EMAIL_USE_SSL = bool(_email["EMAIL_USE_SSL"])
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or EMAIL_TIMEOUT
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Haven <no-reply@haven.invalid>")

# --- Abuse limits ------------------------------------------------------------------------
# All counted by allauth's rate limiter on the default cache (Redis; the embedded default's
# in-process cache), see supportforum/ratelimits.py. A rate is "amount/period/per": per
# "user" counts one member, per "ip" one address (an address may be shared, e.g. a clinic's
# wifi, so it gets more room), per "key" one e-mail address. A refused request gets a calm
# 429 page (templates/errors/429.html) saying when to try again.
# allauth's own limits, written out (its defaults): signing in, failed sign-ins per address
# and per account, signing up, password resets.
ACCOUNT_RATE_LIMITS = {
    "login": "30/1m/ip",
    "login_failed": "10/1m/ip,5/5m/key",
    "signup": "20/1m/ip",
    "reset_password": "20/1m/ip,5/1m/key",
    "reset_password_from_key": "20/1m/ip",
}
# The client's address behind a reverse proxy, which every per-address limit counts: how
# many proxies of ours append to X-Forwarded-For (0: the header is ignored, since anyone can
# forge it), or the one header a trusted proxy sets instead (e.g. X-Real-IP or
# CF-Connecting-IP). Wrong here, and every visitor shares the proxy's address and limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
# Haven's own, per member and per address: never felt by a person using Haven, a wall for a
# flood. Each can be replaced by HAVEN_RATE_LIMIT_<NAME> (e.g. HAVEN_RATE_LIMIT_REPLY=
# "20/1m/user,60/1m/ip"); HAVEN_RATE_LIMITS=off switches all of Haven's off (for load
# benchmarks; allauth's stay). Read at call time, so tests can change them.
HAVEN_RATE_LIMITS_ENABLED = env_bool("HAVEN_RATE_LIMITS", default=True)
HAVEN_RATE_LIMITS = {
    name: env_str(f"HAVEN_RATE_LIMIT_{name.upper()}", rates)
    for name, rates in {
        # Starting a thread; replying; sending support (a reaction, toggled on or off).
        "thread": "3/1m/user,15/1h/user,10/1m/ip,60/1h/ip",
        "reply": "10/1m/user,120/1h/user,30/1m/ip,400/1h/ip",
        "react": "30/1m/user,300/1h/user,90/1m/ip,900/1h/ip",
        # Flagging a post; "I'm worried about this member" (which also has its own daily
        # limits, HAVEN_CONCERN_LIMITS: a rule about concerns, not about floods).
        "flag": "10/1m/user,60/1h/user,30/1m/ip,200/1h/ip",
        "concern": "5/1m/user,20/1h/user,20/1m/ip,60/1h/ip",
        # Searching (each page of results counts).
        "search": "20/1m/user,300/1h/user,60/1m/ip,1000/1h/ip",
    }.items()
}
# A form sent with a stale security token gets Haven's calm 403 page, not Django's.
CSRF_FAILURE_VIEW = "supportforum.views.csrf_failure"

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    # In development whitenoise serves straight from the finders; an uncollected
    # STATIC_ROOT is expected, not a problem worth a warning on every start.
    warnings.filterwarnings("ignore", message="No directory at: ")

# --- Security ----------------------------------------------------------------------------------
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Haven ---------------------------------------------------------------------------------------
HAVEN_POSTS_PER_PAGE = env_int("HAVEN_POSTS_PER_PAGE", 20)
HAVEN_THREADS_PER_PAGE = env_int("HAVEN_THREADS_PER_PAGE", 25)
# Keep what a thread page shows of everyone (its posts' rows, reaction counts) in the
# cache under the thread's version, which PostgreSQL's triggers change with any of those
# rows (groups/selectors/snapshots.py). PostgreSQL only: SQLite has no such triggers here.
HAVEN_THREAD_SNAPSHOTS = env_bool(
    "HAVEN_THREAD_SNAPSHOTS", DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
)
HAVEN_MAX_NESTING_DEPTH = 4
HAVEN_INVITATION_DAYS = 14
# "I'm worried about this member": most concerns one member may raise, and most about one
# member from everyone, in 24 hours (read at call time, so tests and admins can change it).
HAVEN_CONCERN_LIMITS = {"per_sender_per_day": 3, "per_target_per_day": 5}
# The Celery queue of crisis alerts: their delivery, escalation and sweeper. Everything
# else (notifications, e-mail, digests) goes to "celery". A worker started without `-Q`
# takes from both in turn, so a backlog of notifications (a busy evening) never holds an
# alert back behind it (it did: tests/reliability/); production adds a worker of its own
# for alerts (`-Q alerts`, docker-compose's alerts-worker).
HAVEN_ALERT_QUEUE = env_str("HAVEN_ALERT_QUEUE", "alerts")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(HAVEN_ALERT_QUEUE), Queue(CELERY_TASK_DEFAULT_QUEUE)]
CELERY_TASK_ROUTES = {"moderation.alert_*": {"queue": HAVEN_ALERT_QUEUE}}
# The load benchmark's reference views (/bench/hello/, /bench/one-query/): the framework's
# ceiling measured in the same deployment as the pages (bench/bench_pages.py). Off unless set.
HAVEN_BENCH_VIEWS = env_bool("HAVEN_BENCH_VIEWS", default=False)

# Logs go to stderr: JSON lines in production, readable text under DEBUG (LOG_FORMAT
# overrides). Both escape CR/LF, so a hostile value stays inside one record, and keep
# what members wrote, e-mail addresses, query strings (search terms) and IP addresses out
# (supportforum/security_log.py). Security events go to the "haven.security" logger.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
# uvicorn's access log (one line per request) is off unless LOG_ACCESS is set, whatever
# uvicorn's --no-access-log says; when on, its lines carry no client address or query.
LOG_ACCESS = env_bool("LOG_ACCESS", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"privacy": {"()": "supportforum.security_log.PrivacyFilter"}},
    "formatters": {
        "json": {"()": "supportforum.security_log.JsonFormatter"},
        "text": {"()": "supportforum.security_log.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
            "filters": ["privacy"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # SQL parameters hold post bodies and addresses: never below WARNING.
        "django.db.backends": {"level": "WARNING"},
        # Its DEBUG records quote template contexts: handles, confirmation links.
        "django.template": {"level": "INFO"},
        # Django's own console and mail handlers go; its records reach ours through root.
        "django": {"level": "INFO"},
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO", "filters": ["privacy"]},
        "uvicorn.access": {
            "handlers": ["console"] if LOG_ACCESS else [],
            "level": "INFO",
            "filters": ["privacy"],
            "propagate": False,
        },
    },
}
