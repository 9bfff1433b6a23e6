"""Property-based API testing from /openapi.json: no 5xx, every response matches the spec."""

from __future__ import annotations

import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
)

from service import create_app
from service.store.db import writing
from service.store.keys import SCOPES, create_key

app = create_app({"TESTING": True, "INSTANCE_PATH": tempfile.mkdtemp(prefix="docgen-schemathesis-"), "RATELIMIT_ENABLED": False})
with writing(app.extensions["docgen"].sessions) as session:
    TOKEN = create_key(session, "schemathesis", SCOPES)[1]
schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
# Left out, with reasons:
# - allow_header_conformance: POST /documents/{kind} and GET /documents/{id} share one URL shape
#   by design (issue #5), so a 405's Allow header rightly lists the methods of both.
# - positive_data_acceptance: cross-field rules (end after start, a number's series and year
#   matching the document, absentees needing a reason) and server settings (a batch webhook's host
#   must be on DOCGEN_WEBHOOK_HOSTS) cannot be said in JSON Schema, so some schema-valid bodies are
#   rightly refused with 422.
# - negative_data_rejection: batch bodies hold free-form items (each row is validated on its own and
#   reported, never refused as a whole), and mutations it cannot name ("Invalid component:" left
#   empty) are flagged; the bar is no 5xx and every response matching the spec, kept here.
EXCLUDED = [allow_header_conformance, positive_data_acceptance, negative_data_rejection]


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    """Generated requests never cause a server error and every answer fits the documented schema."""
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=EXCLUDED)
