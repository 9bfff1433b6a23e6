"""/api/v1/profile: the organisation profile (name, 发文机关标志, 机关代字, branches, signatories, honours), as TOML."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from schemas.profile import ProfileError

from ..documents import services
from .arguments import Blueprint
from .auth import caller, require
from .problems import documented

blp = Blueprint("profile", __name__, url_prefix="/api/v1/profile", description="组织配置（管理员）")
MAX_TOML = 200_000


class ProfileSchema(ma.Schema):
    """The profile text and who stored it."""

    toml = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_TOML),
                            metadata={"description": "组织配置（TOML，格式同 schemas/profile.toml）"})
    updated_by = ma.fields.String(dump_only=True, allow_none=True, metadata={"description": "null：系统默认配置"})
    updated_at = ma.fields.DateTime(dump_only=True, allow_none=True)


def _current() -> dict:
    """The profile in use, as the API shows it."""
    found = services().profiles.stored()
    return {"toml": found.text, "updated_by": found.updated_by, "updated_at": found.updated_at}


@blp.route("")
class Profile(MethodView):
    """The organisation profile."""

    provide_automatic_options = False

    @require("admin")
    @blp.response(200, ProfileSchema)
    @documented(blp, 401, 403, 429)
    def get(self):
        """The profile in use (the stored one, else the system default) as TOML text."""
        return _current()

    @require("admin")
    @blp.arguments(ProfileSchema)
    @blp.response(200, ProfileSchema)
    @documented(blp, 401, 403, 422, 429)
    def put(self, args: dict):
        """Store a new profile: checked first (422 naming the problem); every worker uses it from its next request."""
        try:
            services().profiles.save(args["toml"], caller())
        except ProfileError as error:
            abort(422, message=str(error), errors=[{"path": "toml", "message": str(error)}])
        return _current()
