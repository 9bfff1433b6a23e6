"""/api/v1/kinds: the document kinds, their JSON Schemas and example data."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from service.engine.text import shown

from ..catalog import UnknownKind
from ..documents import services
from .arguments import Blueprint
from .problems import documented
from .auth import require

blp = Blueprint("kinds", __name__, url_prefix="/api/v1/kinds", description="文书种类")


class KindSchema(ma.Schema):
    """A kind in the list."""

    id = ma.fields.String(metadata={"description": "种类标识，如 meeting-minutes"})
    title = ma.fields.String(metadata={"description": "中文名称"})
    summary = ma.fields.String(metadata={"description": "一句话说明"})
    numbered = ma.fields.Boolean(metadata={"description": "是否带发文字号或证书编号"})


class KindDetailSchema(KindSchema):
    """A kind with its input schema and example."""

    schema = ma.fields.Dict(metadata={"description": "输入数据的 JSON Schema（draft 2020-12）"})
    example = ma.fields.Dict(metadata={"description": "一份有效的示例数据"})


def kind_or_404(kind_id: str):
    """The kind with this id, or a 404 problem."""
    try:
        return services().catalog.get(kind_id)
    except UnknownKind:
        abort(404, message=f"没有“{shown(kind_id)}”这种文书。")


def describe(kind) -> dict:
    """The list entry of a kind."""
    return {"id": kind.id, "title": kind.title, "summary": kind.summary, "numbered": kind.numbering is not None}


@blp.route("")
class Kinds(MethodView):
    """The kinds."""

    provide_automatic_options = False

    @require("read")
    @documented(blp, 401, 403, 429)
    @blp.response(200, KindSchema(many=True))
    def get(self):
        """List the document kinds."""
        return [describe(kind) for kind in services().catalog]


@blp.route("/<kind_id>")
class KindDetail(MethodView):
    """One kind."""

    provide_automatic_options = False

    @require("read")
    @blp.response(200, KindDetailSchema)
    @documented(blp, 401, 403, 404, 429)
    def get(self, kind_id: str):
        """A kind's JSON Schema (with Chinese titles) and its example data."""
        kind = kind_or_404(kind_id)
        return {**describe(kind), "schema": kind.json_schema(), "example": kind.example()}
