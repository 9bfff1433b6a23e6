"""Build the Word templates of the document kinds: python templates/build.py [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

import certificate
import gbt9704 as g
import manual
import official

OUT_DIR = Path(__file__).resolve().parent / "docx"
KINDS = {
    "meeting-minutes": ("会议纪要", official.meeting_minutes),
    "branch-manual": ("驻外临时党支部工作手册", manual.branch_manual),
    "policy": ("规章制度", official.policy),
    "certificate": ("荣誉证书", certificate.certificate),
    "commendation": ("表彰决定", official.commendation),
}


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind, (title, build) in KINDS.items():
        g.save(build(), out / f"{kind}.docx", title)


if __name__ == "__main__":
    main(sys.argv)
