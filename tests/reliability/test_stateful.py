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
    """Scenarios of up to 6 steps along the links: every response passes every check (none is a 5xx).

    Which scenarios are generated, and how often a link is taken after a document is made, depends
    on chance and on what schemathesis learnt earlier in the session; test_the_links_lead_to_the_record_and_file
    checks the links themselves. Batch links are rarely reached: most generated envelopes name a
    webhook whose host is not allowed (a server setting), so 422.
    """
    Links.run(settings=settings(max_examples=60, stateful_step_count=6, deadline=None, derandomize=True,
                                suppress_health_check=list(HealthCheck)))
    made = sum(n for (method, _, status), n in CALLS.items() if method == "POST" and status == 201)
    followed = sum(n for (method, path, status), n in CALLS.items() if method == "GET" and "{document_id}" in path)
    print(f"stateful scenarios: {sum(CALLS.values())} calls, {made} documents made, {followed} record or file "
          f"calls through the links, {sum(n for (_, _, status), n in CALLS.items() if status >= 500)} answered 5xx")


def test_the_links_lead_to_the_record_and_file():
    """Each kind's published 201 links, resolved against a real answer, give the record and the .docx."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    spec = client.get("/openapi.json").get_json()
    operations = {operation["operationId"]: (path, method) for path, methods in spec["paths"].items()
                  for method, operation in methods.items() if isinstance(operation, dict) and "operationId" in operation}
    for kind in app.extensions["docgen"].catalog:
        example = {key: value for key, value in kind.example().items() if not kind.numbering or key != kind.numbering.field}
        path, _ = operations[f"create-{kind.id}"]
        made = client.post(path, json=example, headers=headers)
        assert made.status_code == 201
        answers = {}
        for name, link in spec["paths"][path]["post"]["responses"]["201"]["links"].items():
            target, method = operations[link["operationId"]]
            header = link["parameters"]["document_id"].removeprefix("$response.header.")
            answers[name] = getattr(client, method)(target.replace("{document_id}", made.headers[header]), headers=headers)
            assert answers[name].status_code == 200, (kind.id, name)
        assert answers["record"].get_json()["id"] == made.headers["X-Docgen-Document-Id"]
        assert answers["file"].data == made.data
