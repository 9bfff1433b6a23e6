"""Speed-up of the engine over plain docxtpl on a one-page template with a 20-row table, and the
cold compile time of a template (load + compile, no cache) beside docxtpl's load.

Run: python -m benchmarks.engine [--documents N] [--cold TEMPLATE.docx]
Prints documents/s for both and the ratio (target: >= 30x), then the median cold compile time of
TEMPLATE (default: docxtpl's order_tpl.docx in ../shared/conformance; target <= 4 ms, so that an
upload's checks and preview stay quick) and of the first document made from it, all measured in the
same run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

import docx
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from service import engine
from service.engine.environment import make_environment

ROWS = 20
ORDER_TPL = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "docxtpl-templates" / "order_tpl.docx"
COLD_RUNS = 50


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


def docxtpl_once(path: Path | io.BytesIO, data: dict, environment: SandboxedEnvironment) -> bytes:
    """Plain docxtpl: load, render (in `environment`, built once for every document) and save one document."""
    template = DocxTemplate(path if isinstance(path, io.BytesIO) else str(path))
    template.render(data, jinja_env=environment, autoescape=True)
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


def median_ms(function, count: int = COLD_RUNS) -> float:
    """The median time of one call, in milliseconds, after a warm-up call."""
    function()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cold_compile(path: Path, environment: SandboxedEnvironment) -> None:
    """Print the engine's load + compile of a template without its cache, beside docxtpl's load; then the
    first document from the cold template (the engine generates each part's code and compresses the parts
    it does not fill on first use), beside docxtpl's load + render + save."""
    data = path.read_bytes()
    theirs = median_ms(lambda: DocxTemplate(io.BytesIO(data)).init_docx())
    ours = median_ms(lambda: engine.Template(data))
    print(f"cold compile of {path.name}: engine {ours:.2f} ms (target <= 4 ms), docxtpl load {theirs:.2f} ms "
          f"(ratio {ours / theirs:.1f}x)")
    theirs = median_ms(lambda: docxtpl_once(io.BytesIO(data), {}, environment))
    ours = median_ms(lambda: engine.Template(data).render({}))
    print(f"first document from the cold template: engine {ours:.2f} ms, docxtpl {theirs:.2f} ms "
          f"(ratio {ours / theirs:.1f}x)")


def main() -> None:
    """Measure both, check equal output, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents per measurement (docxtpl gets a tenth)")
    parser.add_argument("--cold", type=Path, default=ORDER_TPL, help="template whose cold compile time is measured")
    args = parser.parse_args()
    data = context()
    environment = make_environment()  # the fair baseline: docxtpl given the engine's sandboxed environment, reused
    with tempfile.TemporaryDirectory() as folder:
        path = build_template(Path(folder) / "table.docx")
        template = engine.load(path)
        assert document_xml(template.render(data)) == document_xml(docxtpl_once(path, data, environment)), "outputs differ"
        baseline = rate(lambda: docxtpl_once(path, data, environment), max(args.documents // 10, 5))
        ours = rate(lambda: template.render(data), args.documents)
    print(f"docxtpl: {baseline:8.1f} documents/s")
    print(f"engine:  {ours:8.1f} documents/s ({1000 / ours:.2f} ms per document)")
    print(f"speed-up: {ours / baseline:.1f}x (target >= 30x)")
    cold_compile(args.cold, environment)


if __name__ == "__main__":
    main()
