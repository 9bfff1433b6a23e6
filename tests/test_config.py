"""Settings: each default set once in service/config.py and documented in the README with that value."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from schemas.profile import PROFILE, default_text
from service import create_app
from service.config import DEFAULTS

README = Path(__file__).resolve().parent.parent / "README.md"
# Settings for the service's own behaviour; the API's and Flask's plumbing (OPENAPI_*, API_*, HTTP) are not for operators.
DOCUMENTED = [key for key in DEFAULTS if key.startswith(("BATCH_", "PDF_", "WEBHOOK_", "QUEUE_", "WORKER_"))] + [
    "EMBEDDED_WORKER", "MAX_CONTENT_LENGTH", "RATELIMIT_DEFAULT", "FONTS_DIR", "BEHIND_AUTH_PROXY"]


def readme_defaults() -> dict[str, str]:
    """The Configuration table: variable (without DOCGEN_) → its default column."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3:
            for name in re.findall(r"`DOCGEN_([A-Z_]+)`", cells[0]):
                rows[name] = cells[1]
    return rows


def shown(value) -> str:
    """A default as the README writes it."""
    if value is None or value == []:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_every_setting_is_documented_with_its_default():
    documented = readme_defaults()
    for key in DOCUMENTED:
        assert key in documented, f"DOCGEN_{key} missing from the README's Configuration table"
        if key != "QUEUE_URL":  # its default is described (a SQLite queue in the instance folder)
            assert documented[key] == shown(DEFAULTS[key]), key


def test_batch_and_pdf_code_take_their_defaults_from_the_config():
    from service.batch.jobs import Settings
    from service.pdf import ConverterPool, HttpConverter

    settings = Settings()
    assert settings.chunk_size == DEFAULTS["BATCH_CHUNK_SIZE"]
    assert settings.lease.total_seconds() == DEFAULTS["BATCH_LEASE_SECONDS"]
    assert settings.grace.total_seconds() == DEFAULTS["BATCH_GRACE_SECONDS"]
    assert settings.max_attempts == DEFAULTS["BATCH_MAX_ATTEMPTS"]
    assert settings.max_documents == DEFAULTS["BATCH_MAX_DOCUMENTS"]
    assert HttpConverter("http://127.0.0.1:9").timeout == DEFAULTS["PDF_TIMEOUT"]
    defaults = ConverterPool.__init__.__defaults__
    assert DEFAULTS["PDF_TIMEOUT"] in defaults and DEFAULTS["PDF_WAIT"] in defaults


@pytest.fixture
def custom_profile(tmp_path):
    """A profile file naming another organisation; the process's profile in use is restored afterwards."""
    custom = tmp_path / "profile.toml"
    custom.write_text(default_text().replace("中心党总支", "研究院党委"), encoding="utf-8")
    before = PROFILE.current
    yield custom
    PROFILE.use(before)


@pytest.mark.parametrize("how", ["mapping", "environment"])
def test_the_profile_setting_is_honoured_by_create_app(tmp_path, custom_profile, monkeypatch, how):
    """PROFILE names the app's starting profile whether given to create_app or as DOCGEN_PROFILE, read when the
    app is made (not when a module is imported)."""
    settings = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance")}
    if how == "mapping":
        settings["PROFILE"] = str(custom_profile)
    else:
        monkeypatch.setenv("DOCGEN_PROFILE", str(custom_profile))
    app = create_app(settings)
    assert app.extensions["docgen"].profiles.stored().text == custom_profile.read_text(encoding="utf-8")
    example = json.loads((Path(__file__).resolve().parent.parent / "examples" / "certificate.json").read_text("utf-8"))
    with app.test_client() as client:
        listed = client.get("/api/v1/profile").get_json()
        made = client.post("/api/v1/documents/certificate", json={k: v for k, v in example.items() if k != "number"})
        record = client.get(made.headers["Location"]).get_json()
    assert "研究院党委" in listed["toml"]
    assert record["number"] == "研究院党委证〔2026〕1号"
    assert PROFILE.organisation.code == "研究院党委"
    monkeypatch.delenv("DOCGEN_PROFILE", raising=False)
    plain = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "plain")})
    with plain.test_client() as client:
        assert "研究院党委" not in client.get("/api/v1/profile").get_json()["toml"]
    assert PROFILE.organisation.code != "研究院党委"
