"""Operations endpoints: /healthz (alive), /readyz (store reachable), /metrics (Prometheus)."""

from __future__ import annotations

import json
import logging
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import text

from ..documents import services
from .problems import problem

blp = Blueprint("ops", __name__)
access = logging.getLogger("docgen.access")

DOCUMENTS = Counter("docgen_documents_total", "Documents generated", ["kind"])


def endpoint(request) -> str:
    """A request's route pattern, the label of its metrics (never the path's values): "unmatched" for a 404."""
    return request.url_rule.rule if request.url_rule else "unmatched"


# docgen_http_request_duration_seconds{method, endpoint, status} and docgen_http_request_total{method, status}.
# The exporter's request hooks go on the first app of a process only (it registers its metrics once):
# a service process has one app.
REQUESTS = PrometheusMetrics.for_app_factory(path=None, defaults_prefix="docgen", group_by=endpoint)


def init_app(app: Flask) -> None:
    """The ops endpoints, and request metrics for Prometheus."""
    app.register_blueprint(blp)
    REQUESTS.init_app(app)


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
    """Remember when the request started (for its access line)."""
    g.started = time.perf_counter()


def _access_line(endpoint: str, status: int, seconds: float) -> str:
    """One JSON log line: the route pattern, never the path's values, query, body or key."""
    return json.dumps(
        {"method": request.method, "route": endpoint, "status": status, "ms": round(seconds * 1000, 1), "caller": g.get("caller", "-")},
        ensure_ascii=False,
    )


@blp.after_app_request
def _observe(response):
    """Log the request's access line, and count a generated document by kind."""
    if "started" in g:
        seconds = time.perf_counter() - g.started
        access.info(_access_line(endpoint(request), response.status_code, seconds))
    if response.status_code == 201 and request.endpoint and request.endpoint.startswith("create-document.create-"):
        DOCUMENTS.labels(request.endpoint.removeprefix("create-document.create-")).inc()
    return response
