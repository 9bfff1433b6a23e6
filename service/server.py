"""Runs the app under gunicorn, refusing to listen beyond loopback when nothing guards it."""

from __future__ import annotations

import ipaddress
import os

import click
from gunicorn.app.base import BaseApplication

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
        start_embedded(app)
        return app


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
    Gunicorn({"bind": bind, "workers": workers, "timeout": 120, **control_socket(app.instance_path)}).run()
    return 0
