"""PDF conversion speed: warm converter pool versus a cold `soffice --convert-to pdf`, same document.

Run: python -m benchmarks.pdf [--runs N] [--documents N]   (from the repository root)
Prints the median time per one-page document cold and warm and their ratio (target: warm
<= 300 ms and >= 5x faster), then documents/s with one converter per core on N documents.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from service.catalog import Catalog
from service.pdf import ConverterPool
from service.pdf.fonts import environment


def one_page_document() -> bytes:
    """The certificate example: one landscape A4 page of Chinese text in four fonts."""
    kind = Catalog().get("certificate")
    return kind.render(kind.check(kind.example()).data)[0]


def cold_seconds(document: bytes, work: Path) -> float:
    """Time of one `soffice --headless --convert-to pdf` run, with a profile already created."""
    source = work / "certificate.docx"
    source.write_bytes(document)
    command = ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(work), str(source)]
    env = environment(work, None)  # the same fonts as the pool
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    if not (work / "certificate.pdf").exists():
        raise RuntimeError("soffice wrote no PDF")
    return elapsed


def warm_seconds(pool: ConverterPool, document: bytes) -> float:
    """Time of one conversion through a warm pool."""
    started = time.perf_counter()
    pool.convert(document)
    return time.perf_counter() - started


def throughput(document: bytes, count: int) -> tuple[int, float]:
    """Pool size (one per core) and documents/s converting `count` documents concurrently."""
    with ConverterPool() as pool:
        pool.convert(document)
        started = time.perf_counter()
        with ThreadPoolExecutor(pool.size) as executor:
            list(executor.map(pool.convert, [document] * count))
        return pool.size, count / (time.perf_counter() - started)


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="conversions timed cold and warm")
    parser.add_argument("--documents", type=int, default=20, help="documents for the throughput figure")
    args = parser.parse_args()
    document = one_page_document()
    with tempfile.TemporaryDirectory() as work:
        cold_seconds(document, Path(work))  # creates the profile; not counted
        cold = statistics.median(cold_seconds(document, Path(work)) for _ in range(args.runs))
    with ConverterPool(size=1) as pool:
        for _ in range(3):  # a fresh office's first conversions load fonts and filters
            warm_seconds(pool, document)
        warm = statistics.median(warm_seconds(pool, document) for _ in range(args.runs))
    size, rate = throughput(document, args.documents)
    print(f"cold soffice --convert-to: {cold * 1000:7.0f} ms per document (median of {args.runs})")
    print(f"warm pool:                 {warm * 1000:7.0f} ms per document (median of {args.runs})")
    print(f"speed-up:                  {cold / warm:7.1f}x")
    print(f"pool of {size} ({os.cpu_count()} cores):      {rate:7.1f} documents/s on {args.documents} documents")


if __name__ == "__main__":
    main()
