"""Configuration defaults; the environment (DOCGEN_*, DATABASE_URL) and create_app's mapping override them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULTS = {
    # The API and the web page; False for an app that only runs jobs (`docgen batch`).
    "HTTP": True,
    "API_TITLE": "docgen 党建文书生成服务",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/api/docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
    # Bodies above this are refused with 413 before they are read.
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "RATELIMIT_DEFAULT": "600 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # PDF: "local" (a warm LibreOffice pool in each worker process) or a Gotenberg-style URL.
    "PDF_CONVERTER": "local",
    # Converters per worker process; `docgen serve` runs one worker per core, so one per core in all.
    "PDF_POOL_SIZE": 1,
    # Seconds a conversion may take before its office is restarted (one retry).
    "PDF_TIMEOUT": 60,
    # Seconds a request waits for a free converter before 503 (PoolBusy).
    "PDF_WAIT": 10,
    # The organisation profile's file until an administrator stores one (None: the packaged schemas/profile.toml).
    "PROFILE": None,
    # Real fonts dropped here win over the free stand-ins.
    "FONTS_DIR": None,
    # True only when an authenticating reverse proxy guards the service.
    "BEHIND_AUTH_PROXY": False,
    "TRUSTED_PROXIES": ["127.0.0.1", "::1"],
    "PROXY_USER_HEADER": "X-Forwarded-User",
    # Batches: the task queue (unset: SQLite in the instance folder) and how its steps run.
    "QUEUE_URL": None,
    "QUEUE_NAME": "docgen",
    "BATCH_CHUNK_SIZE": 500,  # rows: fewer, larger chunks cost fewer transactions and writes
    "BATCH_LEASE_SECONDS": 300,
    "BATCH_GRACE_SECONDS": 600,
    "BATCH_REAP_SECONDS": 30,
    "BATCH_MAX_ATTEMPTS": 5,
    "BATCH_MAX_DOCUMENTS": 20_000,
    "WEBHOOK_HOSTS": [],
    "WEBHOOK_TIMEOUT": 10,
    "EMBEDDED_WORKER": True,
    "WORKER_THREADS": 1,
}


def instance_settings(instance_path: str) -> dict:
    """Defaults that live in the instance folder: SQLite file, files, a persistent secret key."""
    folder = Path(instance_path)
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'docgen.sqlite3'}",
        "STORAGE_URL": f"file://{folder / 'files'}",
        "SECRET_KEY": _secret_key(folder / "secret_key"),
    }


def _secret_key(path: Path) -> str:
    """Read the instance's secret key, creating it (readable by the owner only) on first start."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
