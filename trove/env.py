"""Small typed readers for settings that come from the environment.

Each helper reads one variable and turns it into the type the settings need, or stops with a message that says what
to set. ``NAME_FILE`` variants let secrets come from files (systemd credentials, Docker secrets).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: set it to 1 or 0.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number: set it to one, e.g. {default}.") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret(name: str, var_dir: Path, generate: callable | None = None) -> str:
    """Read a secret from ``NAME``, from the file named by ``NAME_FILE``, or from ``var/NAME``.

    When none is set and ``generate`` is given, a new value is written to ``var/NAME`` (mode 0600) so that the first
    set-up of a machine creates its own secret and the repository never holds one.
    """
    value = os.environ.get(name)
    if value:
        return value.strip()
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read ({error.strerror}).") from None
    stored = var_dir / name.lower()
    if stored.exists():
        return stored.read_text().strip()
    if generate is None:
        raise ImproperlyConfigured(f"{name} is not set: set it in the environment or in {stored}.")
    var_dir.mkdir(parents=True, exist_ok=True)
    value = generate()
    try:
        fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process created it first; use theirs so that both agree.
        return stored.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def random_secret() -> str:
    return secrets.token_urlsafe(50)


DATABASE_URL_HELP = (
    "set DATABASE_URL to sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/dbname"
)


def database_from_url(url: str, *, default_sqlite: Path) -> dict:
    """Turn ``DATABASE_URL`` into a Django ``DATABASES['default']`` entry.

    Empty means the embedded SQLite file. SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions so
    that concurrent writers wait instead of failing with "database is locked".
    """
    if not url:
        return sqlite_database(default_sqlite)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc and parts.netloc != "":
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} has a host; {DATABASE_URL_HELP}.")
        if path.startswith("/") and url.startswith("sqlite:///"):
            # sqlite:///relative/file.sqlite3 is relative; sqlite:////abs/file is absolute.
            path = path[1:]
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no file; {DATABASE_URL_HELP}.")
        return sqlite_database(Path(path))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database; {DATABASE_URL_HELP}.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} has a bad port; {DATABASE_URL_HELP}.") from None
        options = dict(parse_qsl(parts.query))
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", 60)),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
        return config
    raise ImproperlyConfigured(f"DATABASE_URL {url!r} is not understood; {DATABASE_URL_HELP}.")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        "TEST": {"NAME": None},
    }


CACHE_URL_HELP = "use redis://[:password@]host:port/db (one cache shared by every worker) or leave it empty"


def cache_from_url(url: str) -> dict:
    """Turn ``CACHE_URL`` into Django's ``CACHES``. Empty means a cache in each process's memory; a Redis address
    means one cache that every worker and server shares (the statistics a worker computes serve all of them)."""
    if not url:
        # Django's default of 300 entries is a few statistics pages (one dashboard stores some 50 figures and
        # fragments): older ones, and the figures shown while new ones are computed, were dropped within minutes.
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trove",
                            "OPTIONS": {"MAX_ENTRIES": 5000}}}
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"redis", "rediss", "unix"}:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                            "KEY_PREFIX": "trove"}}
    raise ImproperlyConfigured(f"CACHE_URL {url!r} is not understood; {CACHE_URL_HELP}.")
