"""/api/v1/numbers: administrators adopt a counter mid-year and void numbers (kept, never reused)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from schemas.checks import series_name

from ..documents import services
from ..store import db, numbering
from ..store.errors import CounterConflict, NumberTaken
from .arguments import Blueprint
from .auth import require
from .problems import documented

blp = Blueprint("numbers", __name__, url_prefix="/api/v1/numbers", description="发文字号与证书编号管理")


class NextSerialSchema(ma.Schema):
    """The next serial to allocate."""

    next_serial = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=999999),
                                    metadata={"title": "下一个序号", "description": "如年中启用本服务，填写已用到的最大序号加一"})


class VoidSchema(ma.Schema):
    """Why a number is voided."""

    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200), metadata={"title": "作废原因"})


class VoidedSchema(ma.Schema):
    """A voided number."""

    series = ma.fields.String()
    year = ma.fields.Integer()
    serial = ma.fields.Integer()
    void_reason = ma.fields.String()
    voided_at = ma.fields.DateTime()


YEAR = "<int(min=2000,max=2099):year>"
REPLACEMENT = "\ufffd"


def checked_series(series: str) -> str:
    """The series of the URL, if it could stand in a number; else a 422 naming it. A U+FFFD is where the
    URL held bytes that are not UTF-8 (Werkzeug replaces them): refused, not recorded as ���."""
    try:
        if REPLACEMENT in series:
            raise ma.ValidationError("机关代字含有不是 UTF-8 编码的字节")
        series_name(series)
    except ma.ValidationError as error:
        abort(422, message="机关代字无效。", errors=[{"path": "series", "message": error.messages[0]}])
    return series


@blp.route(f"/<string(maxlength=100):series>/{YEAR}/next")
class Counter(MethodView):
    """A series' counter for one year."""

    provide_automatic_options = False

    @require("admin")
    @blp.arguments(NextSerialSchema)
    @blp.response(204)
    @documented(blp, 401, 403, 409, 422, 429)
    def put(self, args: dict, series: str, year: int):
        """Set the next serial of a series and year (adopting the service mid-year)."""
        series = checked_series(series)
        try:
            with db.writing(services().sessions) as session:
                numbering.set_next_serial(session, series, year, args["next_serial"])
        except CounterConflict:
            abort(409, message="该序号或更大的序号已使用或作废，不能回退。")


@blp.route(f"/<string(maxlength=100):series>/{YEAR}/<int(min=1,max=999999):serial>/void")
class Void(MethodView):
    """One number."""

    provide_automatic_options = False

    @require("admin")
    @blp.arguments(VoidSchema)
    @blp.response(200, VoidedSchema)
    @documented(blp, 401, 403, 409, 422, 429)
    def post(self, args: dict, series: str, year: int, serial: int):
        """Void a number for good: it stays recorded and is never issued again."""
        series = checked_series(series)
        try:
            with db.writing(services().sessions) as session:
                return numbering.void_number(session, series, year, serial, args["reason"])
        except NumberTaken:
            abort(409, message="该编号已作废。")
