"""Runs the app under gunicorn, refusing to listen beyond loopback when nothing guards it.

Worker model: gthread, THREADS threads in each of the worker processes. A client that sends its
request slowly holds one thread, not a whole process, so /healthz and the other clients are
still answered while a few are slow. gunicorn waits for a new connection's first bytes without
taking a thread; after that every read and write of a connection gives up after IDLE_TIMEOUT
seconds of silence (the kernel's SO_RCVTIMEO and SO_SNDTIMEO, set on the listening sockets and
inherited by each connection), so a client that stalls mid-header, mid-body or while the answer
is sent frees its thread. A body that ends before its length, stalls, or is badly chunked is a
400 or 408 problem, not a 500. On a network where many slow clients are to be expected, put a
buffering reverse proxy (e.g. nginx) in front.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct

import click
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import NoMoreData, ParseException
from flask_smorest import abort

from . import create_app, log_service
from .batch.consumer import start_embedded
from .api.auth import keys_configured


# sockaddr_un holds 108 bytes, the terminating NUL included.
MAX_SOCKET_PATH = 108


class Gunicorn(BaseApplication):
    """gunicorn serving create_app() in each worker."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options to gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Each worker builds its own app; the first to take the machine's worker lock also runs the batch consumer."""
        app = create_app()
        app.wsgi_app = GuardedBody.around(app.wsgi_app)
        start_embedded(app)
        return app


THREADS = 8
IDLE_TIMEOUT = 10  # seconds


def options(bind: str, workers: int, instance_path: str) -> dict:
    """gunicorn's settings for `docgen serve`."""
    return {"bind": bind, "workers": workers, "worker_class": "gthread", "threads": THREADS, "timeout": 120,
            "keepalive": 5, "when_ready": _time_out_idle_clients, **control_socket(instance_path)}


def _time_out_idle_clients(arbiter) -> None:
    """Make every connection's reads and writes give up after IDLE_TIMEOUT seconds of silence."""
    limit = struct.pack("ll", IDLE_TIMEOUT, 0)
    for listener in arbiter.LISTENERS:
        for option in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
            listener.setsockopt(socket.SOL_SOCKET, option, limit)


class GuardedBody:
    """The request body as gunicorn gives it, its read failures turned into HTTP errors the app answers."""

    def __init__(self, stream):
        """Wrap gunicorn's wsgi.input."""
        self._stream = stream

    @classmethod
    def around(cls, wsgi_app):
        """`wsgi_app` with its wsgi.input guarded."""

        def guarded(environ, start_response):
            """Call the app with the guarded body."""
            environ["wsgi.input"] = cls(environ["wsgi.input"])
            return wsgi_app(environ, start_response)

        return guarded

    def read(self, *args):
        """Read, as gunicorn's body does."""
        return self._guard(self._stream.read, *args)

    def readline(self, *args):
        """Read a line, as gunicorn's body does."""
        return self._guard(self._stream.readline, *args)

    def readlines(self, *args):
        """Read the lines, as gunicorn's body does."""
        return self._guard(self._stream.readlines, *args)

    def __iter__(self):
        """The lines."""
        return iter(self.readline, b"")

    @staticmethod
    def _guard(reader, *args):
        """Call `reader`: a malformed or cut body is 400, a stalled one 408."""
        try:
            return reader(*args)
        except (NoMoreData, ParseException) as error:
            abort(400, message=f"请求体不完整或格式错误（{type(error).__name__}）。")
        except (BlockingIOError, TimeoutError):
            abort(408, message=f"请求体发送过慢：超过 {IDLE_TIMEOUT} 秒没有收到数据。")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def control_socket(instance_path: str) -> dict:
    """gunicorn's control socket in the instance folder, so that each instance has its own (gunicorn's
    default is one path per user, shared by every server on the machine); none when the path is too
    long for a Unix socket."""
    path = os.path.join(instance_path, "gunicorn.ctl")
    if len(os.fsencode(path)) >= MAX_SOCKET_PATH:
        return {"control_socket_disable": True}
    return {"control_socket": path}


def guard(app, host: str) -> str | None:
    """Why the service must not listen on `host`, or None; also reports the access mode."""
    with app.app_context():
        protected = keys_configured() or app.config["BEHIND_AUTH_PROXY"]
    if protected:
        click.echo("已启用访问控制：API 需要密钥" + ("（或经认证代理）" if app.config["BEHIND_AUTH_PROXY"] else "") + "。")
        return None
    if is_loopback(host):
        click.echo("未配置 API 密钥：服务只监听本机回环地址，任何本机用户均可访问。用 docgen keys create 创建密钥后可对外开放。")
        return None
    return (
        f"拒绝监听 {host}：尚未配置任何 API 密钥，服务会对网络上的任何人开放。"
        "请先运行 docgen keys create NAME，或在已有认证反向代理时设置 DOCGEN_BEHIND_AUTH_PROXY=true。"
    )


def run(host: str, port: int, workers: int) -> int:
    """Check the bind address, then serve until stopped; returns the exit status."""
    log_service()
    app = create_app()
    refusal = guard(app, host)
    if refusal:
        click.echo(refusal, err=True)
        return 2
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    Gunicorn(options(bind, workers, app.instance_path)).run()
    return 0
