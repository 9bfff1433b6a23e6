"""Completion webhooks: the batch summary POSTed as JSON to a host on the allow-list.

Only http(s) URLs whose host (and port, when the list names one) is in DOCGEN_WEBHOOK_HOSTS are
accepted, without credentials; redirects are not followed and no proxy is used, so a webhook
cannot be bent towards another host. Delivery is tried a few times, then given up.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tenacity import (
    RetryCallState, Retrying, retry_if_exception_type, retry_if_result, stop_after_attempt, wait_exponential,
)

from service.engine.text import shown

if TYPE_CHECKING:
    from .jobs import Settings

log = logging.getLogger(__name__)
ATTEMPTS = 3
BACKOFF_SECONDS = 1.0
DEFAULT_PORTS = {"http": 80, "https": 443}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Treat any redirect as a failed delivery."""

    def redirect_request(self, *args, **kwargs):
        """Refuse to follow."""
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def problem(url: str, hosts: tuple[str, ...]) -> str | None:
    """Why `url` cannot be a webhook (in Chinese), or None if it can."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return "回调地址不是有效的网址"
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return "回调地址应为 http:// 或 https:// 开头的完整网址"
    if parts.username or parts.password:
        return "回调地址不能包含用户名或密码"
    if not any(_matches(entry, parts.hostname, port) for entry in hosts):
        return f"回调地址的主机“{shown(parts.hostname)}”不在允许列表（DOCGEN_WEBHOOK_HOSTS）中"
    return None


def _matches(entry: str, host: str, port: int) -> bool:
    """An allow-list entry is a host name, or host:port."""
    name, _, allowed_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
    return name == host.lower() and (not allowed_port or allowed_port == str(port))


def deliver(url: str, body: dict[str, Any], settings: Settings) -> bool:
    """POST the body; True once a 2xx answer came. The URL is checked again: the list may have changed."""
    if problem(url, settings.webhook_hosts):
        return False
    request = urllib.request.Request(url, json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "docgen"})
    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=BACKOFF_SECONDS),  # 1 s, then 2 s
        retry=retry_if_exception_type(OSError) | retry_if_result(lambda delivered: not delivered),  # URLError is an OSError
        after=lambda state: _log_failure(urlsplit(url).hostname, state),
        retry_error_callback=lambda state: False,
    )
    return retrying(_post, request, settings.webhook_timeout)


def _post(request: urllib.request.Request, timeout: float) -> bool:
    """One delivery attempt: True on a 2xx answer."""
    with OPENER.open(request, timeout=timeout) as response:
        return 200 <= response.status < 300


def _log_failure(host: str | None, state: RetryCallState) -> None:
    """Log a failed attempt by the host's name and the error's type only (the URL may carry a token)."""
    error = state.outcome.exception() if state.outcome is not None else None
    log.warning("webhook to %s failed (attempt %d): %s", host, state.attempt_number,
                type(error).__name__ if error else "not a 2xx answer")
