"""docgen: fills Word templates from validated data for Chinese party and office paperwork."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask is imported by create_app: the engine (service.engine) is a library of its own, without it
    from flask import Flask

# The loggers of a running service (`docgen serve`, `docgen worker`) that speak at INFO: docgen's
# own and the task queue's; the libraries (Alembic's migration steps among them) only warn.
SERVICE_LOGGERS = ("service", "docgen", "huey")


def create_app(config: Mapping | None = None) -> Flask:
    """Build the application: defaults, then DOCGEN_* environment variables, then `config`."""
    from flask import Flask

    from .config import DEFAULTS, instance_settings

    app = Flask(__name__, instance_relative_config=True, static_folder="web/static")
    app.json.sort_keys = False
    app.json.ensure_ascii = False  # JSON answers in UTF-8, Chinese as it is (not \uXXXX)
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("DOCGEN_INSTANCE_PATH")
    if instance:
        app.instance_path = os.path.abspath(instance)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)  # its files hold documents' data and key hashes
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(instance_settings(app.instance_path))
    app.config.from_prefixed_env("DOCGEN")
    app.config.update(config or {})

    from . import batch, documents, renditions

    documents.init_app(app)
    renditions.init_app(app)
    batch.init_app(app)
    if app.config["HTTP"]:
        from . import api, web

        api.init_app(app)
        web.init_app(app)
    return app


def log_service() -> None:
    """Log to stderr for a long-running process: docgen's own messages at INFO, the libraries' warnings."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for name in SERVICE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
