"""Render each kind's example and save one page as docs/<kind>.png (needs soffice, pdftoppm).

Run: .venv/bin/python templates/preview.py [KIND ...]
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import schemas  # noqa: E402
from schemas.common import validate  # noqa: E402
from service import engine  # noqa: E402

# The page that shows each kind best (the manual's facts and roster); the rest are page 1.
PAGES = {"branch-manual": 3}
# LibreOffice 7 gives every character two grid cells when w:charSpace < 0 (Word squeezes them
# onto 28 per line instead), so the preview is converted without the character pitch.
CHAR_SPACE = re.compile(rb' w:charSpace="-\d+"')


def schema_module(kind: str):
    """The schemas module whose ID is kind."""
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"schemas.{info.name}")
        if getattr(module, "ID", None) == kind:
            return module
    raise LookupError(kind)


def example_context(kind: str) -> dict:
    """The template context of the kind's example, validated as the service does."""
    module = schema_module(kind)
    payload = json.loads((ROOT / "examples" / f"{kind}.json").read_text(encoding="utf-8"))
    data, errors = validate(module.Schema(), payload)
    if errors:
        raise ValueError(f"{kind} example is invalid: {errors}")
    return module.context(data)


def render_example(kind: str) -> bytes:
    """The kind's template filled with its example."""
    return engine.load(ROOT / "templates" / "docx" / f"{kind}.docx").render(example_context(kind))


def without_char_pitch(docx: bytes) -> bytes:
    """A copy of the .docx whose section grids keep their lines but drop the character pitch."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, CHAR_SPACE.sub(b"", data) if item.filename == "word/document.xml" else data)
    return out.getvalue()


def snapshot(kind: str, page: int, workdir: Path) -> Path:
    """Convert the rendered example to PDF and write the page as docs/<kind>.png."""
    source = workdir / f"{kind}.docx"
    source.write_bytes(without_char_pitch(render_example(kind)))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True)
    stem = workdir / kind
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                    str(workdir / f"{kind}.pdf"), str(stem)], check=True)
    target = ROOT / "docs" / f"{kind}.png"
    shutil.move(f"{stem}.png", target)
    return target


def main(kinds: list[str]) -> None:
    """Snapshot the named kinds, or every kind that has a template and an example."""
    kinds = kinds or sorted(p.stem for p in (ROOT / "templates" / "docx").glob("*.docx")
                            if (ROOT / "examples" / p.name).with_suffix(".json").exists())
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            print(snapshot(kind, PAGES.get(kind, 1), Path(tmp)))


if __name__ == "__main__":
    main(sys.argv[1:])
