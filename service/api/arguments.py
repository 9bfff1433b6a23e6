"""How the API reads JSON bodies: malformed is a 400 problem, a lone surrogate a 422 naming where it is."""

from __future__ import annotations

import flask_smorest
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

from schemas.validation import capped, surrogate_errors


def encodable(body: object) -> object:
    """The JSON body as given; a 422 naming each key or text with a lone surrogate (JSON can spell one,
    \\ud800, but nothing can store it)."""
    errors = surrogate_errors(body)
    if errors:
        abort(422, message="提交的数据含有无效的 Unicode 字符，请按提示修改。", errors=capped(errors))
    return body


class ArgumentsParser(FlaskParser):
    """webargs' parser (flask-smorest's arguments) holding bodies to the same rules as the documents' own
    (malformed JSON reaches problems.from_http_exception as webargs raises it: a 400 in Chinese)."""

    def _raw_load_json(self, req):
        """The JSON body; a lone surrogate is a 422 naming where it is."""
        return encodable(super()._raw_load_json(req))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint reading arguments with ArgumentsParser (its ARGUMENTS_PARSER hook), for
    every blueprint of the API."""

    ARGUMENTS_PARSER = ArgumentsParser()
