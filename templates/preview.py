"""Render each kind's example as the service does and save one page as docs/<kind>.png.

Needs LibreOffice (the service's PDF pool) and pdftoppm. Run: .venv/bin/python templates/preview.py [KIND ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.catalog import Catalog  # noqa: E402
from service.pdf import ConverterPool  # noqa: E402

CATALOG = Catalog()
# The page that shows each kind best (the manual's facts and roster); the rest are page 1.
PAGES = {"branch-manual": 3}


def example_data(kind_id: str) -> dict:
    """The kind's example, validated as the service does, with its number."""
    return CATALOG.get(kind_id).example_data()


def example_context(kind_id: str) -> dict:
    """The template context of the kind's example."""
    return CATALOG.get(kind_id).context(example_data(kind_id))


def render_example(kind_id: str) -> bytes:
    """The kind's template filled with its example."""
    return CATALOG.get(kind_id).render(example_data(kind_id))[0]


def snapshot(pool: ConverterPool, kind_id: str, page: int, workdir: Path) -> Path:
    """Convert the rendered example with the pool and write the page as docs/<kind>.png."""
    pdf = workdir / f"{kind_id}.pdf"
    pdf.write_bytes(pool.convert(render_example(kind_id)))
    target = ROOT / "docs" / f"{kind_id}.png"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True)
    return target


def main(kinds: list[str]) -> None:
    """Snapshot the named kinds, or every kind."""
    with ConverterPool(size=1) as pool, tempfile.TemporaryDirectory() as tmp:
        for kind_id in kinds or [kind.id for kind in CATALOG]:
            print(snapshot(pool, kind_id, PAGES.get(kind_id, 1), Path(tmp)))


if __name__ == "__main__":
    main(sys.argv[1:])
