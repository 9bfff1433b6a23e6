"""A real docgen server in a background thread and Debian's chromium, for browser tests and screenshots."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from werkzeug.serving import make_server

from service import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's interface language; file names stay UTF-8 (C.UTF-8 when the environment names no locale).
CHINESE = {"LANGUAGE": "zh_CN"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LiveServer:
    """create_app on its own instance folder, served by werkzeug on 127.0.0.1 and a free port.

    Batches run in the request that starts them (Huey's immediate mode): no consumer to start.
    """

    def __init__(self, instance_path: Path, **config):
        """Build the app and bind the port; serving starts on __enter__."""
        self.app = create_app({"INSTANCE_PATH": str(instance_path), "QUEUE_URL": "immediate:", **config})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        """Start serving in the background."""
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        """Stop serving and wait for the thread."""
        self.server.shutdown()
        self.thread.join()


def launch(playwright):
    """Headless chromium from Debian's package (never a downloaded browser), in Chinese: with the
    chromium-l10n package, native date and time inputs read 2026/03/05 14:30 as users see them."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                      env={"LANG": "C.UTF-8", **os.environ, **CHINESE})
