"""PDF output through real LibreOffice: fonts, text, page sizes, faults, the HTTP client, merging."""

from __future__ import annotations

import email.parser
import email.policy
import io
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from service.catalog import Catalog
from service.pdf import (ConversionError, ConverterPool, HttpConverter, PoolBusy, merge_pdfs,
                         pool_from_config)
from service.pdf.worker import SYSTEM_PYTHON, office_binary

pytestmark = [
    pytest.mark.skipif(office_binary() is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed"),
    pytest.mark.timeout(180),
]

RARE = "喆堃赟珺昇镕玥彧"
TEXT = "中心党总支关于加强支部建设的通知"
FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
STAND_INS = ("Fandol", "NotoSerifCJK", "NotoSansCJK", "UKai", "LiberationSerif")
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)


def run_in(paragraph, text: str, east_asian: str, latin: str = "Times New Roman"):
    """Add a 16 pt zh-CN run whose Chinese text uses `east_asian` (the w:eastAsia slot), Latin `latin`."""
    run = paragraph.add_run(text)
    run.font.size = Pt(16)
    properties = run._r.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for slot, name in (("w:eastAsia", east_asian), ("w:ascii", latin), ("w:hAnsi", latin)):
        fonts.set(qn(slot), name)
    language = OxmlElement("w:lang")
    language.set(qn("w:eastAsia"), "zh-CN")
    properties.append(language)
    return run


def make_docx(*pages: tuple[bool, list[tuple[str, str]]], justified: bool = False) -> bytes:
    """A .docx with one A4 section per page: (landscape, [(east-Asian font, text), ...])."""
    document = docx.Document()
    if justified:
        document.styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for number, (landscape, lines) in enumerate(pages):
        section = document.sections[0] if number == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        for font, text in lines:
            run_in(document.add_paragraph(), text, font)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def tool(name: str, pdf: bytes, *args: str) -> str:
    """The output of a poppler tool run on `pdf`."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = ["-"] if name == "pdftotext" else []
        return subprocess.run([name, *args, file.name, *output], check=True, capture_output=True, text=True).stdout


def fonts_of(pdf: bytes) -> dict[str, bool]:
    """Font name (subset tag removed) -> embedded, as pdffonts lists them."""
    rows = tool("pdffonts", pdf).splitlines()[2:]
    return {row.split()[0].split("+")[-1]: row.split()[-5] == "yes" for row in rows}


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in whole points, from pdfinfo."""
    info = tool("pdfinfo", pdf, "-f", "1", "-l", "999")
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]


def text_of(pdf: bytes) -> str:
    """The PDF's text without white space."""
    return re.sub(r"\s+", "", tool("pdftotext", pdf, "-layout"))


def lines_of(document: bytes) -> list[str]:
    """The text of each paragraph of a .docx body outside tables, without white space."""
    paragraphs = docx.Document(io.BytesIO(document)).paragraphs
    return [re.sub(r"\s+", "", p.text) for p in paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def pool():
    """Two warm converters shared by the module's tests."""
    with ConverterPool(size=2, timeout=60) as shared:
        yield shared


@pytest.fixture(scope="module")
def fault_pool():
    """One converter with a short timeout and wait, for the tests that break it."""
    with ConverterPool(size=1, timeout=3, wait=0.5) as single:
        yield single


@pytest.mark.parametrize(("name", "stand_in"), [
    ("仿宋_GB2312", "FandolFang"), ("仿宋", "FandolFang"), ("楷体_GB2312", "FandolKai"), ("楷体", "FandolKai"),
    ("黑体", "FandolHei"), ("宋体", "FandolSong"), ("方正小标宋简体", "NotoSerifCJKjp-Bold"),
])
def test_each_chinese_font_name_gets_its_stand_in(pool, name, stand_in):
    """Text in a font the templates name is drawn with the stand-in of gbt9704.md, embedded."""
    fonts = fonts_of(pool.convert(make_docx((False, [(name, TEXT)]))))
    assert fonts and all(font.startswith(stand_in) for font in fonts), fonts
    assert all(fonts.values())


def test_times_new_roman_is_liberation_serif(pool):
    """Latin text in Times New Roman comes out in Liberation Serif."""
    assert list(fonts_of(pool.convert(make_docx((False, [("宋体", "Minutes 2026")]))))) == ["LiberationSerif"]


def test_portrait_and_landscape_pages_with_all_text_and_only_embedded_stand_ins(pool):
    """A4 portrait then landscape; every character (rare names too) comes back; fonts embedded."""
    names = ["仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体", "仿宋", "楷体"]
    lines = [(name, f"{name}{TEXT}{RARE}") for name in names]
    pdf = pool.convert(make_docx((False, lines), (True, lines[:2])))
    assert page_sizes(pdf) == [A4_PORTRAIT, A4_LANDSCAPE]
    assert text_of(pdf).count(RARE) == len(names) + 2
    fonts = fonts_of(pdf)
    assert all(fonts.values()), fonts
    assert all(name.startswith(STAND_INS) for name in fonts), fonts
    assert any(name.startswith("NotoSerifCJKjp-Regular") for name in fonts)  # 喆 堃 赟 fell back


def test_punctuation_at_line_ends_is_kept(pool):
    """Justified Chinese text: commas at line ends are printed (LibreOffice drops hanging ones)."""
    sentence = "希望受到表彰的先进个人和先进团队珍惜荣誉、戒骄戒躁，在新的起点上再创佳绩，充分发挥示范引领作用。"
    lines = [("仿宋_GB2312", prefix + sentence * 3) for prefix in ("", "一", "一二", "一二三")]
    pdf = pool.convert(make_docx((False, lines), justified=True))
    assert text_of(pdf) == "".join(text for _, text in lines)


def test_gbt9704_character_grid_keeps_lines_full(pool):
    """The 22 x 28 grid of GB/T 9704 (cells narrower than 16 pt): 27 characters a line, not 14."""
    document = docx.Document(io.BytesIO(make_docx((False, [("仿宋_GB2312", "党" * 200)]))))
    document.styles["Normal"].font.size = Pt(16)  # the grid's cell is 16 pt + charSpace
    section = document.sections[0]
    section.left_margin, section.right_margin = Twips(1588), Twips(1474)
    grid = section._sectPr.find(qn("w:docGrid"))
    for name, value in (("w:type", "linesAndChars"), ("w:linePitch", "579"), ("w:charSpace", "-849")):
        grid.set(qn(name), value)
    out = io.BytesIO()
    document.save(out)
    lines = tool("pdftotext", pool.convert(out.getvalue()), "-layout").split()
    assert len(lines[0]) >= 27, lines


def test_every_example_kind_converts(pool):
    """Each kind's example, rendered with its template, becomes an A4 PDF in the stand-in fonts."""
    for kind in Catalog():
        document = kind.render(kind.check(kind.example()).data)[0]
        pdf = pool.convert(document)
        expected = A4_LANDSCAPE if kind.id == "certificate" else A4_PORTRAIT
        assert set(page_sizes(pdf)) == {expected}, kind.id
        fonts = fonts_of(pdf)
        assert all(fonts.values()) and all(name.startswith(STAND_INS) for name in fonts), (kind.id, fonts)
        text = text_of(pdf)
        assert [line for line in lines_of(document) if line not in text] == [], kind.id


def test_a_document_libreoffice_cannot_open_is_a_conversion_error(pool, caplog):
    """Not a .docx: tried twice, then ConversionError with a Chinese message; the pool still works."""
    with caplog.at_level(logging.WARNING, "service.pdf"), pytest.raises(ConversionError) as raised:
        pool.convert(b"plain text, not a Word document")
    assert "稍后重试" in raised.value.message and raised.value.retry_after > 0
    assert len([r for r in caplog.records if "attempt" in r.getMessage()]) == 2
    assert page_sizes(pool.convert(make_docx((False, [("仿宋", TEXT)])))) == [A4_PORTRAIT]


def test_converters_work_in_parallel(pool):
    """Concurrent requests all succeed and the pool keeps its size."""
    documents = [make_docx((False, [("仿宋_GB2312", f"{TEXT}{i}")])) for i in range(6)]
    with ThreadPoolExecutor(4) as executor:
        pdfs = list(executor.map(pool.convert, documents))
    assert [text_of(pdf)[-1] for pdf in pdfs] == [str(i) for i in range(6)]
    assert len(pool.pids) == 2


def test_a_killed_converter_is_restarted_and_the_request_retried(fault_pool, caplog):
    """SIGKILL of LibreOffice mid-conversion: the request succeeds on a fresh office."""
    document = make_docx((False, [("仿宋_GB2312", TEXT)]))
    [victim] = fault_pool.pids
    os.kill(victim, signal.SIGSTOP)  # holds the conversion mid-way until the kill
    with caplog.at_level(logging.WARNING, "service.pdf"), ThreadPoolExecutor(1) as executor:
        future = executor.submit(fault_pool.convert, document)
        time.sleep(0.5)
        os.kill(victim, signal.SIGKILL)
        pdf = future.result()
    assert TEXT in text_of(pdf)
    assert any("attempt 1 failed" in r.getMessage() for r in caplog.records)
    assert len(fault_pool.pids) == 1 and victim not in fault_pool.pids
    assert TEXT in text_of(fault_pool.convert(document))


def test_a_hung_converter_times_out_and_a_saturated_pool_says_busy(fault_pool):
    """A stopped office is killed after the timeout and replaced; meanwhile others get PoolBusy."""
    document = make_docx((False, [("黑体", TEXT)]))
    [victim] = fault_pool.pids
    os.kill(victim, signal.SIGSTOP)
    started = time.monotonic()
    with ThreadPoolExecutor(1) as executor:
        future = executor.submit(fault_pool.convert, document)
        time.sleep(0.2)
        with pytest.raises(PoolBusy) as busy:
            fault_pool.convert(document)
        pdf = future.result()
    assert time.monotonic() - started >= fault_pool.timeout
    assert "繁忙" in busy.value.message and busy.value.retry_after > 0
    assert TEXT in text_of(pdf)
    assert len(fault_pool.pids) == 1 and victim not in fault_pool.pids


def test_real_fonts_in_fonts_dir_win_and_close_stops_everything(tmp_path):
    """A real 方正小标宋简体 in FONTS_DIR replaces the stand-in; close() ends the processes."""
    real = tmp_path / "fonts" / "fzxbs.otf"
    real.parent.mkdir()
    rename_font(FANDOL / "FandolHei-Regular.otf", real, "方正小标宋简体")
    converter = pool_from_config({"PDF_CONVERTER": "local", "PDF_POOL_SIZE": "1", "FONTS_DIR": str(real.parent)})
    with converter:
        pids = converter.pids
        fonts = fonts_of(converter.convert(make_docx((False, [("方正小标宋简体", TEXT), ("仿宋_GB2312", TEXT)]))))
    assert sorted(name.split("-")[0] for name in fonts) == ["FandolFang", "FandolHei"], fonts
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


RENAME = """
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
font["name"].names = [r for r in font["name"].names if r.nameID not in (1, 4, 16, 17)]
for name_id in (1, 4):
    font["name"].setName(sys.argv[3], name_id, 3, 1, 0x409)
font.save(sys.argv[2])
"""


def rename_font(source: Path, target: Path, family: str) -> None:
    """Copy a font under another family name (stands for a licensed font); skips without fontTools."""
    if not source.exists() or subprocess.run([SYSTEM_PYTHON, "-c", "import fontTools"]).returncode:
        pytest.skip("needs texlive-lang-chinese and python3-fonttools")
    subprocess.run([SYSTEM_PYTHON, "-c", RENAME, str(source), str(target), family], check=True)


class FakeGotenberg(BaseHTTPRequestHandler):
    """Gotenberg's LibreOffice route, converting with the test pool, or failing with `status`."""

    def do_POST(self):
        """Answer one conversion request."""
        server = self.server
        server.requests.append(self.path)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if server.status != 200:
            self.send_error(server.status)
            return
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        [document] = [part.get_content() for part in form.iter_parts()
                      if part.get_param("name", header="content-disposition") == "files"]
        pdf = server.pool.convert(document)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(pdf)))
        self.end_headers()
        self.wfile.write(pdf)

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture
def gotenberg(pool):
    """A fake Gotenberg on a free local port; set .status to make it fail."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGotenberg)
    server.pool, server.status, server.requests = pool, 200, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server) -> str:
    """The base URL of a local server."""
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_http_converter_posts_the_document_as_files(gotenberg):
    """pool_from_config with a URL posts multipart `files` to /forms/libreoffice/convert."""
    with pool_from_config({"PDF_CONVERTER": url_of(gotenberg) + "/", "PDF_TIMEOUT": "30"}) as converter:
        assert isinstance(converter, HttpConverter)
        pdf = converter.convert(make_docx((True, [("楷体_GB2312", TEXT + RARE)])))
    assert gotenberg.requests == ["/forms/libreoffice/convert"]
    assert page_sizes(pdf) == [A4_LANDSCAPE] and RARE in text_of(pdf)


@pytest.mark.parametrize(("status", "error", "requests"),
                         [(503, PoolBusy, 1), (429, PoolBusy, 1), (500, ConversionError, 2)])
def test_http_converter_errors(gotenberg, status, error, requests):
    """A busy service is PoolBusy at once; any other failure is retried once, then ConversionError."""
    gotenberg.status = status
    with pytest.raises(error):
        HttpConverter(url_of(gotenberg)).convert(make_docx((False, [("宋体", TEXT)])))
    assert len(gotenberg.requests) == requests


def test_http_converter_unreachable_is_a_conversion_error():
    """Nobody listening: ConversionError, not a hang."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConversionError):
        HttpConverter(f"http://127.0.0.1:{port}", timeout=5).convert(b"PK")


def test_pool_from_config_rejects_unknown_converters():
    """PDF_CONVERTER is "local" or an http(s) URL."""
    with pytest.raises(ValueError):
        pool_from_config({"PDF_CONVERTER": "gotenberg:3000"})


def test_merge_pdfs_keeps_the_order(pool):
    """Merged PDFs: every page, in row order, sizes kept."""
    first = pool.convert(make_docx((False, [("仿宋", "第一份")]), (True, [("仿宋", "第二页")])))
    second = pool.convert(make_docx((False, [("仿宋", "第二份")])))
    merged = merge_pdfs([first, second])
    assert page_sizes(merged) == [A4_PORTRAIT, A4_LANDSCAPE, A4_PORTRAIT]
    assert re.fullmatch("第一份第二页第二份", text_of(merged))
    with pytest.raises(ValueError):
        merge_pdfs([])
