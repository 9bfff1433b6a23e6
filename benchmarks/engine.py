"""Speed-up of the engine over plain docxtpl on a one-page template with a 20-row table.

Run: python -m benchmarks.engine [--documents N]
Prints documents/s for both and the ratio (target: >= 20x), measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import zipfile
from pathlib import Path

import docx
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from service import engine

ROWS = 20


def build_template(path: Path) -> Path:
    """A one-page 签到表: heading paragraphs and a table whose row repeats per attendee."""
    document = docx.Document()
    document.add_heading("{{ title }}", level=1)
    document.add_paragraph("时间：{{ time }}　地点：{{ place }}　主持人：{{ chair }}")
    table = document.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "姓名", "所在支部", "签到"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for a in attendees %}"
    for cell, text in zip(table.rows[2].cells, ["{{ loop.index }}", "{{ a.name }}", "{{ a.branch }}", "{{ a.note }}"]):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("记录人：{{ recorder }}")
    document.save(path)
    return path


def context() -> dict:
    """Data for the template: 20 attendees with Chinese names and characters that need escaping."""
    return {
        "title": "第一党支部2026年3月支委会签到表",
        "time": "2026年3月5日14:30",
        "place": "中心三楼会议室 A&B",
        "chair": "王喆",
        "recorder": "李赟",
        "attendees": [{"name": f"党员{i:02d}", "branch": "第一党支部", "note": "<已签到>"} for i in range(ROWS)],
    }


def docxtpl_once(path: Path, data: dict) -> bytes:
    """Plain docxtpl: load, render and save one document."""
    template = DocxTemplate(str(path))
    template.render(data, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def document_xml(data: bytes) -> str:
    """Canonical form of the main document part, for checking both outputs agree."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.canonicalize(archive.read("word/document.xml").decode("utf-8"), rewrite_prefixes=True)


def rate(function, count: int) -> float:
    """Documents per second over `count` calls."""
    start = time.perf_counter()
    for _ in range(count):
        function()
    return count / (time.perf_counter() - start)


def main() -> None:
    """Measure both, check equal output, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents per measurement (docxtpl gets a tenth)")
    args = parser.parse_args()
    data = context()
    with tempfile.TemporaryDirectory() as folder:
        path = build_template(Path(folder) / "table.docx")
        template = engine.load(path)
        assert document_xml(template.render(data)) == document_xml(docxtpl_once(path, data)), "outputs differ"
        baseline = rate(lambda: docxtpl_once(path, data), max(args.documents // 10, 5))
        ours = rate(lambda: template.render(data), args.documents)
    print(f"docxtpl: {baseline:8.1f} documents/s")
    print(f"engine:  {ours:8.1f} documents/s ({1000 / ours:.2f} ms per document)")
    print(f"speed-up: {ours / baseline:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
