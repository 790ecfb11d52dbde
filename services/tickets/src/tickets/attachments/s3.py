"""Attachments in S3-compatible object storage (AWS S3, MinIO, Ceph...), through boto3.

Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role); the bucket is provisioned beforehand, not created by the service.
"""

from __future__ import annotations

import boto3
from botocore.config import Config

from tickets.attachments.storage import check_key


class S3Storage:
    """Objects in ``bucket`` at ``endpoint_url`` (None: AWS itself), one per attachment."""

    def __init__(self, *, bucket: str, endpoint_url: str | None, region: str) -> None:
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                 connect_timeout=5, read_timeout=30))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
