"""Build the Word templates of the document kinds: python templates/build.py [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

import certificate
import gbt9704 as g
import manual
import official

OUT_DIR = Path(__file__).resolve().parent / "docx"
# Each kind's builder and its document properties, filled when a document is made: the
# document's own title and the organisation that issues it as the author.
KINDS = {
    "meeting-minutes": (official.meeting_minutes, "{{ document_title }}", "{{ organisation }}"),
    "branch-manual": (manual.branch_manual, "{{ manual_title }}", "{{ branch_full_name }}"),
    "policy": (official.policy, "{{ notice_title }}", "{{ signatory }}"),
    "certificate": (certificate.certificate, "{{ heading }}（{{ recipient }}）", "{{ issuer_full_name }}"),
    "commendation": (official.commendation, "{{ title }}", "{{ signatory }}"),
}


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind, (build, title, author) in KINDS.items():
        g.save(build(), out / f"{kind}.docx", title, author)


if __name__ == "__main__":
    main(sys.argv)
