"""Compiles a Word template once and renders it many times."""

from __future__ import annotations

import copy
import hashlib
import posixpath
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from os import PathLike
from types import SimpleNamespace
from typing import Any

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from lxml import etree

from . import package
from .colophon import Colophon
from .context import prepare
from .environment import make_environment
from .errors import InvalidTemplate, RenderError, TemplateSyntaxError

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
# Word parts are parsed as python-docx parses them (whitespace between elements dropped), so that the
# sources are those docxtpl sees.
PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
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
# What docxtpl's clean-up does not read: property elements, and the attributes of elements other
# than w:t. They are held aside while it runs, so that its regular expressions scan a shorter text.
# It reads properties for cell merging and shading and for trimming around {%- and -%}, so templates
# using those are cleaned up whole.
HELD_ELEMENT = re.compile(r"<w:(rPr|pPr|tblPr|trPr|tcPr|sectPr|tblGrid)\b[^>]*?(?:/>|>.*?</w:\1>)", re.DOTALL)
HELD_ATTRIBUTES = re.compile(r"(<w:(?!t[ >/])[A-Za-z]+)( [^>]*?)(/?>)")
HELD_MARK = re.compile(r"<docgen-held-(\d+)/>| docgen-held-(\d+)")
READS_PROPERTIES = ("vm", "hm", "colspan", "cellbg", "-%}", "{%-")
# What evaluating a template's expressions can raise on data it does not expect (`{{ 1/0 }}`, `{{ n + "x" }}`).
RENDER_FAILURES = (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError)

# docxtpl's XML clean-up and post-processing, called rather than copied; they keep no state.
_DOCXTPL = DocxTemplate(None)
_XML_ENV = make_environment(autoescape=True)
_COMPILING = threading.Lock()
_TEXT_ENV = make_environment(autoescape=False)


@dataclass(frozen=True)
class _XmlPart:
    """One package part that holds tags: its source parsed when loaded, compiled when first rendered."""

    name: str
    source: str
    tree: nodes.Template
    prefix: str = ""
    suffix: str = ""
    fix_tree: bool = False

    @cached_property
    def template(self) -> jinja2.Template:
        """The compiled source. The compiler folds constants in the tree it is given, so one thread at a time
        compiles (sources() parses anew)."""
        with _COMPILING:
            return _XML_ENV.from_string(self.tree)

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


def _parse(name: str, source: str, env: jinja2.Environment) -> nodes.Template:
    """Parse one source, as _compile would fail on it: bad syntax, or a filter or test the environment lacks."""
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateSyntaxError(name, exc.lineno, line_text(source, exc.lineno), exc.message or str(exc)) from exc
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known, what = (env.filters, "filter") if isinstance(node, nodes.Filter) else (env.tests, "test")
        if node.name not in known:
            raise TemplateSyntaxError(name, node.lineno, line_text(source, node.lineno), f"No {what} named {node.name!r}.")
    return tree


def _patch(xml: str, text: str) -> str:
    """docxtpl's clean-up of a part's XML (`text`: its text without tags), with what it does not read held aside."""
    if "docgen-held-" in xml or any(word in text for word in READS_PROPERTIES):
        return _DOCXTPL.patch_xml(xml)
    held: list[str] = []

    def hold(kept: str, mark: str) -> str:
        """Keep a piece without braces aside; give the numbered mark that stands for it."""
        if "{" in kept or "}" in kept:
            return ""
        held.append(kept)
        return mark.format(len(held) - 1)

    shorter = HELD_ELEMENT.sub(lambda m: hold(m.group(), "<docgen-held-{}/>") or m.group(), xml)
    shorter = HELD_ATTRIBUTES.sub(lambda m: m.group(1) + (hold(m.group(2), " docgen-held-{}") or m.group(2)) + m.group(3),
                                  shorter)
    patched = _DOCXTPL.patch_xml(shorter)
    return HELD_MARK.sub(lambda match: held[int(match.group(1) or match.group(2))], patched)


def line_text(source: str, lineno: int | None) -> str:
    """The text of a compiled source's line without its XML: in a Word part, one paragraph's text."""
    lines = source.splitlines()
    line = lines[lineno - 1] if lineno and lineno <= len(lines) else ""
    return re.sub(r"<[^>]+>", "", line).strip()


def _xml_part(name: str, xml: str, text: str | None = None, **kwargs: Any) -> _XmlPart:
    """Clean up a part's XML (`text`: its text without tags, if known) the way docxtpl does and parse it."""
    source = _patch(xml, re.sub(r"<[^>]+>", "", xml) if text is None else text)
    source = LITERAL_DELIMITER.sub(lambda m: "{% raw %}" + m.group().replace("_", "") + "{% endraw %}", source)
    source = PARAGRAPH_START.sub(r"\n<w:p\1", source)
    return _XmlPart(name, source, _parse(name, source, _XML_ENV), **kwargs)


class _Package:
    """The parts of a .docx the engine fills, found through its relationships and content types."""

    def __init__(self, entries: dict[str, bytes]):
        self.entries = entries
        try:
            types = etree.fromstring(entries["[Content_Types].xml"])
            self.defaults = {t.get("Extension", "").lower(): t.get("ContentType") for t in types.iter(f"{package.TYPES_NS}Default")}
            self.overrides = {t.get("PartName", "").lstrip("/"): t.get("ContentType")
                              for t in types.iter(f"{package.TYPES_NS}Override")}
            self.main = next(target for kind, target in self.related("") if kind == RT.OFFICE_DOCUMENT)
            if self.content_type(self.main) != CT.WML_DOCUMENT_MAIN:
                raise ValueError(f"the main part {self.main} is {self.content_type(self.main)}")
            self.document = etree.fromstring(entries[self.main], PARSER)
        except (KeyError, StopIteration, ValueError, etree.XMLSyntaxError) as exc:
            raise InvalidTemplate(f"not a Word document (.docx): {exc}") from exc

    def content_type(self, name: str) -> str | None:
        """A part's content type: its override, else its extension's default."""
        return self.overrides.get(name) or self.defaults.get(posixpath.splitext(name)[1].lstrip(".").lower())

    def related(self, source: str) -> list[tuple[str, str]]:
        """(type, part name) of a part's internal relationships ("" for the package's own)."""
        folder, name = posixpath.split(source)
        rels = self.entries.get(posixpath.join(folder, "_rels", f"{name}.rels"))
        if rels is None:
            return []
        return [(kind, part) for _, kind, part in package.relationships(rels, folder)]


def _document_part(word: _Package) -> _XmlPart | None:
    """The main document: its body is the template, the root around it stays fixed."""
    found = word.document.find(BODY)
    if found is None:
        raise InvalidTemplate(f"not a Word document (.docx): {word.main} has no body")
    body = etree.tostring(found, encoding="unicode")
    if not TAG.search(body):
        return None
    word.document.replace(found, etree.Element("docgen-body"))  # the tree is this template's own
    prefix, suffix = etree.tostring(word.document, encoding="unicode").split("<docgen-body/>")
    text = re.sub(r"<(?!wp:docPr)[^>]+>", "", body)
    return _xml_part(word.main, body, text, prefix=package.XML_DECLARATION + prefix,
                     suffix=suffix, fix_tree=bool(TREE_FIXES.search(text)))


def _header_footer_parts(word: _Package) -> list[_XmlPart]:
    """Headers and footers related to the main document, as docxtpl finds them."""
    parts = []
    for kind, name in word.related(word.main):
        if kind not in (RT.HEADER, RT.FOOTER) or not word.entries.get(name):
            continue
        parser = PARSER if word.content_type(name) in (CT.WML_HEADER, CT.WML_FOOTER) else None
        try:
            xml = etree.tostring(etree.fromstring(word.entries[name], parser), encoding="unicode")
        except etree.XMLSyntaxError as exc:
            raise InvalidTemplate(f"not a Word document (.docx): {name}: {exc}") from exc
        if TAG.search(xml):
            parts.append(_xml_part(name, xml, prefix=package.XML_DECLARATION))
    return parts


def _footnote_parts(word: _Package) -> list[_XmlPart]:
    """Footnote parts, rendered from their stored text as docxtpl does."""
    parts = []
    for name, content in word.entries.items():
        if word.content_type(name) == FOOTNOTES:
            xml = content.decode("utf-8")
            if TAG.search(xml):
                parts.append(_xml_part(name, xml))
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
        word = _Package(entries)
        self._colophon = Colophon.find(entries, word.main, word.document)  # before the body is taken out
        main = _document_part(word)
        self._parts = [p for p in [main, *_header_footer_parts(word), *_footnote_parts(word)] if p]
        self._core = _core_properties(entries)
        self._entries = entries

    @cached_property
    def _base(self) -> package.Base:
        """The parts that are not rendered, compressed once, when the first document is made."""
        return package.build_base(self._entries, self._rendered_names())

    def _rendered_names(self) -> list[str]:
        """The parts each document gets filled."""
        return [p.name for p in self._parts] + ([self._core.name] if self._core else [])

    @cached_property
    def _placed_base(self) -> package.Base:
        """The fixed parts of a document whose 版记 moved into the body (service/engine/colophon.py): without
        the last section's footers; the main part is always written."""
        colophon = self._colophon
        return package.build_base(colophon.without_last_section(self._entries),
                                   [*self._rendered_names(), colophon.main])

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
        if self._colophon:
            placed = self._place(dict(rendered))
            if placed is not None:
                return package.append_parts(self._placed_base, placed)
        return package.append_parts(self._base, rendered)

    def _place(self, rendered: dict[str, bytes]) -> list[tuple[str, bytes]] | None:
        """The filled parts with the 版记 moved into the body when the layout allows it, else None."""
        colophon = self._colophon
        main = rendered.get(colophon.main, self._entries[colophon.main])
        document = colophon.place(main, rendered.get(colophon.footer, self._entries[colophon.footer]))
        if document is None:
            return None
        rendered[colophon.main] = document
        return [(name, content) for name, content in rendered.items() if name not in colophon.dropped]


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
