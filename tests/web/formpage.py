"""Helpers that drive a kind's form page (json-editor) in the browser tests."""

from __future__ import annotations

import re


def parts(path: str) -> list[str]:
    """The steps of an API path: attendees[0].name → attendees, 0, name."""
    return [part for part in re.split(r"[.\[\]]+", path) if part]


def control(page, path: str):
    """The input of a field by its API path, e.g. attendees[0].name (json-editor's id: root[attendees][0][name])."""
    return page.locator(f'[id="root{"".join(f"[{part}]" for part in parts(path))}"]')


def notes(page, path: str):
    """The error notes shown next to a field (or under a group's heading), by API path."""
    holder = f'[data-schemapath="{".".join(["root", *parts(path)])}"]'
    return page.locator(f"{holder} > .field-error, {holder} > .form-control > .field-error")


def open_form(page, kind: str) -> None:
    """Open a kind's form and wait until json-editor has built it."""
    page.goto(f"/forms/{kind}")
    page.locator('#editor[aria-busy="false"]').wait_for()


def submit_for_download(page):
    """Press 生成并下载 and return the download."""
    with page.expect_download() as download:
        page.get_by_role("button", name="生成并下载").click()
    return download.value
