"""The error report: the rows that made no document, their bad cells marked, and every message listed.

It holds only the failed rows (with their sub-sheet rows), so it can be corrected and uploaded
again as it is without making any document twice; the 错误和提示 sheet also lists the warnings
of the documents made and the sub-sheet rows that belonged to no document.
"""

from __future__ import annotations

import json
from collections import defaultdict

from ..documents import Services
from ..store import batches as store
from ..store.models import Batch
from .layout import Layout, layout_of
from .paths import chunk_key
from .writer import Book

SUMMARY_SHEET = "错误和提示"
SUMMARY_HEADERS = ("位置", "类别", "项目", "内容")
ALL_GOOD = ("", "", "", "全部生成，没有错误和提示。")


def build(services: Services, batch: Batch) -> bytes:
    """The report of a batch whose chunks are all done, as .xlsx bytes."""
    layout = layout_of(services.catalog.get(batch.kind))
    book = Book(layout, error_column=True)
    failed: dict[int, dict[int, list[dict]]] = defaultdict(dict)
    listed = []
    with services.sessions() as session:
        outcomes = store.row_outcomes(session, batch.id) if batch.failed or batch.warnings else ()  # else none to list
        for seq, row, errors, warnings in outcomes:
            if errors:
                failed[seq][row] = errors
            listed += _listed(layout, origin(batch, row), "错误", errors) + _listed(layout, origin(batch, row), "提示", warnings)
    for seq in sorted(failed):
        for entry in json.loads(services.storage.get(chunk_key(batch.id, seq))):
            errors = failed[seq].get(entry["row"])
            if errors is not None:
                book.add(entry["key"] or entry["row"], entry["payload"], errors=errors, origin=origin(batch, entry["row"]))
    listed += [(f"“{p['sheet']}”表第{p['row']}行", "未使用", "", p["message"]) for p in batch.problems if "sheet" in p]
    book.table(SUMMARY_SHEET, [SUMMARY_HEADERS, *(listed or [ALL_GOOD])], widths=(22, 8, 30, 90))
    return book.save()


def origin(batch: Batch, row: int) -> str:
    """Where a row came from: 原表第5行 for a workbook, 第5份 for a JSON array."""
    return f"原表第{row}行" if batch.source == "xlsx" else f"第{row}份"


def _listed(layout: Layout, where: str, category: str, messages: list[dict]) -> list[tuple[str, str, str, str]]:
    """Summary lines for a row's errors or warnings."""
    return [(where, category, layout.label(m.get("path", "")), m["message"]) for m in messages]
