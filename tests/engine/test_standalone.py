"""The engine is a library of its own: it imports and renders where Flask cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "service" / "engine"

# Run first in the child interpreter: any import of flask (or werkzeug, flask's own base) fails.
BLOCKER = textwrap.dedent("""
    import importlib.abc, sys

    class NoFlask(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("flask", "werkzeug", "flask_smorest", "flask_limiter", "flask_wtf"):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
            return None

    sys.meta_path.insert(0, NoFlask())
""")


def test_the_engine_imports_and_renders_without_flask(tmp_path):
    """`import service.engine` and a render work in an interpreter where flask cannot be imported."""
    (tmp_path / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        try:
            import flask
        except ModuleNotFoundError:
            pass
        else:
            raise SystemExit("flask was importable")
        from docx import Document
        import io
        from service import engine
        document = Document()
        document.add_paragraph("{{{{ name }}}}")
        source = io.BytesIO()
        document.save(source)
        made = engine.Template(source.getvalue()).render({{"name": "张三"}})
        assert "张三" in Document(io.BytesIO(made)).paragraphs[0].text
        assert not any(name.split(".")[0] == "flask" for name in sys.modules), sorted(sys.modules)
        print("ok")
    """)
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_no_module_of_the_engine_names_flask():
    """Nothing under service/engine imports Flask (nor the service's app modules that do)."""
    for path in ENGINE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "flask" not in text.lower(), path
