"""The API's routes come from the app's own catalogue, set up through flask-smorest's public hooks."""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser

from service import create_app


def test_each_app_routes_the_kinds_of_its_own_catalogue(tmp_path):
    """Every kind of an app's catalogue has its POST routes, documented; a second app in the same process too."""
    for name in ("first", "second"):
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / name)})
        kinds = [kind.id for kind in app.extensions["docgen"].catalog]
        rules = {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods}
        for kind in kinds:
            assert (f"/api/v1/documents/{kind}", "POST") in rules
            assert (f"/api/v1/batches/{kind}", "POST") in rules
        operations = {operation["operationId"] for path in app.test_client().get("/openapi.json").get_json()["paths"].values()
                      for operation in path.values() if isinstance(operation, dict) and "operationId" in operation}
        assert {f"create-{kind}" for kind in kinds} | {f"create-{kind}-batch" for kind in kinds} <= operations


def test_flask_smorest_is_used_as_shipped():
    """No global patching: flask-smorest's blueprints keep webargs' own parser."""
    assert type(flask_smorest.Blueprint.ARGUMENTS_PARSER) is FlaskParser


def test_error_responses_are_documented_as_problems(tmp_path):
    """The shared error responses are problem+json; 429 and 503 say when to try again."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i")})
    responses = app.test_client().get("/openapi.json").get_json()["components"]["responses"]
    for name in ("BAD_REQUEST", "UNPROCESSABLE_ENTITY", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE", "DEFAULT_ERROR"):
        assert list(responses[name]["content"]) == ["application/problem+json"], name
    assert "Retry-After" in responses["TOO_MANY_REQUESTS"]["headers"]
    assert "Retry-After" in responses["SERVICE_UNAVAILABLE"]["headers"]


def test_a_body_that_is_not_json_is_a_chinese_problem(tmp_path):
    """webargs' refusal of a malformed body (through flask-smorest) answers as a problem in Chinese."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i")})
    response = app.test_client().put("/api/v1/profile", data="{", content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "请求体不是有效的 JSON。"


def test_request_metrics_are_labelled_by_route_never_by_path(tmp_path):
    """A service process's app (the first of its process) times each request under its route pattern;
    an unknown path is "unmatched" (run in a process of its own, as a service's app is)."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        from service import create_app
        app = create_app({{"TESTING": True, "INSTANCE_PATH": {str(tmp_path / "i")!r}}})
        client = app.test_client()
        client.get("/api/v1/kinds/certificate")
        client.get("/nowhere/12345")
        print(client.get("/metrics").get_data(as_text=True))
    """)
    metrics = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             timeout=120).stdout
    assert 'docgen_http_request_duration_seconds_count{endpoint="/api/v1/kinds/<kind_id>",method="GET",status="200"} 1.0' in metrics
    assert 'docgen_http_request_duration_seconds_count{endpoint="unmatched",method="GET",status="404"} 1.0' in metrics
    assert "12345" not in metrics
