"""GB/T 9704 drift of a template: page, margins, body font and size, line grid, red 发文机关标志.

A property is checked only where the kind's shipped template follows the standard in it (the
certificate is landscape, the manual has no red mark), and drift is a warning, never an error.
"""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from ..scaffold import gbt9704 as gbt

MM = 1440 / 25.4  # twips per millimetre
EXPECTED = {
    "page": (gbt.A4_SHORT, gbt.A4_LONG),
    "margins": tuple(gbt.MARGINS[side] for side in ("top", "bottom", "left", "right")),
    "font": gbt.FANGSONG,
    "size": gbt.BODY_PT * 2,
    "grid": gbt.LINE_PITCH,
    "mark": gbt.RED,
}
MESSAGES = {
    "page": "纸张不是 A4 纵向（210 mm × 297 mm），现为 {} mm。",
    "margins": "页边距不是上 37、下 35、左 28、右 26 mm，现为上 {}、下 {}、左 {}、右 {} mm。",
    "font": "正文（“正文”样式）字体不是仿宋_GB2312，现为 {}。",
    "size": "正文字号不是三号（16 磅），现为 {} 磅。",
    "grid": "文档网格不是每页 22 行（行距 28.95 磅），现为行距 {} 磅。",
    "mark": "发文机关标志（第一段）不是红色，现为 {}。",
}


def _layout(data: bytes) -> dict:
    """The GB/T 9704 properties of a .docx as they are set in it (None where it sets none)."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    normal = document.styles["Normal"]
    fonts = normal.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    size = normal.element.find(f"{qn('w:rPr')}/{qn('w:sz')}")
    grid = section._sectPr.find(qn("w:docGrid"))
    first = document.paragraphs[0] if document.paragraphs else None
    color = None
    if first is not None:
        run = first.runs[0].font.color if first.runs and first.runs[0].font.color.rgb else first.style.font.color
        color = str(run.rgb) if run is not None and run.rgb is not None else None
    return {
        "page": (section.page_width.twips, section.page_height.twips) if section.page_width else None,
        "margins": tuple(getattr(section, f"{side}_margin").twips for side in ("top", "bottom", "left", "right")),
        "font": None if fonts is None else fonts.get(qn("w:eastAsia")),
        "size": None if size is None else int(size.get(qn("w:val"))),
        "grid": None if grid is None or grid.get(qn("w:linePitch")) is None else int(grid.get(qn("w:linePitch"))),
        "mark": color,
    }


def _shown(key: str, value) -> list:
    """A property's value as the message shows it."""
    if value is None:
        return ["未设置"] * (4 if key == "margins" else 1)
    if key in ("page", "margins"):
        millimetres = [f"{twips / MM:.0f}" for twips in value]
        return ["×".join(millimetres)] if key == "page" else millimetres
    if key == "size":
        return [f"{value / 2:g}"]
    if key == "grid":
        return [f"{value / 20:g}"]
    return [value]


def drift(shipped: bytes, uploaded: bytes) -> list[dict]:
    """Warnings for each GB/T 9704 property the shipped template follows and the uploaded one does not."""
    before, after = _layout(shipped), _layout(uploaded)
    return [{"path": "GB/T 9704", "message": MESSAGES[key].format(*_shown(key, after[key]))}
            for key, expected in EXPECTED.items() if before[key] == expected and after[key] != expected]
