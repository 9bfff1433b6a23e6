"""/api/v1/documents: make a document of any kind, list the records, download them again."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from urllib.parse import quote

import marshmallow as ma
from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from schemas.checks import Range

from .. import messages, pdf
from ..catalog import Catalog, Kind
from ..renditions import Renditions, renditions
from ..documents import Invalid, services
from ..store import packs, records
from ..store.errors import IdempotencyConflict, NumberTaken
from .arguments import Blueprint, encodable
from .problems import documented
from .auth import caller, require
from .kinds import kind_or_404

log = logging.getLogger(__name__)
blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="生成与查询文书")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
MEDIA_TYPES = {"docx": DOCX, "pdf": PDF, "xlsx": XLSX, "zip": ZIP}
FILE = {"schema": {"type": "string", "format": "binary"}}
FORMAT_PARAMETER = {
    "in": "query",
    "name": "format",
    "required": False,
    "schema": {"type": "string", "enum": ["docx", "pdf"], "default": "docx"},
    "description": "docx（默认）或 pdf；也可用 Accept: application/pdf",
}
ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
PREVIEW_PARAMETER = {
    "in": "query",
    "name": "preview",
    "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": "true：只校验并生成预览（文件名以“预览-”开头，缺省的编号印作 ×号），不编号、不记录，返回 200",
}
MAX_IDEMPOTENCY_KEY = 200
INTEGER = {"invalid": "应为整数"}
DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}


class DocumentSchema(ma.Schema):
    """A document record."""

    id = ma.fields.String()
    kind = ma.fields.String()
    template_version = ma.fields.String(metadata={"description": "模板文件的 SHA-256"})
    format = ma.fields.String()
    number = ma.fields.String(allow_none=True, metadata={"description": "发文字号或证书编号"})
    filename = ma.fields.String()
    sha256 = ma.fields.String(metadata={"description": "生成文件的 SHA-256"})
    size = ma.fields.Integer()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    warnings = ma.fields.List(ma.fields.Dict())
    data = ma.fields.Dict(metadata={"description": "校验后的输入数据"})


class PageSchema(ma.Schema):
    """One page of records."""

    items = ma.fields.List(ma.fields.Nested(DocumentSchema))
    total = ma.fields.Integer()
    limit = ma.fields.Integer()
    offset = ma.fields.Integer()


class ListArgs(ma.Schema):
    """Filters and paging of the listing."""

    class Meta:
        """Unknown query parameters are an error, not silently ignored."""

        unknown = ma.RAISE

    error_messages = {"unknown": "不支持的查询参数"}

    @ma.pre_load
    def _named(self, data, **kwargs):
        """A query parameter without a name is refused too."""
        if "" in request.args:
            raise ma.ValidationError("不支持的查询参数", "")
        return data

    kind = ma.fields.String(load_default=None, metadata={"description": "只列出这种文书"})
    date_from = ma.fields.Date(data_key="from", load_default=None, error_messages=DATE, metadata={"description": "生成日期起（含），如 2026-03-01"})
    date_to = ma.fields.Date(data_key="to", load_default=None, error_messages=DATE, metadata={"description": "生成日期止（含），如 2026-03-31"})
    limit = ma.fields.Integer(load_default=50, validate=Range(min=1, max=records.MAX_PAGE), error_messages=INTEGER)
    offset = ma.fields.Integer(load_default=0, validate=Range(min=0, max=10**9), error_messages=INTEGER)


def header(description: str, schema: dict | None = None) -> dict:
    """A documented response header (a string unless `schema` says otherwise)."""
    return {"description": description, "schema": schema or {"type": "string"}}


FILE_HEADERS = {
    "Content-Disposition": header(
        "attachment; filename=\"<ASCII 文件名：种类-日期-序号，如 certificate-2026-03-05-no1.docx>\"; "
        "filename*=UTF-8''<URL 编码的中文文件名>（curl -OJ 等不读 filename* 的客户端用前者）"
    ),
}
DOWNLOAD_HEADERS = {
    "Content-Disposition": header(
        "attachment; filename=\"<ASCII 文件名>\"; filename*=UTF-8''<URL 编码的中文文件名>（curl -OJ 等不读 filename* 的客户端用前者）"
    ),
}
MADE_HEADERS = {
    **FILE_HEADERS,
    "Location": header("这份文书记录的地址（GET 得到记录，其后加 /file 重新下载）"),
    "X-Docgen-Document-Id": header("记录的 id"),
    "X-Docgen-Number": header("分配或登记的发文字号、证书编号（URL 编码的 UTF-8）；不编号的种类没有此头"),
    "X-Docgen-Warnings": header("提示的条数（如未达到应到人数的半数）；内容见记录的 warnings", {"type": "integer"}),
    "X-RateLimit-Limit": header("每分钟允许的请求数", {"type": "integer"}),
    "X-RateLimit-Remaining": header("本分钟内还可发出的请求数", {"type": "integer"}),
    "X-RateLimit-Reset": header("计数重置的时刻（Unix 秒）", {"type": "integer"}),
}


def download(content: bytes, filename: str, ascii_name: str, status: int = 200, headers: dict | None = None) -> Response:
    """A file response, typed by the name's extension: the Chinese name in RFC 6266 filename*, and a
    plain ASCII one in filename for clients that ignore filename* (curl -OJ, older tools).

    Written here rather than with send_file(download_name=…): send_file derives the ASCII name by
    dropping every non-ASCII character (荣誉证书-王喆（2026年2月）.docx gives "-(20262).docx"), and
    takes no ASCII name of our choosing, such as kind-date-serial (certificate-2026-03-05-no1.docx).
    """
    response = Response(content, status=status, mimetype=MEDIA_TYPES[filename.rsplit(".", 1)[-1]])
    response.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response.headers.update(headers or {})
    return response


def ascii_filename(*parts: str, extension: str) -> str:
    """A file name of ASCII letters, digits, dots and hyphens: the parts joined by hyphens."""
    return "-".join(filter(None, (ASCII_UNSAFE.sub("", part) for part in parts))) + f".{extension}"


def record_filename(kind: Kind, data: dict, number: str | None, extension: str) -> str:
    """A document's ASCII file name: kind, date and serial, e.g. certificate-2026-03-05-no1.docx."""
    serial = f"no{kind.numbering.parse(number)[2]}" if number else ""
    return ascii_filename(kind.id, kind.date(data), serial, extension=extension)


def json_body() -> object:
    """The request's JSON body; 415 for other content types, 400 for malformed JSON, 422 naming each
    key or text with a lone surrogate (JSON can spell one, \\ud800, but nothing can store it)."""
    if not request.is_json:
        abort(415, message="请求体必须是 JSON（Content-Type: application/json）。")
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):
        abort(400, message="请求体不是有效的 JSON（或嵌套过深）。")
    return encodable(body)


def _idempotency_key() -> str | None:
    """The Idempotency-Key header, bounded in length."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        abort(400, message=f"Idempotency-Key 长度应为 1–{MAX_IDEMPOTENCY_KEY} 个字符。")
    return key


def wanted_format() -> str:
    """docx or pdf, from ?format= or the Accept header; 400 for anything else."""
    wanted = request.args.get("format", "pdf" if request.accept_mimetypes.best == PDF else "docx")
    if wanted not in ("docx", "pdf"):
        abort(400, message="format 只能是 docx 或 pdf。")
    return wanted


def deliver(record, docx: bytes, wanted: str, status: int = 200, headers: dict | None = None) -> Response:
    """Answer with the .docx, or its PDF rendition (503 with Retry-After when PDF cannot be made now)."""
    kind = services().catalog.get(record.kind)
    if wanted == "docx":
        return download(docx, record.filename, record_filename(kind, record.data, record.number, "docx"), status, headers)
    content = converted(lambda converter: converter.pdf_of(services().storage, record, docx), headers)
    return download(content, record.filename.rsplit(".", 1)[0] + ".pdf",
                    record_filename(kind, record.data, record.number, "pdf"), status, headers)


def converted(convert: Callable[[Renditions], bytes], headers: dict | None) -> bytes:
    """A PDF made by `convert` with the app's renditions; 503 (with Retry-After when it may work later) otherwise."""
    converter = renditions()
    if converter is None:
        abort(503, message=f"{messages.PDF_UNAVAILABLE}；Word 文档已生成，可照常下载。", headers=headers or {})
    try:
        return convert(converter)
    except pdf.PdfError as error:
        log.warning("PDF conversion failed: %s", error.detail)
        abort(503, message=error.message, headers={**(headers or {}), "Retry-After": str(error.retry_after)})


def create(kind_id: str):
    """Validate the JSON body, number and render the document, record it and return the .docx or PDF;
    with ?preview=true only validate and render."""
    kind = kind_or_404(kind_id)
    wanted = wanted_format()
    payload = json_body()
    if _preview_wanted():
        return _preview(kind, payload, wanted)
    try:
        made = services().produce(kind, payload, caller(), _idempotency_key())
    except Invalid as invalid:
        abort(422, message=messages.INVALID, errors=invalid.errors)
    except NumberTaken as taken:
        abort(409, message=messages.number_taken(taken))
    except IdempotencyConflict:
        abort(409, message=messages.IDEMPOTENCY_CONFLICT)
    record = made.record
    headers = {
        "Location": url_for("documents.DocumentRecord", document_id=record.id),
        "X-Docgen-Warnings": str(len(record.warnings)),
        "X-Docgen-Document-Id": record.id,
    }
    if record.number:
        headers["X-Docgen-Number"] = quote(record.number)
    return deliver(record, made.content, wanted, 200 if made.replayed else 201, headers)


def _preview_wanted() -> bool:
    """?preview=true (or false, the default); 400 for anything else."""
    wanted = request.args.get("preview", "false")
    if wanted not in ("true", "false"):
        abort(400, message="preview 只能是 true 或 false。")
    return wanted == "true"


def _preview(kind: Kind, payload: object, wanted: str) -> Response:
    """The document as it would be made, neither numbered nor recorded: 200 with X-Docgen-Preview."""
    try:
        preview = services().preview(kind, payload)
    except Invalid as invalid:
        abort(422, message=messages.INVALID, errors=invalid.errors)
    warnings = preview.record.warnings
    headers = {
        "X-Docgen-Preview": "true",
        "X-Docgen-Warnings": str(len(warnings)),
        "X-Docgen-Warning-Messages": quote(json.dumps(warnings, ensure_ascii=False)),
    }
    content, filename = preview.content, preview.record.filename
    if wanted == "pdf":
        content = converted(lambda converter: converter.converter().convert(preview.content), headers)
        filename = filename.rsplit(".", 1)[0] + ".pdf"
    return download(content, filename, ascii_filename("preview", kind.id, extension=wanted), 200, headers)
# What a client (or a stateful test) can do next with a document just made: its record and its file.
RECORD_LINKS = {
    name: {"operationId": operation, "parameters": {"document_id": "$response.header.X-Docgen-Document-Id"}}
    for name, operation in (("record", "get-document"), ("file", "get-document-file"))
}


def kind_routes(catalog: Catalog) -> Blueprint:
    """One documented POST route per kind of the app's catalogue, its request body the kind's schema (a blueprint
    made per app: the module's own is shared by every app)."""
    routes = Blueprint("create-document", __name__, url_prefix="/api/v1/documents",
                       description="生成文书：每种文书一个接口，请求体为该种文书的数据")
    for kind in catalog:
        view = require("render")(lambda kind_id=kind.id: create(kind_id))
        view.provide_automatic_options = False
        view.__doc__ = f"生成一份{kind.title}（.docx 或 PDF）。\n\n{kind.summary}"
        view = routes.doc(
            operationId=f"create-{kind.id}",
            parameters=[FORMAT_PARAMETER, PREVIEW_PARAMETER],
            requestBody={"required": True, "content": {"application/json": {"schema": kind.module.Schema}}},
            responses={
                "201": {"description": "已生成并记录", "content": {DOCX: FILE, PDF: FILE}, "headers": MADE_HEADERS,
                        "links": RECORD_LINKS},
                "200": {
                    "description": "同一 Idempotency-Key 的重复请求：返回原文书（头同 201）；或 preview=true 的预览"
                                   "（带 X-Docgen-Preview，不编号、不记录，没有 Location 等记录的头）",
                    "content": {DOCX: FILE, PDF: FILE},
                    "headers": {
                        **MADE_HEADERS,
                        "X-Docgen-Preview": header("预览时为 true：这份文件未编号、未记录"),
                        "X-Docgen-Warning-Messages": header(
                            "预览时的提示（没有记录可查）：URL 编码的 JSON 数组，每项为 {\"path\": …, \"message\": …}"),
                    },
                },
            },
        )(view)
        view = documented(routes, 400, 401, 403, 409, 413, 415, 422, 429, 503)(view)
        routes.add_url_rule(f"/{kind.id}", endpoint=f"create-{kind.id}", view_func=view, methods=["POST"])
    return routes


@require("render")
def create_unknown(kind_id: str):
    """Any other kind id: 404 with a Chinese problem (to callers who may render: the others learn nothing)."""
    kind_or_404(kind_id)


create_unknown.provide_automatic_options = False
blp.route("/<kind_id>", methods=["POST"])(
    blp.doc(operationId="create-unknown-kind", summary="未知种类（返回 404）")(documented(blp, 401, 403, 404)(create_unknown))
)


@blp.route("")
class Documents(MethodView):
    """The records."""

    provide_automatic_options = False

    @require("read")
    @documented(blp, 401, 403, 429)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, PageSchema)
    def get(self, args: dict):
        """List generated documents, newest first, filtered by kind and date."""
        with services().sessions() as session:
            page = records.list_documents(
                session,
                kind=args["kind"],
                created_from=_day_start(args["date_from"]),
                created_to=_day_start(args["date_to"], 1),
                limit=args["limit"],
                offset=args["offset"],
            )
        return {"items": page.items, "total": page.total, "limit": page.limit, "offset": page.offset}


def _day_start(day: dt.date | None, plus_days: int = 0) -> dt.datetime | None:
    """UTC midnight of a day, optionally some days later."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc) + dt.timedelta(days=plus_days)


def record_or_404(document_id: str):
    """The record with this id, or a 404 problem."""
    with services().sessions() as session:
        record = records.get_document(session, document_id)
    if record is None:
        abort(404, message="没有这份文书的记录。")
    return record


@blp.route("/<document_id>")
class DocumentRecord(MethodView):
    """One record."""

    provide_automatic_options = False

    @require("read")
    @blp.doc(operationId="get-document")
    @blp.response(200, DocumentSchema)
    @documented(blp, 401, 403, 404, 429)
    def get(self, document_id: str):
        """A document's record: kind, template version, data, sha256, number, who, when."""
        return record_or_404(document_id)


@blp.route("/<document_id>/file")
class DocumentFile(MethodView):
    """One record's file."""

    provide_automatic_options = False

    @require("read")
    @blp.doc(operationId="get-document-file", parameters=[FORMAT_PARAMETER],
             responses={"200": {"description": "文书文件", "content": {DOCX: FILE, PDF: FILE}, "headers": FILE_HEADERS}})
    @documented(blp, 400, 401, 403, 404, 429, 503)
    def get(self, document_id: str):
        """Download a generated document again, as .docx or PDF."""
        wanted = wanted_format()
        record = record_or_404(document_id)
        return deliver(record, packs.read(services().storage, record), wanted)
