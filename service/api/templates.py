"""/api/v1/kinds/{kind}/templates: administrators upload, check, preview, activate and roll back Word templates."""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView
from flask_smorest import abort
from werkzeug.exceptions import RequestEntityTooLarge

from .. import messages, pdf
from ..catalog import InvalidExample
from ..documents import services
from ..renditions import renditions
from ..store.templates import DuplicateVersion
from ..templating import versions
from ..batch.upload import too_large
from ..templating.checks import MAX_BYTES, Refused
from .arguments import Blueprint
from .auth import caller, require
from .documents import DOCX, DOWNLOAD_HEADERS, FILE, ascii_filename, download
from .kinds import kind_or_404
from .problems import documented

log = logging.getLogger(__name__)
blp = Blueprint("templates", __name__, url_prefix="/api/v1/kinds", description="模板管理（管理员）")
REF = "<string(maxlength=16):ref>"
PREVIEW_FORMATS = ("docx", "pdf", "png")
MAX_NOTE = 500


class WarningSchema(ma.Schema):
    """A GB/T 9704 drift warning."""

    path = ma.fields.String()
    message = ma.fields.String()


class VersionSchema(ma.Schema):
    """One uploaded version of a kind's template."""

    version = ma.fields.Integer(attribute="seq", metadata={"description": "版本号（每种文书从 1 起）"})
    filename = ma.fields.String(metadata={"description": "上传时的文件名"})
    sha256 = ma.fields.String(metadata={"description": "文件的 SHA-256（文书记录的 template_version）"})
    size = ma.fields.Integer()
    note = ma.fields.String(metadata={"description": "上传说明"})
    uploaded_by = ma.fields.String()
    uploaded_at = ma.fields.DateTime()
    warnings = ma.fields.List(ma.fields.Nested(WarningSchema), metadata={"description": "GB/T 9704 格式提示"})
    active = ma.fields.Boolean(metadata={"description": "是否正在使用"})


class ListingSchema(ma.Schema):
    """A kind's template versions."""

    kind = ma.fields.String()
    active = ma.fields.Integer(allow_none=True, metadata={"description": "正在使用的版本号；null 为系统默认模板"})
    shipped_sha256 = ma.fields.String(metadata={"description": "系统默认模板的 SHA-256"})
    versions = ma.fields.List(ma.fields.Nested(VersionSchema))


class RollbackSchema(ma.Schema):
    """Where to roll back to."""

    version = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1),
                                metadata={"description": "回退到的版本号；不填则回到上一次使用的版本（或默认模板）"})


def _entry(version, active) -> dict:
    """A version as the API lists it."""
    return {**{key: getattr(version, key) for key in ("seq", "filename", "sha256", "size", "note", "uploaded_by",
                                                       "uploaded_at", "warnings")},
            "active": active is not None and active.id == version.id}


def _listing(kind) -> dict:
    """The kind's versions with the active one marked."""
    found = versions.listing(services(), kind)
    return {"kind": kind.id, "active": found.active.seq if found.active else None,
            "shipped_sha256": found.shipped_sha256, "versions": [_entry(v, found.active) for v in found.versions]}


def _refuse(problems: list[dict]):
    """422 for an upload that failed the checks, each problem with its place."""
    abort(422, message="模板未通过检查，未保存。", errors=problems)


def _unknown(kind, ref: str):
    """404 for a version the kind does not have."""
    abort(404, message=f"{kind.title}没有第 {ref} 版模板（可用：版本号、active 或 shipped）。")


@blp.route("/<kind_id>/templates")
class Templates(MethodView):
    """A kind's template versions."""

    provide_automatic_options = False

    @require("admin")
    @blp.response(200, ListingSchema)
    @documented(blp, 401, 403, 404, 429)
    def get(self, kind_id: str):
        """List the versions: who uploaded each, when, its SHA-256, note, warnings, and which is in use."""
        return _listing(kind_or_404(kind_id))

    @require("admin")
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": "Word 模板（.docx）"},
                       "note": {"type": "string", "description": "说明，如“改了红头”"},
                       "activate": {"type": "boolean", "description": "检查通过后立即启用"}}}}}})
    @blp.response(201, VersionSchema)
    @documented(blp, 400, 401, 403, 404, 409, 422, 429)
    def post(self, kind_id: str):
        """Upload a .docx: checked before anything is stored (422 naming each problem), then kept as the next version."""
        kind = kind_or_404(kind_id)
        try:
            upload = request.files.get("file")
        except RequestEntityTooLarge:  # past the request limit: refused before the body is read
            _refuse([{"path": "", "message": too_large(request.content_length, MAX_BYTES)}])
        if upload is None:
            abort(400, message="缺少上传的文件：表单字段应为 file。")
        note = request.form.get("note", "").strip()
        if len(note) > MAX_NOTE:
            abort(422, message=f"说明最多 {MAX_NOTE} 个字。")
        activate = request.form.get("activate", "").lower() in ("1", "true", "on", "yes")
        try:
            version = versions.upload(services(), kind, upload.read(), filename=(upload.filename or "模板.docx")[:255],
                                      note=note, uploaded_by=caller(), activate=activate)
        except Refused as refused:
            _refuse(refused.problems)
        except DuplicateVersion as duplicate:
            abort(409, message=f"与第 {duplicate.seq} 版内容完全相同，未重复保存。")
        return _entry(version, version if activate else None)


@blp.route(f"/<kind_id>/templates/{REF}/file")
class TemplateFile(MethodView):
    """One version's file."""

    provide_automatic_options = False

    @require("admin")
    @blp.doc(responses={"200": {"description": "模板文件", "content": {DOCX: FILE}, "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 401, 403, 404, 429)
    def get(self, kind_id: str, ref: str):
        """Download a version (a number, `active` to start editing, or `shipped` for the default)."""
        kind = kind_or_404(kind_id)
        try:
            content, name = versions.file_of(services(), kind, ref)
            return download(content, name, ascii_filename(kind.id, "template", ref, extension="docx"))
        except versions.UnknownVersion:
            _unknown(kind, ref)


@blp.route(f"/<kind_id>/templates/{REF}/preview")
class TemplatePreview(MethodView):
    """A version filled with the kind's example."""

    provide_automatic_options = False

    @require("admin")
    @blp.doc(parameters=[{"in": "query", "name": "format", "schema": {"type": "string", "enum": list(PREVIEW_FORMATS)},
                          "description": "docx（默认）、pdf 或 png（一页图片，配合 page）"},
                         {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}}],
             responses={"200": {"description": "示例文书（png 页面图片不带 Content-Disposition）",
                                "content": {DOCX: FILE, "application/pdf": FILE, "image/png": FILE},
                                "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 400, 401, 403, 404, 409, 429, 503)
    def get(self, kind_id: str, ref: str):
        """The kind's example rendered with a version: .docx, or PDF and page images when the converter is available."""
        kind = kind_or_404(kind_id)
        wanted = request.args.get("format", "docx")
        page = request.args.get("page", "1")
        if wanted not in PREVIEW_FORMATS or not page.isdigit() or int(page) < 1:
            abort(400, message="format 只能是 docx、pdf 或 png；page 为从 1 起的页码。")
        try:
            content, name = versions.preview(services(), kind, ref)
        except versions.UnknownVersion:
            _unknown(kind, ref)
        except InvalidExample as invalid:
            abort(409, message=invalid.message)
        if wanted == "docx":
            return download(content, name, ascii_filename(kind.id, "example", ref, extension="docx"))
        converter = renditions()
        if converter is None:
            abort(503, message=f"{messages.PDF_UNAVAILABLE}，只能预览 Word 文档。")
        try:
            converted = converter.converter().convert(content)
        except pdf.PdfError as error:
            log.warning("template preview conversion failed: %s", error.detail)
            abort(503, message=error.message, headers={"Retry-After": str(error.retry_after)})
        if wanted == "pdf":
            return download(converted, name.rsplit(".", 1)[0] + ".pdf",
                            ascii_filename(kind.id, "example", ref, extension="pdf"))
        image = versions.page_image(converted, int(page))
        if image is None:
            abort(404, message=f"示例文书没有第 {page} 页（或未安装 poppler-utils）。")
        return Response(image, mimetype="image/png")


@blp.route(f"/<kind_id>/templates/{REF}/activate")
class TemplateActivate(MethodView):
    """Switch a kind to a version."""

    provide_automatic_options = False

    @require("admin")
    @blp.response(200, ListingSchema)
    @documented(blp, 401, 403, 404, 429)
    def post(self, kind_id: str, ref: str):
        """Use this version (or `shipped`) for every document made from now on, by every worker."""
        kind = kind_or_404(kind_id)
        try:
            versions.activate(services(), kind, ref, caller())
        except versions.UnknownVersion:
            _unknown(kind, ref)
        return _listing(kind)


@blp.route("/<kind_id>/templates/rollback")
class TemplateRollback(MethodView):
    """Go back to an earlier version."""

    provide_automatic_options = False

    @require("admin")
    @blp.arguments(RollbackSchema, required=False)
    @blp.response(200, ListingSchema)
    @documented(blp, 401, 403, 404, 422, 429)
    def post(self, args: dict, kind_id: str):
        """Roll back to the version in use before the current one, or to the version given."""
        kind = kind_or_404(kind_id)
        ref = None if args.get("version") is None else str(args["version"])
        try:
            versions.rollback(services(), kind, ref, caller())
        except versions.UnknownVersion:
            _unknown(kind, ref)
        return _listing(kind)
