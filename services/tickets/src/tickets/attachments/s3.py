"""Attachments in S3-compatible object storage (AWS S3, MinIO, Ceph...), through boto3.

Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role); the bucket is provisioned beforehand, not created by the service. A store
that cannot be reached, or answers that it is overloaded (a 5xx), is :class:`StorageUnavailable`
once boto3's own retries are spent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as S3ConnectionError

from tickets.attachments.storage import StorageUnavailable, check_key


class S3Storage:
    """Objects in ``bucket`` at ``endpoint_url`` (None: AWS itself), one per attachment."""

    def __init__(self, *, bucket: str, endpoint_url: str | None, region: str) -> None:
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                 connect_timeout=5, read_timeout=30))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with _reachable():
            self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        with _reachable():
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"].read()

    def delete(self, key: str) -> None:
        with _reachable():
            self.client.delete_object(Bucket=self.bucket, Key=check_key(key))


@contextmanager
def _reachable() -> Iterator[None]:
    """The calls inside, a store that cannot be reached (or is overloaded) raising :class:`StorageUnavailable`."""
    try:
        yield
    except (S3ConnectionError, HTTPClientError) as exc:
        raise StorageUnavailable(str(exc)) from exc
    except ClientError as exc:
        if _status(exc) >= 500:
            raise StorageUnavailable(str(exc)) from exc
        raise


def _status(error: ClientError) -> int:
    metadata: Any = error.response.get("ResponseMetadata", {})
    return int(metadata.get("HTTPStatusCode") or 0)
