"""docgen sheet and docgen batch: blank and example sheets, a batch run here with its zip and report."""

from __future__ import annotations

import gc
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook

from service import create_app
from service.batch import consumer
from service.batch.reader import Reading
from service.batch.writer import filled_sheet
from service.cli import main
from service.pdf.worker import office_binary

from .conftest import certificates, kind, layout, xlsx


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """A CLI runner whose app uses a fresh instance folder; what `docgen batch` froze for the
    garbage collector (it expects its process to end with it) is given back after the test."""
    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    yield CliRunner()
    gc.unfreeze()


def test_sheet_writes_the_blank_or_the_example_workbook(tmp_path, runner):
    """docgen sheet KIND -o FILE; with --example the example is document 1 (as in examples/)."""
    blank, example = tmp_path / "blank.xlsx", tmp_path / "example.xlsx"
    assert runner.invoke(main, ["sheet", "policy", "-o", str(blank)]).exit_code == 0
    assert runner.invoke(main, ["sheet", "policy", "--example", "-o", str(example)]).exit_code == 0
    assert load_workbook(blank)["规章制度"]["A2"].value == "示例"
    assert [d.key for d in Reading(layout("policy"), blank.read_bytes(), 10)] == []
    assert [d.key for d in Reading(layout("policy"), example.read_bytes(), 10)] == ["1"]


def test_batch_writes_the_zip_and_the_report_and_exits_2_on_failed_rows(tmp_path, runner):
    """Five rows, one bad: four documents in the zip, the bad row in the report, status 2 with counts."""
    payloads = certificates(5)
    payloads[3]["honour"] = "劳动模范"
    sheet, out, report = tmp_path / "名单.xlsx", tmp_path / "证书.zip", tmp_path / "错误报告.xlsx"
    sheet.write_bytes(filled_sheet(kind("certificate"), payloads))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(out), "--report", str(report)])
    assert result.exit_code == 2, result.output
    assert "已生成 4 份" in result.output and "未生成 1 行" in result.output
    assert len(zipfile.ZipFile(out).namelist()) == 4
    marked = load_workbook(io.BytesIO(report.read_bytes()))["荣誉证书"]["E2"]
    assert marked.value == "劳动模范" and "应为以下之一" in marked.comment.text


def test_batch_refuses_a_file_that_is_no_workbook(tmp_path, runner):
    """Not an .xlsx: status 2 and the reason, no traceback."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(b"name,date\n")
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "不是 Excel" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.timeout(300)
def test_batch_writes_one_combined_pdf(tmp_path, runner):
    """docgen batch … --pdf OUT.pdf merges every document, one certificate a page, in row order."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(filled_sheet(kind("certificate"), certificates(3)))
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(tmp_path / "o.zip"), "--pdf", str(out)])
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info


def test_batch_with_helper_processes_numbers_rows_in_order_and_zips_them_in_order(tmp_path, runner, monkeypatch):
    """--workers 3 (two helpers, chunks of 4): 30 rows, serials 1–30 in row order, zip in row order."""
    monkeypatch.setenv("DOCGEN_BATCH_CHUNK_SIZE", "4")
    payloads = certificates(30)
    sheet, out = tmp_path / "名单.xlsx", tmp_path / "证书.zip"
    sheet.write_bytes(filled_sheet(kind("certificate"), payloads))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(out), "--workers", "3"])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert [name.split("-")[1] for name in names] == [p["recipient"] for p in payloads]
    for n, name in enumerate(names, 1):
        text = "".join(Document(io.BytesIO(zipfile.ZipFile(out).read(name))).element.body.itertext())
        assert f"〔2026〕{n}号" in text and payloads[n - 1]["recipient"] in text


def test_batch_in_its_own_process_forks_helpers_and_writes_the_zip_in_row_order(tmp_path):
    """A real `docgen batch` (helpers forked, chunks of 3): the zip holds every row once, in row order,
    a name repeated across chunks numbered （2）, （3）; no partial file is left beside it."""
    payloads = certificates(20)
    for n in (2, 9, 16):  # the same file name in three different chunks
        payloads[n]["recipient"] = "王喆"
    sheet, out = tmp_path / "名单.xlsx", tmp_path / "证书.zip"
    sheet.write_bytes(filled_sheet(kind("certificate"), payloads))
    env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(tmp_path / "instance"), "DOCGEN_BATCH_CHUNK_SIZE": "3"}
    run = subprocess.run([str(Path(sys.executable).parent / "docgen"), "batch", "certificate", str(sheet), "-o", str(out),
                          "--workers", "2"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    names = zipfile.ZipFile(out).namelist()
    assert [name.split("-")[1] for name in names] == [p["recipient"] for p in payloads]
    assert [name for name in names if name.startswith("荣誉证书-王喆-")] == [
        "荣誉证书-王喆-月度之星-2026年2月.docx", "荣誉证书-王喆-月度之星-2026年2月（2）.docx", "荣誉证书-王喆-月度之星-2026年2月（3）.docx"]
    for n, name in enumerate(names, 1):
        text = "".join(Document(io.BytesIO(zipfile.ZipFile(out).read(name))).element.body.itertext())
        assert f"〔2026〕{n}号" in text and payloads[n - 1]["recipient"] in text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["instance", "名单.xlsx", "证书.zip"]


def test_batch_refuses_an_output_folder_that_does_not_exist(tmp_path, runner):
    """-o (or --report) in a missing folder: status 2 and the reason before any work, no traceback."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(filled_sheet(kind("certificate"), certificates(2)))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(tmp_path / "无此目录" / "证书.zip")])
    assert result.exit_code == 2 and "目录" in result.output and "不存在" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "instance").exists()


def test_batch_explains_an_output_it_cannot_write(tmp_path, runner):
    """A file name the file system refuses (too long): status 2 and why, before any work; no traceback."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(filled_sheet(kind("certificate"), certificates(2)))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(tmp_path / f"{'证书' * 50}.zip")])
    assert result.exit_code == 2 and "文件名太长" in result.output and "Traceback" not in result.output, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["名单.xlsx"]


def test_batch_explains_a_folder_it_cannot_write_to(tmp_path, runner):
    """-o in a folder where no file can be created (/proc): status 2, the file and the reason in Chinese."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(filled_sheet(kind("certificate"), certificates(2)))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", "/proc/证书.zip"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "无法写入 /proc/证书.zip：不能在这里创建文件" in result.output


def test_a_batch_that_fails_writes_no_zip(tmp_path, runner):
    """A workbook without the kind's sheet: status 2 with the reason, and no zip (nor a partial one) written."""
    book = Workbook()
    book.active.title = "别的表"
    sheet, out = tmp_path / "名单.xlsx", tmp_path / "证书.zip"
    sheet.write_bytes(xlsx(book))
    result = runner.invoke(main, ["batch", "certificate", str(sheet), "-o", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["instance", "名单.xlsx"]


def children(pid: int) -> list[int]:
    """The direct child processes of `pid`."""
    return [int(child) for task in Path(f"/proc/{pid}/task").glob("*/children") for child in task.read_text().split()]


def test_batch_replaces_a_killed_worker_and_makes_its_chunk_at_once(tmp_path):
    """`docgen batch` (two forked queue workers, chunks of 10): a worker killed mid-batch is replaced and the
    chunks it held are made again at once (not after their 300 s lease): every row once, numbered in order."""
    payloads = certificates(400)
    sheet, out = tmp_path / "名单.xlsx", tmp_path / "证书.zip"
    sheet.write_bytes(filled_sheet(kind("certificate"), payloads))
    env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(tmp_path / "instance"), "DOCGEN_BATCH_CHUNK_SIZE": "10"}
    files = tmp_path / "instance" / "files"
    run = subprocess.Popen([str(Path(sys.executable).parent / "docgen"), "batch", "certificate", str(sheet), "-o", str(out),
                            "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed = None
    while run.poll() is None and killed is None:
        if files.is_dir() and sum(1 for _ in files.rglob("*")) > 8:  # chunks are being made
            killed = max(children(run.pid), default=None)
            if killed is not None:
                os.kill(killed, signal.SIGKILL)
        time.sleep(0.01)
    output, _ = run.communicate(timeout=200)
    assert killed is not None and run.returncode == 0, output
    names = zipfile.ZipFile(out).namelist()
    assert [name.split("-")[1] for name in names] == [p["recipient"] for p in payloads]
    for n in (1, 200, 400):
        text = "".join(Document(io.BytesIO(zipfile.ZipFile(out).read(names[n - 1]))).element.body.itertext())
        assert f"〔2026〕{n}号" in text


def test_batch_is_made_by_the_consumer_already_running_on_this_machine(tmp_path, monkeypatch):
    """While `docgen serve` (here: its embedded consumer) holds the machine's worker lock, `docgen batch`
    starts no workers of its own: it says so, the running consumer makes the batch, the zip is written."""
    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    server = create_app({"BATCH_REAP_SECONDS": 1})
    assert consumer.start_embedded(server)
    sheet, out = tmp_path / "名单.xlsx", tmp_path / "证书.zip"
    sheet.write_bytes(filled_sheet(kind("certificate"), certificates(5)))
    try:
        run = subprocess.run([str(Path(sys.executable).parent / "docgen"), "batch", "certificate", str(sheet),
                              "-o", str(out)], env=os.environ, capture_output=True, text=True, timeout=120, check=False)
    finally:
        server.extensions["docgen-worker"][1].stop(graceful=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "正在处理批量任务，本批由它生成" in run.stdout
    assert len(zipfile.ZipFile(out).namelist()) == 5
