"""Completion webhooks: the batch summary POSTed as JSON to a host on the allow-list.

Only http(s) URLs whose host (and port, when the list names one) is in DOCGEN_WEBHOOK_HOSTS are
accepted, without credentials; redirects are not followed and no proxy is used, so a webhook
cannot be bent towards another host. Delivery is tried a few times, then given up.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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
    for attempt in range(ATTEMPTS):
        try:
            with OPENER.open(request, timeout=settings.webhook_timeout) as response:
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, OSError) as error:
            log.warning("webhook to %s failed (attempt %d): %s", urlsplit(url).hostname, attempt + 1, type(error).__name__)
        if attempt + 1 < ATTEMPTS:
            time.sleep(BACKOFF_SECONDS * 2**attempt)
    return False
