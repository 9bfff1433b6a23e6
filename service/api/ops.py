"""Operations endpoints: /healthz (alive), /readyz (store reachable), /metrics (Prometheus)."""

from __future__ import annotations

import json
import logging
import time

from flask import Blueprint, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

from ..documents import services
from .problems import problem

blp = Blueprint("ops", __name__)
access = logging.getLogger("docgen.access")

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


def _access_line(endpoint: str, status: int, seconds: float) -> str:
    """One JSON log line: the route pattern, never the path's values, query, body or key."""
    return json.dumps(
        {"method": request.method, "route": endpoint, "status": status, "ms": round(seconds * 1000, 1), "caller": g.get("caller", "-")},
        ensure_ascii=False,
    )


@blp.after_app_request
def _observe(response):
    """Record the request's duration, and a generated document by kind."""
    if "started" in g:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        seconds = time.perf_counter() - g.started
        REQUESTS.labels(request.method, endpoint, response.status_code).observe(seconds)
        access.info(_access_line(endpoint, response.status_code, seconds))
    if response.status_code == 201 and request.endpoint and request.endpoint.startswith("create-document.create-"):
        DOCUMENTS.labels(request.endpoint.removeprefix("create-document.create-")).inc()
    return response
