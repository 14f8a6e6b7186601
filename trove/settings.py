"""Settings for Trở Về, read from the environment (see docs/deploy.md for every variable)."""

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from trove.env import cache_from_url, database_from_url, envbool, envint, envlist, envstr, random_secret, secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("TROVE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = secret("SECRET_KEY", VAR_DIR, generate=random_secret)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "trove.core",
    "trove.geo",
    "trove.agencies",
    "trove.rules",
    "trove.people",
    "trove.cases",
    "trove.documents",
    "trove.verification",
    "trove.notifications",
    "trove.support",
    "trove.referrals",
    "trove.intel",
    "trove.plans",
    "trove.reports",
    "trove.imports",
    "trove.api",
    "trove.privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_otp",
    "django_tasks_db",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trove.core.access_memo.AccessMemoMiddleware",  # the policy's answers kept for the request
    "django_otp.middleware.OTPMiddleware",
    "trove.core.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "trove.urls"
WSGI_APPLICATION = "trove.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trove.core.context_processors.installation",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(envstr("DATABASE_URL"), default_sqlite=VAR_DIR / "trove.sqlite3")}
# Computed statistics only (never identity data): per process by default, Redis when several workers should share them.
CACHES = cache_from_url(envstr("CACHE_URL"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "trove.core.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second. Source strings are English; each app's locale/vi holds the Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # `make serve` collects static files and sets STATIC_MANIFEST=1 for hashed, compressed, cacheable files.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected files (development, tests) WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not envbool("STATIC_MANIFEST", False)
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Case attachments: outside the web root, read only through the attachment view that asks the access policy.
ATTACHMENTS_ROOT = Path(envstr("ATTACHMENTS_ROOT", str(VAR_DIR / "attachments")))
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}

# Outgoing mail (Django 6.1 MAILERS). The console backend prints mail until EMAIL_BACKEND says otherwise.
_email_backend = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": envstr("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 25),
            "username": envstr("EMAIL_HOST_USER"),
            "password": envstr("EMAIL_HOST_PASSWORD"),
            "use_tls": envbool("EMAIL_USE_TLS", False),
        }
        if _email_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "tro-ve@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # The age counts from the last request: an idle timeout.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own scripts, styles and images: an injected <script> or inline handler does not run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Our own reverse proxies (addresses or networks); only their X-Forwarded-For is believed (trove/core/net.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])

# Sign-in protection (docs/security.md). Failures are counted per account and per network address.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_FAILURE_WINDOW_MINUTES = envint("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# Demo installations may let people sign in without a second factor; the banner says so. Never set in production.
DEMO_SKIP_TWO_FACTOR = envbool("DEMO_SKIP_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Trở Về"
# How long break-the-glass access to a record outside one's scope lasts.
BREAK_GLASS_HOURS = envint("BREAK_GLASS_HOURS", 4)
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The reverse proxy normally redirects to HTTPS; set SECURE_SSL_REDIRECT=1 when the app faces clients itself.
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

# --- Identity encryption and blind indexes (trove.core.crypto, DESIGN §4) --------------------------------------------
# FIELD_ENCRYPTION_KEYS: Fernet keys separated by commas; the first encrypts, all decrypt. To rotate, put a new key in
# front, run `manage.py rotate_keys`, then remove the old key. BLIND_INDEX_KEY keys the HMAC of exact look-ups. Both are
# generated into var/ on first use, like SECRET_KEY.
import sys  # noqa: E402

from trove.core.crypto import generate_blind_index_key, generate_fernet_key  # noqa: E402

FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in secret("FIELD_ENCRYPTION_KEYS", VAR_DIR, generate=generate_fernet_key).split(",")
    if key.strip()
]
BLIND_INDEX_KEY = secret("BLIND_INDEX_KEY", VAR_DIR, generate=generate_blind_index_key)
# Encrypted fields need a model to be tested before any real model uses them; the test-only app provides those models
# (its tables are created by the test runner) and is never installed outside a pytest run.
if "pytest" in sys.modules:
    INSTALLED_APPS.append("trove.core.testapp")

# --- API (trove.api) --------------------------------------------------------------------------------------------------
# Calls per minute per token (or per signed-in user), counted in the database so all workers share the count.
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", 120)

# --- Background jobs (trove.core.jobs) -------------------------------------------------------------------------------
# The queue is the database (django_tasks_db); `manage.py db_worker` runs it (`make run` starts one, docs/deploy.md
# has the service). Tests run jobs at once, in the test's own process.
TASKS = {
    "default": {
        "BACKEND": envstr(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend" if "pytest" in sys.modules
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# A job still "running" after this many minutes is taken for abandoned by a worker that died, and queued again
# (`manage.py requeue_abandoned_jobs`); set it above the longest export or import the installation runs.
JOBS_ABANDONED_AFTER_MINUTES = envint("JOBS_ABANDONED_AFTER_MINUTES", 120)

# An import of thousands of rows on PostgreSQL prepares its next batches (reading, parsing, the duplicate check) in a
# second process while the first writes (trove.imports.ahead); turn it off on a machine with one core.
IMPORT_HELPER_PROCESS = envbool("IMPORT_HELPER_PROCESS", True)

# --- Retention and data subjects' rights (trove.privacy) --------------------------------------------------------------
# A closed case is archived (read-only, out of the daily lists) this many days after it closed, by
# `manage.py apply_retention` (docs/deploy.md). The law sets no period for victim files; five years is the project's
# default, to be set by each installation.
CASE_ARCHIVE_AFTER_DAYS = envint("CASE_ARCHIVE_AFTER_DAYS", 5 * 365 + 1)
# The audit log keeps this many full years online besides the current one (PostgreSQL): `manage.py audit_archive` moves
# an older year, the oldest first, to a file and out of the database (docs/deploy.md).
AUDIT_ONLINE_YEARS = envint("AUDIT_ONLINE_YEARS", 2)

# --- Statistics and dashboards (trove.reports) ---------------------------------------------------------------------
# A referral not answered (accepted or declined) this many calendar days after it was sent counts as overdue work of
# the receiving agency on the leaders' dashboard. No legal text sets it: each installation's working rule.
REFERRAL_ANSWER_DAYS = envint("REFERRAL_ANSWER_DAYS", 7)
