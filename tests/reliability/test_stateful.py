"""Stateful schemathesis over the whole OpenAPI document: create → fetch the record → download the file
(and batch → progress → zip → report), following the links the spec publishes, every check on."""

from __future__ import annotations

import tempfile
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, settings

from service import create_app
from service.store.db import writing
from service.store.keys import SCOPES, create_key
from tests.api.test_schemathesis import EXCLUDED

app = create_app({"TESTING": True, "INSTANCE_PATH": tempfile.mkdtemp(prefix="docgen-stateful-"), "QUEUE_URL": "immediate:",
                  "RATELIMIT_ENABLED": False})
with writing(app.extensions["docgen"].sessions) as session:
    TOKEN = create_key(session, "schemathesis", SCOPES)[1]
schema = schemathesis.openapi.from_wsgi("/openapi.json", app)


# (method, path template, status) of every call the scenarios made.
CALLS: Counter = Counter()


class Links(schema.as_state_machine()):
    """Scenarios along the published links, called with an admin key."""

    def after_call(self, response, case):
        """Count the call."""
        CALLS[(case.method.upper(), case.operation.path, response.status_code)] += 1

    def get_call_kwargs(self, case):
        """Every call carries the key."""
        return {"headers": {"Authorization": f"Bearer {TOKEN}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        """Every check but those tests/api/test_schemathesis.py leaves out, each with its reason there."""
        case.validate_response(response, headers=kwargs.get("headers"), additional_checks=additional_checks,
                               excluded_checks=EXCLUDED, transport_kwargs=kwargs)


def test_scenarios_along_the_links_never_fail_a_check():
    """Scenarios of up to 6 steps: documents made are fetched through their links, record and file.

    Batch links are published and followed when a generated batch is accepted, which is rare: most
    generated envelopes name a webhook whose host is not allowed (a server setting), so 422.
    """
    Links.run(settings=settings(max_examples=60, stateful_step_count=6, deadline=None, derandomize=True,
                                suppress_health_check=list(HealthCheck)))
    for path in ("/api/v1/documents/{document_id}", "/api/v1/documents/{document_id}/file"):
        assert CALLS[("GET", path, 200)] > 0, (path, CALLS)
    print(f"stateful scenarios: {sum(CALLS.values())} calls, "
          f"{sum(n for (_, _, status), n in CALLS.items() if status >= 500)} answered 5xx")
