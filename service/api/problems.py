"""RFC 9457 problem details: every error response of the API, in Chinese."""

from __future__ import annotations

import errno
import logging
import sys
from json import JSONDecodeError
from http import HTTPStatus

import marshmallow as ma
from flask import Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER = 5  # seconds, for a database or queue that is restarting, or a disk being freed
TITLES = {
    400: "请求无效",
    401: "未认证：请提供有效的 API 密钥",
    403: "无权限：密钥缺少所需权限",
    404: "未找到",
    405: "不支持该请求方法",
    406: "无法提供所请求的格式",
    408: "请求超时：请求体发送过慢",
    409: "冲突",
    413: "请求体过大",
    415: "不支持的内容类型：请发送 application/json",
    422: "数据校验未通过",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务暂不可用，请稍后再试",
}


class FieldErrorSchema(ma.Schema):
    """One validation error: where and what."""

    path = ma.fields.String(metadata={"description": "出错字段的路径，如 attendees[3].name"})
    message = ma.fields.String(metadata={"description": "中文错误信息"})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


def documented(blp, *codes: int):
    """Document the problem responses a view can give, as application/problem+json."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


def problem(status: int, detail: str | None = None, headers: dict | None = None, **extra) -> Response:
    """Build a problem+json response."""
    body = {"type": "about:blank", "title": TITLES.get(status, "错误"), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def from_http_exception(error: HTTPException) -> Response:
    """Turn any HTTP error (ours, Werkzeug's or webargs') into a problem document."""
    if isinstance(getattr(error, "exc", None), (JSONDecodeError, UnicodeDecodeError)):  # webargs: not JSON
        return problem(400, "请求体不是有效的 JSON。")
    data = getattr(error, "data", None) or {}
    extra = {key: data[key] for key in ("errors", "warnings") if key in data}
    if "messages" in data:
        extra["errors"] = _webargs_errors(data["messages"])
    detail = data.get("message") or (None if error.code >= 500 else TITLES.get(error.code))
    response = problem(error.code or 500, detail, data.get("headers"), **extra)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _webargs_errors(messages: dict) -> list[dict]:
    """Flatten webargs' {location: {field: [message]}} (or {location: [message]}) into the API's list."""
    errors = []
    for location in messages.values():
        fields = location if isinstance(location, dict) else {"": location}
        for field, field_messages in fields.items():
            listed = field_messages if isinstance(field_messages, list) else [field_messages]
            errors.extend({"path": field, "message": str(message)} for message in listed)
    return errors


def from_unexpected(error: Exception) -> Response:
    """Log an unexpected failure and answer 500 without any internals; 503 when a resource is away."""
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    away = unavailable(error)
    if away:
        log.warning("unavailable: %s: %s", type(error).__name__, error)
        return problem(503, away, {"Retry-After": str(RETRY_AFTER)})
    log.exception("unhandled error")
    return problem(500, "请求处理失败，已记录错误；请稍后重试或联系管理员。")


def unavailable(error: Exception) -> str | None:
    """Why the request failed for a while only (the database or the queue away, the disk full), in Chinese; else None.

    Nothing half done stays behind such a failure: the write transaction is rolled back and the
    files stored for it are removed, so the request can simply be sent again.
    """
    from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, TimeoutError as PoolTimeout

    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "存储空间不足，文书未保存；请稍后重试或联系管理员。"
    if isinstance(error, OperationalError) and "full" in str(error.orig):
        return "数据库所在磁盘已满，文书未保存；请稍后重试或联系管理员。"
    if isinstance(error, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)):
        return "数据库暂时不可用，请稍后重试。"
    redis = sys.modules.get("redis.exceptions")  # loaded where Redis is in use (an optional backend): else no Redis error
    if redis is not None and isinstance(error, (redis.ConnectionError, redis.TimeoutError)):
        return "任务队列暂时不可用，请稍后重试。"
    return None
