"""No file name the service makes holds an invisible character: no bidi override can disguise a name."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile

import pytest

from service.catalog import INVISIBLE
from service.cli import main
from tests.api.conftest import example

# Right-to-left override, isolates, zero-width space and joiner, BOM, soft hyphen, line separator, a C1 control.
HIDDEN = ["\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\u0085"]
# 张三<RLO>cod.exe: shown as 张三exe.doc… by a system that honours the override.
DISGUISED = "张三\u202ecod.exe"


def visible(name: str) -> bool:
    """True when no character of the name is invisible."""
    return not any(unicodedata.category(char) in INVISIBLE for char in name)


def certificate(recipient: str) -> dict:
    """A certificate for this recipient."""
    return {**example("certificate"), "recipient": recipient}


@pytest.mark.parametrize("hidden", HIDDEN)
def test_records_and_downloads_are_named_without_invisible_characters(client, hidden):
    """The record's file name (and so the download's) drops them; the document keeps the text as given."""
    response = client.post("/api/v1/documents/certificate", json=certificate(f"张{hidden}三"))
    assert response.status_code == 201, response.get_json()
    record = client.get(response.headers["Location"]).get_json()
    assert visible(record["filename"]) and "张三" in record["filename"]
    assert record["data"]["recipient"] == f"张{hidden}三"
    assert "%E2%80%AE" not in response.headers["Content-Disposition"]


def test_archive_entries_are_named_without_invisible_characters(batch_app):
    """A batch's zip entries carry no override: 张三cod.exe…docx, not a name displayed as …exe."""
    client = batch_app.test_client()
    batch = client.post("/api/v1/batches/certificate", json=[certificate(DISGUISED), certificate(f"李四{HIDDEN[1]}")]).get_json()
    assert batch["state"] == "done" and batch["done"] == 2
    names = zipfile.ZipFile(io.BytesIO(client.get(batch["links"]["archive"]).data)).namelist()
    assert len(names) == 2 and all(visible(name) for name in names)
    assert "张三cod.exe" in names[0] and names[0].endswith(".docx")


def test_the_command_line_names_its_output_without_invisible_characters(tmp_path, monkeypatch):
    """docgen render with no -o writes a file whose name holds no override."""
    from click.testing import CliRunner

    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data.json"
    data.write_text(json.dumps(certificate(DISGUISED)), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "certificate", str(data)])
    assert result.exit_code == 0, result.output
    (made,) = tmp_path.glob("*.docx")
    assert visible(made.name) and "张三cod.exe" in made.name
