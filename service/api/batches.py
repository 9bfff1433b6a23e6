"""/api/v1/batches: many documents of a kind from a workbook or a JSON array; progress, zip, report.

POST /api/v1/batches/{kind} takes either a filled workbook (multipart/form-data, field `file`)
or JSON: an array of documents, or an envelope {"documents": [...], "webhook": "https://…"}.
A completion webhook may also be given as ?webhook=…; its host must be on DOCGEN_WEBHOOK_HOSTS,
and it receives the batch summary (as GET /api/v1/batches/{id} gives it) by POST when done.
GET /api/v1/kinds/{kind}/sheet gives the blank workbook to fill.
"""

from __future__ import annotations

import json

import marshmallow as ma
from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from .. import messages, pdf
from ..batch import archive, jobs, queue, webhook
from ..batch.paths import report_key
from ..batch.upload import UnsafeUpload, check_xlsx
from ..batch.writer import blank_sheet
from ..catalog import Catalog
from ..documents import services
from ..store import batches as store
from ..store.batches import Work
from ..store.db import writing
from .arguments import Blueprint
from .auth import caller, require
from ..renditions import of_batch, renditions
from .documents import DOWNLOAD_HEADERS, FILE, PDF, XLSX, ZIP, ascii_filename, download, header, json_body
from .kinds import kind_or_404
from .problems import documented, unavailable

NOT_QUEUED = {"message": "任务队列暂时不可用，这批文书没有开始生成；请稍后重新提交"}
blp = Blueprint("batches", __name__, url_prefix="/api/v1", description="批量生成：Excel 表格或 JSON 数组")


class BatchSchema(ma.Schema):
    """A batch's progress."""

    id = ma.fields.String()
    kind = ma.fields.String()
    state = ma.fields.String(metadata={"description": "preparing 正在读取、running 正在生成、finishing 正在汇总、done 已完成、failed 失败（上传的文件无法读取）"})
    state_text = ma.fields.String(metadata={"description": "状态的中文说明"})
    formats = ma.fields.List(ma.fields.String(), metadata={"description": "每行生成的格式"})
    total = ma.fields.Integer(metadata={"description": "文书总数（读取完成后才有）"})
    done = ma.fields.Integer(metadata={"description": "已生成的文书数"})
    failed = ma.fields.Integer(metadata={"description": "有错误、未生成的行数"})
    percentage = ma.fields.Integer(metadata={"description": "进度百分比"})
    warnings = ma.fields.Integer(metadata={"description": "已生成文书的提示条数"})
    problems = ma.fields.List(ma.fields.Dict(), metadata={"description": "不属于任何文书的行，或无法读取文件的原因"})
    webhook_state = ma.fields.String(allow_none=True, metadata={"description": "回调：pending、delivered 或 failed"})
    created_at = ma.fields.String()
    finished_at = ma.fields.String(allow_none=True)
    links = ma.fields.Dict(metadata={"description": "self、archive（文书压缩包）、report（错误报告）"})


def described(batch) -> dict:
    """A batch's summary with its links."""
    found = jobs.summary(batch)
    found["links"] = {name: url_for(f"batches.{endpoint}", batch_id=batch.id)
                      for name, endpoint in (("self", "BatchProgress"), ("archive", "BatchArchive"), ("report", "BatchReport"))}
    return found


def create(kind_id: str):
    """Store the upload, record the batch and queue it; 202 with its progress and Location."""
    kind = kind_or_404(kind_id)
    source, content, webhook_url = _upload()
    batch = jobs.create(queue.batching(current_app), kind, source, content, caller(), webhook_url)
    try:
        queue.queue(current_app).enqueue(Work("prepare", batch.id))
    except Exception as error:
        if unavailable(error) is None:
            raise
        # Ended now, so that sending the request again (as the 503 asks) cannot make the rows twice.
        with writing(services().sessions) as session:
            store.end_batch(session, batch.id, "failed", [NOT_QUEUED])
        raise
    with services().sessions() as session:
        body = described(store.get_batch(session, batch.id))
    return body, 202, {"Location": body["links"]["self"]}


def _upload() -> tuple[str, bytes, str | None]:
    """The workbook or the JSON documents, and the webhook; problems end the request."""
    if request.mimetype == "multipart/form-data":
        return "xlsx", _workbook(), _webhook(request.args.get("webhook"))
    if request.is_json:
        documents, envelope_webhook = _documents()
        if envelope_webhook is not None and "webhook" in request.args:
            abort(400, message="回调地址只能在查询参数或 JSON 中给出一处。")
        content = json.dumps(documents, ensure_ascii=False).encode()
        return "json", content, _webhook(envelope_webhook or request.args.get("webhook"))
    abort(415, message="请以 multipart/form-data 上传 .xlsx（字段 file），或发送 JSON 文书数组（application/json）。")


def _workbook() -> bytes:
    """The uploaded .xlsx, checked before anything opens it."""
    upload = request.files.get("file")
    if upload is None:
        abort(400, message="缺少上传的文件：表单字段应为 file。")
    content = upload.read()
    try:
        check_xlsx(content)
    except UnsafeUpload as unsafe:
        abort(413 if unsafe.too_large else 422, message=unsafe.message)
    return content


def _documents() -> tuple[list, str | None]:
    """The JSON array of documents, bare or in an envelope, and the envelope's webhook."""
    body = json_body()
    webhook_url = None
    if isinstance(body, dict) and set(body) <= {"documents", "webhook"}:
        body, webhook_url = body.get("documents"), body.get("webhook")
    limit = queue.batching(current_app).settings.max_documents
    if not isinstance(body, list) or not 1 <= len(body) <= limit:
        abort(422, message=f"请求体应为文书数组（1–{limit} 份），或 {{\"documents\": [...], \"webhook\": \"…\"}}。")
    if webhook_url is not None and not isinstance(webhook_url, str):
        abort(422, message="webhook 应为网址字符串。")
    return body, webhook_url


def _webhook(url: str | None) -> str | None:
    """The webhook URL if allowed; 422 naming the reason if not."""
    if url is None:
        return None
    reason = webhook.problem(url, queue.batching(current_app).settings.webhook_hosts)
    if reason:
        abort(422, message=reason)
    return url


# What a client (or a stateful test) can do next with a batch just accepted: its progress, zip and report.
BATCH_LINKS = {
    name: {"operationId": operation, "parameters": {"batch_id": "$response.body#/id"}}
    for name, operation in (("progress", "get-batch"), ("archive", "get-batch-archive"), ("report", "get-batch-report"))
}


def kind_routes(catalog: Catalog) -> Blueprint:
    """One documented POST route per kind of the app's catalogue: a workbook, or a JSON array of the kind's
    documents (a blueprint made per app: the module's own is shared by every app)."""
    routes = Blueprint("create-batch", __name__, url_prefix="/api/v1",
                       description="批量生成：每种文书一个接口，上传 Excel 表格或发送 JSON 数组")
    webhook_param = {"in": "query", "name": "webhook", "required": False, "schema": {"type": "string", "format": "uri"},
                     "description": "完成后回调的网址（主机须在 DOCGEN_WEBHOOK_HOSTS 中），POST 批量任务的进度摘要"}
    for kind in catalog:
        view = require("render")(lambda kind_id=kind.id: create(kind_id))
        view.__doc__ = f"批量生成{kind.title}：上传填好的表格，或发送 JSON 文书数组。\n\n返回 202 和任务地址（Location），之后查询进度、下载压缩包和错误报告。"
        documents = {"type": "array", "minItems": 1, "items": {
            "description": f"一份{kind.title}的数据（结构见 create-{kind.id}）；每份单独校验，有误的只记入错误报告，不影响其他"}}
        body = {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                               "properties": {"file": {"type": "string", "format": "binary"}}}},
            "application/json": {"schema": {"oneOf": [documents, {
                "type": "object", "required": ["documents"], "additionalProperties": False,
                "properties": {"documents": documents, "webhook": {"type": "string", "format": "uri"}}}]}},
        }}
        view = routes.doc(operationId=f"create-{kind.id}-batch", requestBody=body, parameters=[webhook_param])(view)
        view = routes.response(202, BatchSchema, description="已接受，正在处理")(view)
        view = routes.doc(responses={"202": {"description": "已接受，正在处理", "links": BATCH_LINKS,
                                          "headers": {"Location": header("这个批量任务的地址（GET 得到进度）")},
                                          "content": {"application/json": {"schema": BatchSchema}}}})(view)
        view = documented(routes, 400, 401, 403, 413, 415, 422, 429, 503)(view)
        routes.add_url_rule(f"/batches/{kind.id}", endpoint=f"create-{kind.id}-batch", view_func=view, methods=["POST"])
    return routes


@blp.route("/batches/<kind_id>", methods=["POST"])
@blp.doc(operationId="create-unknown-kind-batch", summary="未知种类（返回 404）")
@documented(blp, 401, 403, 404)
@require("render")
def create_unknown(kind_id: str):
    """Any other kind id: 404 with a Chinese problem (to callers who may render: the others learn nothing)."""
    kind_or_404(kind_id)


def batch_or_404(batch_id: str):
    """The batch with this id, or a 404 problem."""
    with services().sessions() as session:
        batch = store.get_batch(session, batch_id)
    if batch is None:
        abort(404, message="没有这个批量任务。")
    return batch


def finished_or_409(batch_id: str):
    """The batch, if done; 409 while it runs or when it failed."""
    batch = batch_or_404(batch_id)
    if batch.state != "done":
        abort(409, message="批量任务尚未完成（或已失败），请稍后查询进度。")
    return batch


@blp.route("/batches/<batch_id>")
class BatchProgress(MethodView):
    """One batch."""

    @require("read")
    @blp.doc(operationId="get-batch")
    @blp.response(200, BatchSchema)
    @documented(blp, 401, 403, 404, 429)
    def get(self, batch_id: str):
        """A batch's progress: state, total, done, failed, percentage, warnings."""
        return described(batch_or_404(batch_id))


@blp.route("/batches/<batch_id>/archive")
class BatchArchive(MethodView):
    """A finished batch's documents."""

    @require("read")
    @blp.doc(operationId="get-batch-archive")
    @blp.doc(responses={"200": {"description": "文书压缩包（按行顺序，文件名按各种文书的命名规则）", "content": {ZIP: FILE}, "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 401, 403, 404, 409, 429)
    def get(self, batch_id: str):
        """Download the zip of a finished batch's documents."""
        batch = finished_or_409(batch_id)
        title = services().catalog.get(batch.kind).title
        return download(archive.of_batch(services(), batch.id), f"{title}-{batch.id[:8]}.zip",
                        ascii_filename(batch.kind, batch.id[:8], extension="zip"))


@blp.route("/batches/<batch_id>/pdf")
class BatchPdf(MethodView):
    """A finished batch's documents as one PDF."""

    @require("read")
    @blp.doc(responses={"200": {"description": "全部文书合并为一个 PDF（按行顺序，可一次打印）", "content": {PDF: FILE}, "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 401, 403, 404, 409, 429, 503)
    def get(self, batch_id: str):
        """Download a finished batch's documents merged into one PDF, in row order, for one print job."""
        batch = finished_or_409(batch_id)
        converter = renditions()
        if converter is None:
            abort(503, message=f"{messages.PDF_UNAVAILABLE}；文书压缩包可照常下载。")
        try:
            content = of_batch(converter, services(), batch.id)
        except LookupError:
            abort(409, message="该批量任务没有生成任何文书。")
        except pdf.PdfError as error:
            abort(503, message=error.message, headers={"Retry-After": str(error.retry_after)})
        title = services().catalog.get(batch.kind).title
        return download(content, f"{title}-{batch.id[:8]}.pdf", ascii_filename(batch.kind, batch.id[:8], extension="pdf"))


@blp.route("/batches/<batch_id>/report")
class BatchReport(MethodView):
    """A finished batch's error report."""

    @require("read")
    @blp.doc(operationId="get-batch-report")
    @blp.doc(responses={"200": {"description": "错误报告（未生成的行，错误单元格标红并附批注；另列提示）", "content": {XLSX: FILE}, "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 401, 403, 404, 409, 429)
    def get(self, batch_id: str):
        """Download a finished batch's error report (.xlsx): fix it and upload it again as it is."""
        batch = finished_or_409(batch_id)
        title = services().catalog.get(batch.kind).title
        return download(services().storage.get(report_key(batch.id)), f"{title}-错误报告-{batch.id[:8]}.xlsx",
                        ascii_filename(batch.kind, "errors", batch.id[:8], extension="xlsx"))


@blp.route("/kinds/<kind_id>/sheet")
class KindSheet(MethodView):
    """A kind's blank workbook."""

    @require("read")
    @blp.doc(responses={"200": {"description": "空白表格：中文列名、填写说明、下拉选项和一行示例", "content": {XLSX: FILE}, "headers": DOWNLOAD_HEADERS}})
    @documented(blp, 401, 403, 404, 429)
    def get(self, kind_id: str):
        """Download the blank workbook of a kind, with help, drop-down lists and one example row."""
        kind = kind_or_404(kind_id)
        return download(blank_sheet(kind), f"{kind.title}-批量表格.xlsx", ascii_filename(kind.id, "sheet", extension="xlsx"))
