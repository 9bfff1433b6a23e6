"""Build the Word templates of the document kinds: python -m service.scaffold.build [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

from . import certificate, manual, official
from . import gbt9704 as g

OUT_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"
KINDS = {
    "meeting-minutes": ("会议纪要", official.meeting_minutes),
    "branch-manual": ("驻外临时党支部工作手册", manual.branch_manual),
    "policy": ("规章制度", official.policy),
    "certificate": ("荣誉证书", certificate.certificate),
    "commendation": ("表彰决定", official.commendation),
}


def scaffold(kind: str, path: Path) -> None:
    """Write the GB/T 9704 starting point of one kind's template to `path`."""
    title, build = KINDS[kind]
    g.save(build(), path, title)


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx of the checkout)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        scaffold(kind, out / f"{kind}.docx")


if __name__ == "__main__":
    main(sys.argv)
