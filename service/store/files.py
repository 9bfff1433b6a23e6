"""File storage for generated documents: a local directory or an S3 bucket, behind one Protocol.

Configure it with a URL:

- ``file:///var/lib/docgen/files`` stores under that directory;
- ``s3://bucket`` stores in an S3 bucket; query parameters ``endpoint`` (for MinIO or another
  S3-compatible server, e.g. ``s3://docs?endpoint=http://127.0.0.1:9000``) and ``region``
  are optional. Credentials come from the usual boto3 sources (environment, profile, role),
  never from the URL.

Keys are relative paths of ``[A-Za-z0-9._-]`` segments joined by ``/`` (e.g.
``documents/<uuid>.docx``); anything else raises InvalidKey on every backend.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from service.store.errors import InvalidKey

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
MAX_KEY_LENGTH = 512
PRIVATE_FOLDER = 0o700  # the stored documents are for the service's user only


class Storage(Protocol):
    """Where generated files live, addressed by key."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any previous content atomically."""

    def get(self, key: str) -> bytes:
        """Return the content under `key`; raise FileNotFoundError if there is none."""

    def exists(self, key: str) -> bool:
        """True if something is stored under `key`."""

    def delete(self, key: str) -> None:
        """Remove the content under `key`; a missing key is not an error."""


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative key, else raise InvalidKey."""
    if not 0 < len(key) <= MAX_KEY_LENGTH or not all(SEGMENT.fullmatch(part) for part in key.split("/")):
        raise InvalidKey(f"invalid storage key {key!r}")
    return key


class LocalStorage:
    """Files under a root directory; writes go to a temporary file, then os.replace."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Use `root` (created if missing) as the base directory."""
        self.root = Path(root).resolve()
        self.root.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        """The file for `key`, refusing keys (or symlinks) that lead outside the root."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidKey(f"storage key {key!r} leaves the storage root")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Write `data` to a temporary file beside the target, flush it to disk, then rename."""
        path = self._path(key)
        self._folder(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # never a valid key, and mode 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _folder(self, folder: Path) -> None:
        """Create `folder` and its missing parents under the root, for this user only (as mkdir's parents are not)."""
        if folder != self.root and not folder.is_dir():
            self._folder(folder.parent)
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)

    def get(self, key: str) -> bytes:
        """Return the file's bytes; FileNotFoundError if missing."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """True if the file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file if present."""
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3 (or S3-compatible) bucket."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region_name: str | None = None) -> None:
        """Talk to `bucket`, at `endpoint_url` when not AWS itself."""
        import boto3  # imported here: it takes a fifth of a second and only S3 storage needs it

        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region_name)

    def put(self, key: str, data: bytes) -> None:
        """Upload `data`; S3 replaces objects atomically."""
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)

    def get(self, key: str) -> bytes:
        """Download the object; FileNotFoundError if missing."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(key) from error
            raise
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        """True if the object exists."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Delete the object; S3 does not mind a missing one."""
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))


def _is_missing(error: ClientError) -> bool:
    """True if an S3 error means the object does not exist."""
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404")


def storage_from_url(url: str) -> Storage:
    """Build the storage a ``file://`` or ``s3://`` URL names (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        return LocalStorage(unquote(parts.path))
    if parts.scheme == "s3" and parts.netloc and parts.path in ("", "/"):
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        return S3Storage(parts.netloc, endpoint_url=query.get("endpoint"), region_name=query.get("region"))
    raise ValueError(f"unsupported storage URL {url!r}: use file:///path or s3://bucket")
