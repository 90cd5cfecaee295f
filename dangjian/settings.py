"""Settings: everything from the environment.

DANGJIAN_HOME   where data and uploads live (default ./var), and the demo's generated keys
DATABASE_URL    e.g. postgres://user@127.0.0.1:5432/dangjian (default: SQLite in DANGJIAN_HOME)
DATABASE_REPLICA_URL  a streaming replica of that PostgreSQL database, read by list pages and
                exports (core/replica.py; DANGJIAN_REPLICA_PIN_SECONDS and the like)
SECRET_KEY      signs sessions and CSRF tokens        } each key its own variable, required
BALLOT_CODE_KEY keys the ballot codes' stored hashes  } unless DANGJIAN_DEMO or DEBUG is set
DATA_KEY        seals ID numbers at rest (SM4-GCM)    }
<KEY>_FALLBACKS comma-separated former values of a key, still accepted (rotation)
DANGJIAN_DEMO   "1" for the demo (`make demo`, the tests): keys generated once under DANGJIAN_HOME
DEBUG           "1" for development (keys generated as for the demo)
BACKUP_DIR, BACKUP_DAILY, BACKUP_KEEP  backups (see the block near the end)
ALLOWED_HOSTS   comma-separated
PASSWORD_*, OTP_*  the password policy and the second factor (README)
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Data files: readable by their owner only. The umask covers every file this process creates
# (the SQLite database and its -wal, generated keys, uploads, documents); a home made before is
# brought to the same modes (its top level: the directory, database and key files).
os.umask(0o077)
HOME = Path(os.environ.get("DANGJIAN_HOME", Path.cwd() / "var")).resolve()
HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
for _path in (HOME, *HOME.iterdir()):
    _st = _path.lstat()
    if _st.st_uid == os.getuid() and not _path.is_symlink() and _st.st_mode & 0o077:
        _path.chmod(_st.st_mode & 0o700)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700


DEBUG = _env_bool("DEBUG")
DEMO = _env_bool("DANGJIAN_DEMO")

# Keys: each in its own environment variable, so that every app server given the same ones
# accepts the same sessions and ballot codes, and one can be rotated without voiding the others.
# Without DEMO or DEBUG a missing key stays empty and the system check `dangjian.E001`
# (dangjian/core/checks.py) refuses to start; the demo generates each once under DANGJIAN_HOME.
# A later key (e.g. DATA_KEY for ID numbers) is one more line here, read as settings.DATA_KEY.
KEYS = {
    "SECRET_KEY": "会话与表单签名 (sessions, CSRF tokens)",
    "BALLOT_CODE_KEY": "测评票码的密钥哈希 (ballot codes' keyed hashes)",
    "DATA_KEY": "身份证号加密存储 (ID numbers sealed at rest; rotate-data-key)",

    "TRAIL_CHECKPOINT_KEY": "留痕检查点签名 (HMAC-SM3 of trail checkpoints)",
}
# Before BALLOT_CODE_KEY existed, the codes' hash was keyed by SECRET_KEY: a demo home made then
# has only `secret_key`, and its ballot key starts as a copy of it, so its printed codes stay valid.
_KEY_WAS = {"BALLOT_CODE_KEY": "SECRET_KEY"}
_HOME_HAD = {name: (HOME / name.lower()).exists() for name in KEYS}


def _demo_key(name: str) -> str:
    path = HOME / name.lower()
    was = _KEY_WAS.get(name)
    value = ((HOME / was.lower()).read_text().strip() if was and _HOME_HAD[was]
             else secrets.token_urlsafe(50))
    try:  # exclusive create: of two processes starting at once, both read the first one's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def _key(name: str) -> str:
    value = os.environ.get(name, "")
    if value or not (DEMO or DEBUG):
        return value
    return _demo_key(name)


def _fallbacks(name: str) -> list[str]:
    return [k for k in os.environ.get(f"{name}_FALLBACKS", "").split(",") if k]


SECRET_KEY = _key("SECRET_KEY")
SECRET_KEY_FALLBACKS = _fallbacks("SECRET_KEY")
BALLOT_CODE_KEY = _key("BALLOT_CODE_KEY")
BALLOT_CODE_KEY_FALLBACKS = _fallbacks("BALLOT_CODE_KEY")
DATA_KEY = _key("DATA_KEY")
DATA_KEY_FALLBACKS = _fallbacks("DATA_KEY")

TRAIL_CHECKPOINT_KEY = _key("TRAIL_CHECKPOINT_KEY")
TRAIL_CHECKPOINT_KEY_FALLBACKS = _fallbacks("TRAIL_CHECKPOINT_KEY")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves its bundled Swagger UI files: /api/docs works offline
    "django_tasks",
    "django_tasks_db",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.org",
    "dangjian.cycles",
    "dangjian.notify",
    "dangjian.jobs",
    "dangjian.trail",
    "dangjian.security",
    "dangjian.evidence",
    "dangjian.rectification",
    "dangjian.ballots",
    "dangjian.documents",
    "dangjian.scoring",
    "dangjian.assessment",
    "dangjian.duty_review",
    "dangjian.responsibility",
    "dangjian.backup",
    "dangjian.demo",
    "dangjian.api",
]

MIDDLEWARE = [
    "dangjian.core.proxy.TrustedProxyMiddleware",  # first: the HTTPS redirect depends on it
    "django.middleware.security.SecurityMiddleware",
    "dangjian.core.headers.SecurityHeadersMiddleware",
    "dangjian.core.uploads.UploadLimitMiddleware",
    "dangjian.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.security.middleware.SecurityLogMiddleware",
    "dangjian.accounts.middleware.IdleTimeoutMiddleware",
    "dangjian.accounts.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dangjian.accounts.gate.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "dangjian.core.context.layout",
            ],
        },
    },
]

_default_db = f"sqlite:///{HOME / 'dangjian.sqlite3'}"
# No health check (a `SELECT 1` round trip before every request's first query): after a database
# restart, each kept connection fails once and is replaced; the ballot write retries that once.
_db: Any = dj_database_url.parse(
    os.environ.get("DATABASE_URL", _default_db), conn_max_age=600, conn_health_checks=False
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # secure_delete: a deleted or overwritten row's bytes are zeroed, not left in free pages
        # (a used ballot code, a former plaintext column).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a real file (WAL, busy timeout) rather than shared-cache memory, so that
    # concurrent requests against the live server behave as they do in production.
    _db["TEST"] = {"NAME": str(HOME / "test.sqlite3")}
else:
    # The ORM's cursors bind parameters client-side and never prepare; only statements run on
    # an explicitly server-binding cursor (the ballot write, ballots.cast) are prepared, on
    # their first run, and reused by the connection from then on.
    _db.setdefault("OPTIONS", {})["prepare_threshold"] = 0
DATABASES = {"default": _db}

# A PostgreSQL streaming replica for the pages that list, export and summarise (core/replica.py).
REPLICA_READ_VIEWS = [
    "org:tree", "org:tree_nodes", "org:person_list", "org:post_list", "org:export",
    "assessment:results_xlsx", "duty_review:meeting_list",
    "responsibility:index", "responsibility:overview_xlsx", "responsibility:oversight",
    "rectification:plan_list", "ballots:box_list", "trail:change_list",
    "security:log", "security:log_export", "accounts:user_list",
]
REPLICA_PIN_SECONDS = int(os.environ.get("DANGJIAN_REPLICA_PIN_SECONDS", "15"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DANGJIAN_REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_CHECK_SECONDS = float(os.environ.get("DANGJIAN_REPLICA_CHECK_SECONDS", "5"))
if os.environ.get("DATABASE_REPLICA_URL"):
    _replica: Any = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=600,
                                          conn_health_checks=True)
    if _replica["ENGINE"] != _db["ENGINE"] or _db["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL 须为主库（PostgreSQL）的流复制只读副本")
    _replica.setdefault("OPTIONS", {}).update(prepare_threshold=0, connect_timeout=2)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["dangjian.core.replica.ReplicaRouter"]
    MIDDLEWARE.append("dangjian.core.replica.ReplicaMiddleware")  # last: it runs the view
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if _env_bool("DANGJIAN_FAST_HASHER"):  # tests only: Argon2 is deliberately slow
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# Passwords and the second factor (accounts/passwords.py, accounts/otp.py, accounts/gate.py).
# Defaults meet 等保 2.0 8.1.4.1: ≥ 10 characters of ≥ 3 classes, not the user's name or its
# pinyin, not a common or published password. No expiry by default (ASVS V2.1.10; see README).
PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = _env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_MAX_AGE_DAYS = _env_int("PASSWORD_MAX_AGE_DAYS", 0)  # 0: passwords do not expire
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dangjian.accounts.passwords.LengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "dangjian.accounts.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "dangjian.accounts.passwords.PersonNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dangjian.accounts.passwords.BlocklistValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Roles that must pass a second factor (TOTP or a recovery code) after the password; any other
# user who enrolled must too. Creating an API token needs a session that passed it.
OTP_REQUIRED_ROLES = [r for r in os.environ.get("OTP_REQUIRED_ROLES",
                                                "wc_admin,audit_admin").split(",") if r]
OTP_ALLOW_OPTIONAL = _env_bool("OTP_ALLOW_OPTIONAL", True)  # other users may enrol
OTP_FOR_TOKENS = _env_bool("OTP_FOR_TOKENS", True)
OTP_TOTP_ISSUER = "县直机关党建工作系统"
OTP_TOTP_THROTTLE_FACTOR = _env_int("OTP_THROTTLE_SECONDS", 1)  # doubles with each failure
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
OTP_RECOVERY_CODES = 10

# Accounts: lockout and idle timeout.
LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = _env_int("LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
# Per source address (every account together), counted in the database (dangjian.security).
LOGIN_ADDRESS_MAX_FAILURES = _env_int("LOGIN_ADDRESS_MAX_FAILURES", 10)
LOGIN_ADDRESS_WINDOW_MINUTES = _env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15)
LOGIN_ADDRESS_BLOCK_MINUTES = _env_int("LOGIN_ADDRESS_BLOCK_MINUTES", 15)

# Security log and proxies (dangjian.security, dangjian.core.proxy). TRUSTED_PROXIES: the
# reverse proxies' addresses or networks, comma-separated; only from them are
# X-Forwarded-For and X-Forwarded-Proto believed. Default: none (the peer is the client).
SECURITY_LOG_RETENTION_DAYS = _env_int("SECURITY_LOG_RETENTION_DAYS", 180)  # at least 180
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",")
                   if p.strip()]
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind HTTPS (SECURE_COOKIES=1) also redirect plain HTTP and send HSTS; a TLS-terminating
# proxy sets X-Forwarded-Proto, believed only from TRUSTED_PROXIES (dangjian.core.proxy).
SECURE_SSL_REDIRECT = _env_bool("SECURE_COOKIES")
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL_REDIRECT
SECURE_HSTS_PRELOAD = False
# An intranet host never goes on the public HSTS preload list.
SILENCED_SYSTEM_CHECKS = [
    "security.W021",
    # SQLite cannot enforce unique constraints with NULLS NOT DISTINCT; the services enforce
    # those rules under a row lock there, PostgreSQL enforces them in the database.
    "models.W047",
]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

# Background jobs (dangjian.jobs): Django's tasks API, queued in the database itself, run by
# `dangjian worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Workbench reminders: how many days before a deadline a task starts to warn.
REMINDER_DAYS = _env_int("REMINDER_DAYS", 7)

# Trail checkpoints (dangjian.trail.witness): each signed checkpoint is also appended, one per
# line, to this file outside the database. Keep it on another disk or host (a mount).
TRAIL_WITNESS_PATH = Path(os.environ.get("TRAIL_WITNESS_PATH", HOME / "trail-witness.log"))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve the app's own static files without a collect step
MEDIA_ROOT = HOME / "files"
MEDIA_URL = "/files-not-served/"  # evidence is downloaded through a scoped view only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EVIDENCE_MAX_BYTES = _env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024

# Request size limits (dangjian/core/uploads.py): a body over them is refused with a 413 before
# it is read. UPLOAD_MAX_MB bounds one multipart request's files (several evidence files at
# once); the other fields and any other body (JSON, forms) are bounded by the 5 MB below.
UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "dangjian.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Content-Security-Policy and Cache-Control (dangjian/core/headers.py). Styles may still be
# inline (a few templates set a width or an indent per row); scripts may not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Backups (`dangjian backup` / `restore`, dangjian/backup): where archives go by default, and
# with BACKUP_DAILY=1 the worker takes one a day there, keeping the newest BACKUP_KEEP.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", HOME / "backups"))
BACKUP_DAILY = _env_bool("BACKUP_DAILY")
BACKUP_KEEP = _env_int("BACKUP_KEEP", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
