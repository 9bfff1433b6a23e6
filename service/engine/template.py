"""Compiles a Word template once and renders it many times."""

from __future__ import annotations

import copy
import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from types import SimpleNamespace
from typing import Any

import docx
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from lxml import etree

from . import package
from .context import prepare
from .environment import make_environment
from .errors import InvalidTemplate, RenderError, TemplateSyntaxError

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Core properties docxtpl treats as templates, by their element name in docProps/core.xml.
CORE_TEXT_PROPERTIES = ("creator", "description", "identifier", "language", "subject", "title")
TAG = re.compile(r"\{[{%#]|\{_[{%]|[}%]_\}")
# docxtpl's escapes for literal Jinja delimiters in a template: {_{ }_} {_% %_}.
LITERAL_DELIMITER = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
PARAGRAPH_START = re.compile(r"<w:p([ >])")
PARAGRAPH_RESTORE = re.compile(r"\n<w:p([ >])")
# Tags that change how many cells a table row has, or pictures whose ids need renumbering.
TREE_FIXES = re.compile(r"\{[%#]-?\s*(?:tc\s|hm\b|colspan\b)|<wp:docPr\b")
LISTING_CHARACTERS = ("\n", "\t", "\a", "\f")
# What evaluating a template's expressions can raise on data it does not expect (`{{ 1/0 }}`, `{{ n + "x" }}`).
RENDER_FAILURES = (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError)

# docxtpl's XML clean-up and post-processing, called rather than copied; they keep no state.
_DOCXTPL = DocxTemplate(None)
_XML_ENV = make_environment(autoescape=True)
_TEXT_ENV = make_environment(autoescape=False)


@dataclass(frozen=True)
class _XmlPart:
    """One package part that holds tags, compiled."""

    name: str
    source: str
    template: jinja2.Template
    prefix: str = ""
    suffix: str = ""
    fix_tree: bool = False

    def render(self, context: dict) -> bytes:
        """Evaluate the part and apply docxtpl's post-processing."""
        try:
            xml = self.template.render(context)
        except RENDER_FAILURES as exc:
            raise RenderError(self.name, str(exc)) from exc
        xml = PARAGRAPH_RESTORE.sub(r"<w:p\1", xml)
        if any(char in xml for char in LISTING_CHARACTERS):
            xml = _DOCXTPL.resolve_listing(xml)
        if self.fix_tree:
            xml = _fix_tree(xml)
        return (self.prefix + xml + self.suffix).encode("utf-8")


def _fix_tree(xml: str) -> str:
    """Repair table grids after cell loops and renumber picture ids, as docxtpl does."""
    tree = _DOCXTPL.fix_tables(xml)
    DocxTemplate.fix_docpr_ids(SimpleNamespace(docx_ids_index=1000), tree)
    return etree.tostring(tree, encoding="unicode")


def _compile(name: str, source: str, env: jinja2.Environment) -> jinja2.Template:
    """Compile one source, turning Jinja's syntax error into one that names the part."""
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateSyntaxError(name, exc.lineno, line_text(source, exc.lineno), exc.message or str(exc)) from exc


def line_text(source: str, lineno: int | None) -> str:
    """The text of a compiled source's line without its XML: in a Word part, one paragraph's text."""
    lines = source.splitlines()
    line = lines[lineno - 1] if lineno and lineno <= len(lines) else ""
    return re.sub(r"<[^>]+>", "", line).strip()


def _xml_part(name: str, xml: str, **kwargs: Any) -> _XmlPart:
    """Clean up a part's XML the way docxtpl does and compile it."""
    source = _DOCXTPL.patch_xml(xml)
    source = LITERAL_DELIMITER.sub(lambda m: "{% raw %}" + m.group().replace("_", "") + "{% endraw %}", source)
    source = PARAGRAPH_START.sub(r"\n<w:p\1", source)
    return _XmlPart(name, source, _compile(name, source, _XML_ENV), **kwargs)


def _document_part(document: Any) -> _XmlPart | None:
    """The main document: its body is the template, the root around it stays fixed."""
    body = etree.tostring(document.element.body, encoding="unicode")
    if not TAG.search(body):
        return None
    root = copy.deepcopy(document.element)
    root.replace(root.body, etree.Element("docgen-body"))
    prefix, suffix = etree.tostring(root, encoding="unicode").split("<docgen-body/>")
    name = document.part.partname.lstrip("/")
    fix_tree = bool(TREE_FIXES.search(re.sub(r"<(?!wp:docPr)[^>]+>", "", body)))
    return _xml_part(name, body, prefix=package.XML_DECLARATION + prefix, suffix=suffix, fix_tree=fix_tree)


def _header_footer_parts(document: Any) -> list[_XmlPart]:
    """Headers and footers related to the main document, as docxtpl finds them."""
    parts = []
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER) or not rel.target_part.blob:
            continue
        xml = etree.tostring(etree.fromstring(rel.target_part.blob), encoding="unicode")
        if TAG.search(xml):
            parts.append(_xml_part(rel.target_part.partname.lstrip("/"), xml, prefix=package.XML_DECLARATION))
    return parts


def _footnote_parts(document: Any) -> list[_XmlPart]:
    """Footnote parts, rendered from their stored text as docxtpl does."""
    parts = []
    for part in document.part.package.iter_parts():
        if part.content_type == FOOTNOTES:
            xml = part.blob.decode("utf-8")
            if TAG.search(xml):
                parts.append(_xml_part(part.partname.lstrip("/"), xml))
    return parts


class _CoreProperties:
    """docProps/core.xml with its text properties compiled as plain-text templates."""

    def __init__(self, name: str, xml: bytes):
        self.name = name
        self.tree = etree.fromstring(xml)
        self.sources = {
            etree.QName(element).localname: element.text
            for element in self.tree
            if etree.QName(element).localname in CORE_TEXT_PROPERTIES
            and element.text
            and TAG.search(element.text)
        }
        self.templates = {key: _compile(f"{name}:{key}", text, _TEXT_ENV) for key, text in self.sources.items()}

    def render(self, context: dict) -> bytes:
        """Fill the templated properties; dates and other entries stay as in the template."""
        tree = copy.deepcopy(self.tree)
        for element in tree:
            template = self.templates.get(etree.QName(element).localname)
            if template is not None:
                try:
                    element.text = template.render(context)
                except RENDER_FAILURES as exc:
                    raise RenderError(self.name, str(exc)) from exc
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_properties(entries: dict[str, bytes]) -> _CoreProperties | None:
    """The core properties part, if it has templated text."""
    name = "docProps/core.xml"
    if name not in entries:
        return None
    core = _CoreProperties(name, entries[name])
    return core if core.templates else None


class Template:
    """A Word template compiled once: render(context) gives a complete .docx as bytes."""

    def __init__(self, data: bytes, sha256: str | None = None):
        self.sha256 = sha256 or hashlib.sha256(data).hexdigest()
        entries = package.read_entries(data)
        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises many kinds on a broken package
            raise InvalidTemplate(f"not a Word document (.docx): {exc}") from exc
        main = _document_part(document)
        self._parts = [p for p in [main, *_header_footer_parts(document), *_footnote_parts(document)] if p]
        self._core = _core_properties(entries)
        rendered = [p.name for p in self._parts] + ([self._core.name] if self._core else [])
        self._base = package.build_base(entries, rendered)

    def sources(self) -> list[tuple[str, str, nodes.Template]]:
        """Each templated source as (part name, source, parsed tree), for checks that read the tags."""
        found = [(part.name, part.source, _XML_ENV.parse(part.source)) for part in self._parts]
        if self._core:
            found += [(f"{self._core.name}:{key}", source, _TEXT_ENV.parse(source))
                      for key, source in self._core.sources.items()]
        return found

    def variables(self) -> set[str]:
        """The names the template reads from its context (Jinja's undeclared variables)."""
        return set().union(*(meta.find_undeclared_variables(tree) for _, _, tree in self.sources()))

    def render(self, context: dict) -> bytes:
        """Fill the template with the data and return the .docx file's bytes."""
        data = prepare(context)
        rendered = [(part.name, part.render(data)) for part in self._parts]
        if self._core:
            rendered.append((self._core.name, self._core.render(data)))
        return package.append_parts(self._base, rendered)


_CACHE: OrderedDict[str, Template] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def from_bytes(data: bytes) -> Template:
    """Return the compiled template for these bytes, compiling only on first sight."""
    return compiled(hashlib.sha256(data).hexdigest(), lambda: data)


def compiled(sha256: str, read: Callable[[], bytes]) -> Template:
    """The compiled template whose bytes hash to `sha256`; `read` fetches them only when it is not cached."""
    with _LOCK:
        if sha256 in _CACHE:
            _CACHE.move_to_end(sha256)
            return _CACHE[sha256]
    template = Template(read(), sha256)
    with _LOCK:
        _CACHE[sha256] = template
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return template


def load(path: str | PathLike) -> Template:
    """Load a template file; work that does not depend on the data is cached by content hash."""
    with open(path, "rb") as handle:
        return from_bytes(handle.read())
