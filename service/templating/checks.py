"""Checks an uploaded Word template before anything is stored: a safe .docx (size, zip bomb, no
macros, no external links, no OLE), tags that parse, nothing that escapes the sandbox, only the
kind's data, and the kind's example renders; GB/T 9704 drift is reported as warnings."""

from __future__ import annotations

import difflib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.sandbox import UNSAFE_FUNCTION_ATTRIBUTES, UNSAFE_GENERATOR_ATTRIBUTES, UNSAFE_METHOD_ATTRIBUTES
from lxml import etree

from .. import engine
from ..batch.upload import DOCX, UnsafeUpload, check_package
from ..catalog import InvalidExample, Kind
from ..checks import available_paths, unknown_paths
from ..engine.template import line_text
from .drift import drift

MAX_BYTES = 20 * 1024 * 1024
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MACRO = re.compile(r"macroEnabled|vbaProject|vbaData|keyMapCustomizations", re.IGNORECASE)
# External targets by relationship type, as a secretary would call them; hyperlinks are plain links.
EXTERNAL = {"image": "图片", "attachedTemplate": "模板（attachedTemplate）", "oleObject": "对象", "package": "对象",
            "subDocument": "子文档", "frame": "框架", "altChunk": "外部内容（altChunk）", "video": "视频",
            "audio": "音频", "media": "媒体"}
OLE = ("oleObject", "package", "control", "activeXControlBinary")
UNSAFE_ATTRIBUTES = UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES | {"mro"}


class Refused(Exception):
    """The upload is refused; `problems` lists each reason with its part and place."""

    def __init__(self, problems: list[dict]):
        super().__init__("; ".join(problem["message"] for problem in problems))
        self.problems = problems


@dataclass
class Accepted:
    """A template that passed: compiled, its warnings, and the kind's example rendered with it."""

    template: engine.Template
    warnings: list[dict]
    preview: bytes


def check_template(kind: Kind, data: bytes) -> Accepted:
    """Run every check in order; Refused at the first stage that finds problems (all of that stage's)."""
    try:
        check_package(data, DOCX, MAX_BYTES)
    except UnsafeUpload as unsafe:
        raise Refused([{"path": "", "message": unsafe.message}]) from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    _refuse(_macros(parts))
    _refuse(_linked(parts, kind.allows_ole))
    try:
        template = engine.Template(data)
    except engine.TemplateSyntaxError as error:
        raise Refused([{"path": f"{error.part} 第{error.line}行", "message":
                        f"标签无法解析：{error.message}（所在段落：“{error.text}”）"}]) from None
    except engine.InvalidTemplate:
        raise Refused([{"path": "", "message": "Word 无法打开此文件的内容：请在 Word 或 WPS 中另存为 .docx 后上传。"}]) from None
    _refuse(_escapes(template))
    _refuse(_unknown(kind, template))
    try:
        example = kind.example_data()
    except InvalidExample as invalid:
        raise Refused([{"path": "", "message": invalid.message}]) from None
    try:
        preview = kind.render(example, template)[0]
    except engine.EngineError as error:
        raise Refused([{"path": getattr(error, "part", ""), "message": f"用示例数据生成文书失败：{error}"}]) from None
    return Accepted(template, drift(kind.template_path.read_bytes(), data), preview)


def _refuse(problems: list[dict]) -> None:
    """Raise Refused when a stage found problems."""
    if problems:
        raise Refused(problems)


def _macros(parts: dict[str, bytes]) -> list[dict]:
    """Macro projects and macro-enabled content types."""
    problems = [{"path": name, "message": f"文件含有宏（{name}）：请另存为“Word 文档（*.docx）”，不要保存为启用宏的文档。"}
                for name in parts if MACRO.search(posixpath.basename(name))]
    types = etree.fromstring(parts["[Content_Types].xml"])
    for node in types:
        if MACRO.search(node.get("ContentType", "")):
            where = node.get("PartName") or node.get("Extension")
            problems.append({"path": "[Content_Types].xml", "message":
                             f"文件是启用宏的文档（{where}）：请另存为“Word 文档（*.docx）”后上传。"})
    return problems


def _source_part(rels_name: str) -> str:
    """The part a relationships file belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, name = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _paragraph_of(xml: bytes | None, rel_id: str) -> str:
    """The text of the paragraph that uses a relationship, to say where it is."""
    if not xml:
        return ""
    tree = etree.fromstring(xml)
    for element in tree.iter():
        if rel_id in element.attrib.values():
            paragraph = next((a for a in element.iterancestors(f"{WORD}p")), element)
            return "".join(paragraph.itertext()).strip()[:40]
    return ""


def _linked(parts: dict[str, bytes], allow_ole: bool) -> list[dict]:
    """External relationships (remote images, linked files, attached templates), altChunk, OLE objects."""
    problems = []
    for name, xml in parts.items():
        if not name.endswith(".rels"):
            continue
        source = _source_part(name)
        for rel in etree.fromstring(xml).iter(RELATIONSHIPS):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            external = rel.get("TargetMode") == "External" and kind != "hyperlink"
            if not (external or kind == "altChunk" or (kind in OLE and not allow_ole)):
                continue
            place = _paragraph_of(parts.get(source), rel.get("Id", ""))
            where = f"{source}（段落“{place}”）" if place else source
            what = EXTERNAL.get(kind, kind)
            if external:
                message = f"{where} 链接了外部{what}：{rel.get('Target')}。请把内容直接插入文档（不要“链接到文件”）后再上传。"
            elif kind == "altChunk":
                message = f"{where} 嵌入了{what}：请复制粘贴为普通文字后再上传。"
            else:
                message = f"{where} 嵌入了 OLE 对象或控件（{rel.get('Target')}）：本文书的模板不允许，请删除或改为图片。"
            problems.append({"path": source, "message": message})
    return problems


def _escapes(template: engine.Template) -> list[dict]:
    """Expressions reaching for internals (`__class__`, `mro`, `_private`): refused here, not only at render."""
    problems = []
    for part, source, tree in template.sources():
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter)):
            name = _reached(node)
            if name.startswith("_") or name in UNSAFE_ATTRIBUTES:
                problems.append({"path": f"{part} 第{node.lineno}行", "message":
                                 f"表达式访问了内部属性 {name}（所在段落：“{line_text(source, node.lineno)}”），模板中不允许。"})
    return problems


def _reached(node: nodes.Node) -> str:
    """The name an expression node reads: `x.name`, `x['name']`, `name`, `x|attr('name')` ("" for others)."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Name):
        return node.name
    key = node.arg if isinstance(node, nodes.Getitem) else (node.args[0] if node.name == "attr" and node.args else None)
    return key.value if isinstance(key, nodes.Const) and isinstance(key.value, str) else ""


def _unknown(kind: Kind, template: engine.Template) -> list[dict]:
    """Variables the kind's data does not have, each with where it is used and the nearest known name."""
    try:
        unknown = unknown_paths(kind, template)
    except Exception:  # noqa: BLE001 - an expression the recorder cannot evaluate; rendering the example reports it
        return []
    available = available_paths(kind)
    problems = []
    for path in unknown:
        parent, leaf = _split(path)
        if parent in unknown:
            continue  # reported with its parent
        siblings = sorted({_split(known)[1] for known in available if _split(known)[0] == parent})
        guess = difflib.get_close_matches(leaf, siblings, n=1, cutoff=0.5)
        part, place, tag = _where_used(template, leaf)
        suggestion = f"，是否应为 {guess[0]}？" if guess else "。"
        problems.append({"path": f"{part} 第{place}行" if part else path, "message":
                         f"{tag or leaf} 使用了数据中没有的变量“{leaf}”（{path}）{suggestion}"})
    return problems


def _split(path: str) -> tuple[str, str]:
    """A data path's parent and last name: attendees[].name → (attendees[], name)."""
    if path.endswith("[]"):
        return path[:-2], "[]"
    parent, _, leaf = path.rpartition(".")
    return parent, leaf


def _where_used(template: engine.Template, name: str) -> tuple[str, int, str]:
    """The first tag that mentions a name: its part, line and text."""
    pattern = re.compile(r"\{[{%][^{}]*?\b" + re.escape(name) + r"\b[^{}]*?[%}]\}")
    for part, source, _tree in template.sources():
        found = pattern.search(source)
        if found:
            return part, source.count("\n", 0, found.start()) + 1, found.group()
    return "", 0, ""
