"""Who is calling: API keys (header or browser login) with scopes, or open access on a loopback deployment."""

from __future__ import annotations

import functools
import time

from flask import current_app, g, request, session
from flask_smorest import abort
from sqlalchemy import func, select

from ..documents import services
from ..store import keys
from ..store.models import ApiKey

OPEN_CHECK_SECONDS = 5.0
LOCAL_USER = "local"
SESSION_KEY = "key_id"


def _token() -> str | None:
    """The key from `Authorization: Bearer …` or `X-API-Key`; None when neither holds one.

    An empty or blank header is no key: it must not pass for one (that would skip the CSRF
    check while the session cookie authenticates the request).
    """
    header = request.headers.get("Authorization", "")
    token = header[7:] if header[:7].lower() == "bearer " else request.headers.get("X-API-Key", "")
    return token.strip() or None


def keys_configured() -> bool:
    """True once any live key exists (cached for a few seconds per process)."""
    cache = current_app.extensions.setdefault("docgen-auth", {"at": 0.0, "value": False})
    if time.monotonic() - cache["at"] > OPEN_CHECK_SECONDS:
        with services().sessions() as session:
            live = session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None)))
        cache.update(at=time.monotonic(), value=bool(live))
    return cache["value"]


def caller() -> str:
    """Identify the caller once per request: a key's name, the proxy's user, or `local`."""
    if "caller" not in g:
        g.caller, g.key = _identify()
    return g.caller


def _identify() -> tuple[str, ApiKey | None]:
    """Authenticate the request; 401 when a key is needed and missing or wrong."""
    token = _token()
    if token:
        key = keys.authenticate(services().sessions, token)
        if key is None:
            abort(401, message="API 密钥无效或已被吊销。")
        return f"key:{key.name}", key
    if _from_trusted_proxy():
        user = request.headers.get(current_app.config["PROXY_USER_HEADER"], "")
        return (f"proxy:{user}" if user else "proxy"), None
    key = _session_key()
    if key is not None:
        return f"web:{key.name}", key
    if keys_configured():
        abort(401, message="缺少 API 密钥：请在 Authorization: Bearer 或 X-API-Key 请求头中提供。")
    return LOCAL_USER, None


def _session_key() -> ApiKey | None:
    """The live key a browser logged in with; its id is kept in the signed session cookie."""
    key_id = session.get(SESSION_KEY)
    if not key_id:
        return None
    with services().sessions() as db_session:
        key = db_session.get(ApiKey, key_id)
    return key if key is not None and key.revoked_at is None else None


def presents_key() -> bool:
    """True when the request carries a key header, so no cookie authenticates it."""
    return _token() is not None


def _from_trusted_proxy() -> bool:
    """True when an authenticating proxy guards us and this request came through it."""
    config = current_app.config
    return config["BEHIND_AUTH_PROXY"] and request.remote_addr in config["TRUSTED_PROXIES"]


def require(scope: str):
    """Decorate a view so it needs a key with `scope` (open deployments let everyone in)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller()
            if g.key is not None and not g.key.allows(scope):
                abort(403, message=f"该密钥没有“{scope}”权限。")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def rate_limit_key() -> str:
    """Rate limits apply per key, else per client address."""
    token = _token()
    return f"token:{token[: keys.PREFIX_LENGTH]}" if token else f"addr:{request.remote_addr}"
