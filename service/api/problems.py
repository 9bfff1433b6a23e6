"""RFC 9457 problem details: every error response of the API, in Chinese."""

from __future__ import annotations

import errno
import logging
import re
import sys
from json import JSONDecodeError
from http import HTTPStatus

import marshmallow as ma
from flask import Response, json
from werkzeug.exceptions import HTTPException

from schemas.validation import capped

from ..engine.text import path_text

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# marshmallow's own wording, as the API's argument schemas (numbers, profile, listings) give it.
MARSHMALLOW_MESSAGES = {
    "Unknown field.": "没有这一项（未知字段）",
    "Missing data for required field.": "此项必填",
    "Field may not be null.": "不能为空（null）",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为文字（字符串）",
    "Not a valid boolean.": "应为 true 或 false",
    "Not a valid date.": "日期格式应为“2026-03-05”",
    "Invalid input type.": "应为对象（{…}）",
    "Number too large.": "数值过大",
    "Invalid value.": "取值无效",
}
MARSHMALLOW_PATTERNS = (
    (re.compile(r"Length must be between (\d+) and (\d+)\."), "长度应为{}–{}个字符"),
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."), "应在{}到{}之间"),
    (re.compile(r"Must be one of: (.*)\.", re.S), "应为以下之一：{}"),
)
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
    """Flatten webargs' {location: {field: [message]}} (or {location: [message]}) into the API's list:
    paths bounded as the documents' are (a field name is whatever the caller sent), at most MAX_ERRORS
    listed, marshmallow's English in Chinese."""
    errors: list[dict] = []
    for location in messages.values():
        _flatten((), location, errors)
    return capped(errors)


def _flatten(path: tuple, node, errors: list[dict]) -> None:
    """Add the messages under `path` (nested as the argument schema is) to `errors`."""
    if isinstance(node, dict):
        for key, child in node.items():
            _flatten((*path, key), child, errors)
        return
    for message in node if isinstance(node, list) else [node]:
        errors.append({"path": path_text(path), "message": in_chinese(str(message))})


def in_chinese(message: str) -> str:
    """One of marshmallow's messages (the API's argument schemas use its fields) in Chinese; ours as they are."""
    if message in MARSHMALLOW_MESSAGES:
        return MARSHMALLOW_MESSAGES[message]
    for pattern, chinese in MARSHMALLOW_PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return chinese.format(*found.groups())
    return message


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
