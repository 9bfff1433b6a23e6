"""Build the Word templates of the document kinds: python -m service.scaffold.build [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

from ..catalog import Catalog
from . import certificate, manual, official
from . import gbt9704 as g

OUT_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"
# Each kind's builder (every kind of the catalogue has one: tests/test_templates.py) and its document properties, filled when a document is made: the
# document's own title and the organisation that issues it as the author.
KINDS = {
    "meeting-minutes": (official.meeting_minutes, "{{ document_title }}", "{{ organisation }}"),
    "branch-manual": (manual.branch_manual, "{{ manual_title }}", "{{ branch_full_name }}"),
    "policy": (official.policy, "{{ notice_title }}", "{{ signatory }}"),
    "certificate": (certificate.certificate, "{{ heading }}（{{ recipient }}）", "{{ issuer_full_name }}"),
    "commendation": (official.commendation, "{{ title }}", "{{ signatory }}"),
}


def scaffold(kind: str, path: Path) -> None:
    """Write the GB/T 9704 starting point of one kind's template to `path`."""
    build, title, author = KINDS[kind]
    g.save(build(), path, title, author)


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx of the checkout)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind in Catalog():
        scaffold(kind.id, out / f"{kind.id}.docx")


if __name__ == "__main__":
    main(sys.argv)
