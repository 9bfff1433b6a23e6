"""The HTTP API for other systems: flask-smorest blueprints under /api/v1, problem+json errors."""

from __future__ import annotations

import threading

import flask_smorest
from apispec.ext.marshmallow.common import MODIFIERS
from flask import Flask, Response, request
from flask_limiter import Limiter

from . import batches, documents, kinds, numbers, ops, profile, templates
from ..documents import services
from ..jsonschema import profile_values
from .auth import rate_limit_key
from .problems import PROBLEM_JSON, ProblemSchema, from_http_exception, from_unexpected


RETRY_AFTER = {"description": "多少秒后可以重试", "schema": {"type": "integer"}}


class Api(flask_smorest.Api):
    """flask-smorest's Api answering every error as an RFC 9457 problem in Chinese."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app: Flask, *args, **kwargs) -> None:
        """flask-smorest's set-up; then its shared error responses are described as problem+json, and 429 and
        503 say when to try again."""
        super().init_app(app, *args, **kwargs)
        for response in self.spec.components.responses_lazy.values():
            content = response.get("content", {})
            if self.DEFAULT_RESPONSE_CONTENT_TYPE in content:
                content[PROBLEM_JSON] = content.pop(self.DEFAULT_RESPONSE_CONTENT_TYPE)
        for name in ("TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"):
            self.spec.components.responses_lazy[name]["headers"] = {"Retry-After": RETRY_AFTER}

    def handle_http_exception(self, error):
        """Every HTTP error becomes application/problem+json."""
        return from_http_exception(error)

    _lock = threading.Lock()
    described = None  # the profile the schemas were last converted with

    def follow_profile(self) -> None:
        """Before /openapi.json: convert the schemas again when the profile in use has changed since they last
        were, so its choices and defaults (branches, honours) are the stored profile's."""
        if request.endpoint != "api-docs.openapi_json":
            return
        current = services().refresh()
        if current is self.described:
            return
        with self._lock:
            converter = self.ma_plugin.converter
            for key, name in list(converter.refs.items()):
                schema = key[0](**dict(zip(MODIFIERS, key[1:])))
                self.spec.components.schemas[name] = converter.schema2jsonschema(schema)
            self.described = current


def retry_after_only_when_refused(response: Response) -> Response:
    """Keep Retry-After on 429 and 503 only: flask-limiter puts its window on every response, a 201 too."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask) -> None:
    """Register the API, its docs, the ops endpoints, error handling and rate limits."""
    api = Api(app, spec_kwargs={"info": {"description": "党建文书生成服务：校验 JSON 数据并生成 Word 文书。"}})
    api.spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"apiKey": []}]
    api.ma_plugin.converter.add_attribute_function(profile_values)
    catalog = app.extensions["docgen"].catalog
    for kind in catalog:
        name = "".join(part.capitalize() for part in kind.id.split("-"))
        api.spec.components.schema(f"{name}Input", schema=kind.module.Schema)
    for blueprint in (kinds.blp, documents.kind_routes(catalog), documents.blp, numbers.blp,
                      batches.kind_routes(catalog), batches.blp, templates.blp, profile.blp):
        api.register_blueprint(blueprint)
    app.before_request(api.follow_profile)
    ops.init_app(app)
    app.register_error_handler(Exception, from_unexpected)
    app.after_request(retry_after_only_when_refused)  # registered first, so it runs after the limiter's
    limiter = Limiter(key_func=rate_limit_key, app=app)
    limiter.exempt(ops.blp)
