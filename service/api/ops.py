"""Operations endpoints: /healthz (alive), /readyz (store reachable), /metrics (Prometheus)."""

from __future__ import annotations

import time

from flask import Blueprint, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

from ..documents import services
from .problems import problem

blp = Blueprint("ops", __name__)

REQUESTS = Histogram("docgen_request_seconds", "HTTP request duration", ["method", "endpoint", "status"])
DOCUMENTS = Counter("docgen_documents_total", "Documents generated", ["kind"])


@blp.get("/healthz")
def healthz():
    """The process is alive."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    """The database and file storage answer."""
    try:
        with services().sessions() as session:
            session.execute(text("SELECT 1"))
        services().storage.exists("readyz-probe")
    except Exception:  # any failure of a dependency means not ready
        return problem(503, "数据库或文件存储不可用。")
    return {"status": "ready"}


@blp.get("/metrics")
def metrics():
    """Prometheus metrics of this process."""
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


@blp.before_app_request
def _start_timer():
    """Remember when the request started."""
    g.started = time.perf_counter()


@blp.after_app_request
def _observe(response):
    """Record the request's duration, and a generated document by kind."""
    if "started" in g:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(request.method, endpoint, response.status_code).observe(time.perf_counter() - g.started)
    if response.status_code == 201 and request.endpoint and request.endpoint.startswith("documents.create-"):
        DOCUMENTS.labels(request.endpoint.removeprefix("documents.create-")).inc()
    return response
