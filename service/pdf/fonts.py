"""The fontconfig setup of the converters: the shipped fonts.conf behind a deployment's fonts."""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

SHIPPED = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"

WRAPPER = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by service.pdf: the deployment's fonts first, then docgen's stand-ins. -->
<fontconfig>
{dirs}  <include>{shipped}</include>
</fontconfig>
"""


def write_config(root: Path, fonts_dir: str | os.PathLike | None) -> Path:
    """Write root/fonts.conf: `fonts_dir` (if any) listed first, then the shipped configuration."""
    dirs = f"  <dir>{escape(str(Path(fonts_dir).resolve()))}</dir>\n" if fonts_dir else ""
    path = root / "fonts.conf"
    path.write_text(WRAPPER.format(dirs=dirs, shipped=escape(str(SHIPPED))), encoding="utf-8")
    return path


def environment(root: Path, fonts_dir: str | os.PathLike | None) -> dict[str, str]:
    """Environment for the converters: our fontconfig file, no per-user font configuration."""
    personal = root / "xdg-config"  # empty: ~/.config/fontconfig must not change the output
    personal.mkdir(exist_ok=True)
    return {**os.environ, "FONTCONFIG_FILE": str(write_config(root, fonts_dir)), "XDG_CONFIG_HOME": str(personal)}
