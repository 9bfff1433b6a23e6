"""File storage: the same contract on a local directory and on S3 (moto server over real HTTP)."""

from __future__ import annotations

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.store.errors import InvalidKey
from service.store.files import LocalStorage, S3Storage, storage_from_url

BUCKET = "docgen-test"
BAD_KEYS = ["", "/etc/passwd", "../secret", "a/../../b", "a/./b", "a//b", "a/", ".hidden",
            "a\\..\\b", "documents/x.docx\x00", "文书.docx", "a/" * 300]


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """Each storage backend, empty."""
    if request.param == "local":
        yield LocalStorage(tmp_path / "files")
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    yield S3Storage(BUCKET, endpoint_url=endpoint)
    cleanup = boto3.resource("s3", endpoint_url=endpoint).Bucket(BUCKET)
    cleanup.objects.all().delete()
    cleanup.delete()


def test_put_get_exists_delete(storage):
    """Bytes come back unchanged; put replaces; delete removes and tolerates a missing key."""
    key = "documents/2f1c.docx"
    assert not storage.exists(key)
    storage.put(key, b"first")
    storage.put(key, b"PK\x03\x04 second")
    assert storage.exists(key) and storage.get(key) == b"PK\x03\x04 second"
    storage.delete(key)
    storage.delete(key)
    assert not storage.exists(key)


def test_missing_key_raises_file_not_found(storage):
    """Reading a key that was never written raises FileNotFoundError on every backend."""
    with pytest.raises(FileNotFoundError):
        storage.get("documents/missing.pdf")


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_are_rejected(storage, key):
    """Traversal, absolute, empty, hidden and non-ASCII keys raise InvalidKey everywhere."""
    for operation in (lambda: storage.put(key, b"x"), lambda: storage.get(key),
                      lambda: storage.exists(key), lambda: storage.delete(key)):
        with pytest.raises(InvalidKey):
            operation()


def test_local_writes_are_atomic_and_stay_inside_root(tmp_path):
    """No temporary files remain; a symlink inside the root cannot lead outside it."""
    storage = LocalStorage(tmp_path / "files")
    storage.put("documents/a.docx", b"data")
    assert sorted(p.name for p in (tmp_path / "files" / "documents").iterdir()) == ["a.docx"]
    (tmp_path / "outside").mkdir()
    (tmp_path / "files" / "escape").symlink_to(tmp_path / "outside")
    with pytest.raises(InvalidKey):
        storage.put("escape/x.docx", b"data")
    assert not (tmp_path / "outside" / "x.docx").exists()


@given(st.text(max_size=40))
def test_any_accepted_key_stays_under_root(tmp_path_factory, key):
    """Property: whatever the key, it is refused or resolves to a path inside the root."""
    root = tmp_path_factory.mktemp("prop")
    storage = LocalStorage(root)
    try:
        path = storage._path(key)
    except InvalidKey:
        return
    assert path.is_relative_to(root.resolve()) and path != root.resolve()


def test_storage_from_url(tmp_path, s3_endpoint):
    """file:// and s3:// URLs build the right storage; anything else is refused."""
    local = storage_from_url(f"file://{tmp_path}/files")
    assert isinstance(local, LocalStorage) and local.root == (tmp_path / "files").resolve()
    remote = storage_from_url(f"s3://{BUCKET}?endpoint={s3_endpoint}&region=us-east-1")
    assert isinstance(remote, S3Storage) and remote.bucket == BUCKET
    assert remote.client.meta.endpoint_url == s3_endpoint
    for bad in ("/plain/path", "ftp://host/x", "s3://", "s3://bucket/prefix", "file://otherhost/x"):
        with pytest.raises(ValueError):
            storage_from_url(bad)
