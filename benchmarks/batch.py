"""Batch figures: a 10,000-row certificate sheet to a zip, a plain docxtpl loop, and a zip bomb refused.

Run: python -m benchmarks.batch [--rows 10000] [--sample 500] [--folder DIR]
Each measured job runs in its own process tree: `docgen batch` (read, validate, number, render in
as many processes as cores, record, zip) is timed from start to exit; its memory is the peak of
the summed RSS of all its processes (sampled from /proc every 50 ms), plus this process's (and,
beside it, the peak of their summed PSS, which counts the pages they share once). A
plain docxtpl loop over the same rows (read with openpyxl, render, save each file, zip them) is
timed on a sample of rows and extrapolated (the sheet's opening counted once). Targets on a
2-core machine: <= 15 s, <= 250 MB, >= 20x; the zip bomb (a 1 MB .xlsx whose sharedStrings.xml
inflates to 1 GB) refused in < 1 s, < 50 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BIN = Path(sys.executable).parent
NAMES = "王喆 陈堃 林赟 欧阳思琪 马骏 李静怡 郑昊 周堃 孙悦 刘赟".split()
BOMB_BYTES = 1024 * 1024 * 1024
SAMPLE_SECONDS = 0.05


def child(args: list[str], env: dict | None = None) -> tuple[float, float, float, str]:
    """Run a process to its end: seconds taken, peak RSS and peak PSS in MB, its output.

    The peak RSS is the largest sum of the RSS of the process and its descendants seen while it ran
    (or the process's own maximum RSS if that is larger: a short peak may fall between samples); a
    page a forked process shares with its parent counts in both. The peak PSS is the largest sum of
    their proportional set sizes, which divide a shared page among the processes sharing it.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        peak = peak_pss = 0
        while True:
            ended, status, usage = os.wait4(process.pid, os.WNOHANG)
            if ended:
                break
            processes = tree(process.pid)
            peak = max(peak, sum(kib(pid, "status", "VmRSS:") for pid in processes))
            peak_pss = max(peak_pss, sum(kib(pid, "smaps_rollup", "Pss:") for pid in processes))
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - start
        log.seek(0)
        output = log.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args[:3]} failed:\n{output}")
    return seconds, max(peak, usage.ru_maxrss) / 1024, peak_pss / 1024, output


def tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        for task in Path(f"/proc/{found[-1]}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def kib(pid: int, name: str, field: str) -> int:
    """A figure in KiB of a process from /proc/PID/NAME (VmRSS: of status, Pss: of smaps_rollup); 0 once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(field)), 0)


def make_sheet(path: Path, rows: int) -> None:
    """Write the certificate sheet of `rows` different people (in a child process of its own)."""
    from service.batch.writer import filled_sheet
    from service.catalog import Catalog

    kind = Catalog().get("certificate")
    example = kind.example()
    payloads = [{**example, "recipient": f"{NAMES[n % len(NAMES)]}{n}"} for n in range(rows)]
    path.write_bytes(filled_sheet(kind, payloads))


def docxtpl_loop(sheet: Path, sample: int, folder: Path) -> None:
    """The plain way: read rows with openpyxl, render each with docxtpl, save it, zip them.

    Prints the seconds taken to open the sheet (once per run, whatever its length) and the
    seconds per row of the rest, so that the figure for all rows is not inflated by spreading
    the opening over the sample alone.
    """
    from docxtpl import DocxTemplate
    from openpyxl import load_workbook

    from service.catalog import Catalog
    from service.engine.environment import make_environment

    kind, environment = Catalog().get("certificate"), make_environment()
    start = time.perf_counter()
    rows = load_workbook(sheet, read_only=True)["荣誉证书"].iter_rows(min_row=2, max_row=sample + 1, values_only=True)
    opened = time.perf_counter()
    with zipfile.ZipFile(folder / "docxtpl.zip", "w") as archive:
        for n, row in enumerate(rows):
            data = {"recipient": row[2], "unit": row[3] or "", "honour": row[4], "period": row[5], "deed": row[6],
                    "issuer": "中心党总支", "date": row[8].date().isoformat(), "number": f"中心党总支证〔2026〕{n + 1}号"}
            document = DocxTemplate(str(kind.template_path))
            document.render(kind.context(data), jinja_env=environment, autoescape=True)
            path = folder / f"{n}.docx"
            document.save(path)
            archive.write(path, path.name)
    print(opened - start, (time.perf_counter() - opened) / sample)


def make_bomb(path: Path) -> None:
    """A valid-looking .xlsx whose sharedStrings.xml inflates to 1 GB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            block = b"<si><t>a</t></si>" * 65536
            for _ in range(BOMB_BYTES // len(block)):
                strings.write(block)


def refuse_bomb(path: Path) -> None:
    """Check the bomb as an upload is checked; prints the seconds the refusal took."""
    from service.batch.upload import UnsafeUpload, check_xlsx

    data = path.read_bytes()
    before, start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
    try:
        check_xlsx(data)
    except UnsafeUpload:
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(time.perf_counter() - start, grown)
        return
    raise SystemExit("the bomb was accepted")


def measure(rows: int, sample: int, folder: Path) -> None:
    """Run every measurement and print the figures against the targets."""
    me = [sys.executable, "-m", "benchmarks.batch"]
    sheet, out, bomb = folder / "certificates.xlsx", folder / "certificates.zip", folder / "bomb.xlsx"
    child([*me, "--make-sheet", str(sheet), "--rows", str(rows)])
    env = {"DOCGEN_INSTANCE_PATH": str(folder / "instance"), "DOCGEN_EMBEDDED_WORKER": "false"}
    command = [str(BIN / "docgen"), "batch", "certificate", str(sheet), "-o", str(out)]
    seconds, batch_mb, batch_pss, output = child(command, env)
    made = len(zipfile.ZipFile(out).namelist())
    mine_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _, _, _, plain = child([*me, "--docxtpl", str(sheet), "--sample", str(sample), "--folder", str(folder)])
    opening, per_row = (float(figure) for figure in plain.split())
    baseline = opening + per_row * rows
    child([*me, "--make-bomb", str(bomb)])
    _, bomb_mb, _, refusal = child([*me, "--refuse-bomb", str(bomb)])
    bomb_seconds, bomb_grown = (float(figure) for figure in refusal.split())
    print(output.strip().splitlines()[-1])
    print(f"batch: {rows} rows -> {made} documents in {seconds:.1f} s (target <= 15 s)")
    print(f"peak RSS: {batch_mb + mine_mb:.0f} MB = batch processes {batch_mb:.0f} MB (summed) + this process {mine_mb:.0f} MB (target <= 250 MB)")
    print(f"peak PSS of the batch processes: {batch_pss:.0f} MB (their shared pages counted once)")
    print(f"docxtpl loop: sheet opened in {opening:.2f} s, then {per_row * 1000:.1f} ms/row on {sample} rows -> "
          f"{baseline:.0f} s for {rows}; ratio {baseline / seconds:.1f}x (target >= 20x)")
    print(f"zip bomb ({bomb.stat().st_size / 1e6:.1f} MB file, {BOMB_BYTES >> 20} MB inflated): refused in "
          f"{bomb_seconds * 1000:.1f} ms; peak RSS of the checking process {bomb_mb:.0f} MB, "
          f"of which the check itself {bomb_grown:.1f} MB (target < 1 s, < 50 MB)")


def main() -> None:
    """Measure, or (called by the measurement) do one job in this process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500, help="rows the docxtpl loop is timed on")
    parser.add_argument("--folder", type=Path, help="where files go (default: a temporary folder on disk)")
    jobs = parser.add_mutually_exclusive_group()
    for job in ("--make-sheet", "--docxtpl", "--make-bomb", "--refuse-bomb"):
        jobs.add_argument(job, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_sheet:
        make_sheet(args.make_sheet, args.rows)
    elif args.docxtpl:
        docxtpl_loop(args.docxtpl, args.sample, args.folder)
    elif args.make_bomb:
        make_bomb(args.make_bomb)
    elif args.refuse_bomb:
        refuse_bomb(args.refuse_bomb)
    elif args.folder:
        measure(args.rows, args.sample, args.folder)
    else:
        with tempfile.TemporaryDirectory(dir=Path.home()) as folder:
            measure(args.rows, args.sample, Path(folder))


if __name__ == "__main__":
    main()
