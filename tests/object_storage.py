"""A local S3-compatible service for the tests of MEDIA_STORAGE=s3: moto's server, started in its own
process on a free port, spoken to over HTTP by boto3 and django-storages as a real bucket would be."""

import contextlib
import hashlib
import subprocess
import sys
import time
import uuid

import boto3
import requests

from .databases import free_port

ACCESS_KEY, SECRET_KEY, REGION = "sopkinerja-test", "sopkinerja-test-secret", "ap-southeast-3"


@contextlib.contextmanager
def s3_service():
    """The endpoint URL of a running moto S3 server; stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(endpoint, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the S3 test service did not start") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )


def new_bucket(endpoint: str) -> str:
    name = f"sopkinerja-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def environment(endpoint: str, bucket: str) -> dict:
    """The app's settings for uploads in `bucket` (sopkinerja/settings/storage.py, MEDIA_STORAGE=s3)."""
    return {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ADDRESSING_STYLE": "path",
    }


def object_hashes(endpoint: str, bucket: str) -> dict[str, str]:
    """Every object in the bucket with the SHA-256 of its bytes, read straight from the service."""
    s3 = client(endpoint)
    hashes = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            hashes[item["Key"]] = hashlib.sha256(body).hexdigest()
    return hashes
