"""The library in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph …), through aiobotocore.

Uploads carry Content-MD5 (the store refuses a body that arrived damaged) and the file's MD5 as metadata (so a
resumed migration and `storage check` can compare without downloading); the object's size is checked after
every upload. A large file goes up in parts of PART_SIZE, one part in memory at a time; a failed multipart upload
is aborted, so nothing half-written ever shows up under a key.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import mimetypes
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sora2.media.store.base import Location, MediaNotFound, MediaStore, StoredObject, StoreUnavailable
from sora2.media.store.keys import checked_key, is_valid_key

log = logging.getLogger(__name__)
PART_SIZE = 8 * 1024 * 1024  # S3's smallest part is 5 MiB; this is also the most a write holds in memory
CHUNK = 256 * 1024
DELETE_BATCH = 1000  # DeleteObjects' limit
STALE_UPLOAD_SECONDS = 3600  # an unfinished multipart upload this old belongs to no live instance
_MISSING = {"404", "NoSuchKey", "NotFound"}
mimetypes.add_type("image/webp", ".webp")


class S3Store(MediaStore):
    kind = "s3"

    def __init__(self, bucket: str, prefix: str, *, scratch_dir: Path, endpoint_url: str | None = None,
                 region: str | None = None, public_endpoint_url: str | None = None,
                 addressing_style: str = "auto", presign_seconds: int = 900) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.scratch_dir = Path(scratch_dir)
        self.endpoint_url, self.region = endpoint_url, region
        self.public_endpoint_url = public_endpoint_url
        # Custom endpoints (MinIO, moto, Ceph) rarely have a DNS name per bucket: path style works everywhere.
        self.addressing_style = addressing_style if addressing_style != "auto" or not endpoint_url else "path"
        self.presign_seconds = presign_seconds
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._presigner: Any = None
        self._presigned: dict[tuple, tuple[str, float]] = {}

    @property
    def description(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"

    async def start(self) -> None:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        config = AioConfig(signature_version="s3v4", s3={"addressing_style": self.addressing_style},
                           retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=10, read_timeout=60,
                           max_pool_connections=32, request_checksum_calculation="when_required",
                           response_checksum_validation="when_required")
        session = get_session()
        self._stack = AsyncExitStack()
        self._client = await self._stack.enter_async_context(session.create_client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config))
        # Browsers may reach the store at another address than this server does (compose: minio:9000 inside,
        # localhost:9000 outside); the host is part of a presigned URL's signature, so sign for theirs.
        self._presigner = self._client if not self.public_endpoint_url else \
            await self._stack.enter_async_context(session.create_client(
                "s3", endpoint_url=self.public_endpoint_url, region_name=self.region, config=config))
        with self._errors("reach the bucket"):
            await self._client.head_bucket(Bucket=self.bucket)

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    @contextmanager
    def _errors(self, action: str, key: str | None = None) -> Iterator[None]:
        import aiohttp
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if key is not None and code in _MISSING:
                raise MediaNotFound(f"{key} is not in the media store") from None
            raise StoreUnavailable(f"The media store refused to {action} ({code or 'error'}) "
                                   f"in {self.description}") from None
        except (BotoCoreError, aiohttp.ClientError, ConnectionError, asyncio.TimeoutError) as exc:
            raise StoreUnavailable(f"Could not {action} in {self.description}: {type(exc).__name__}") from None

    def _temp_file(self) -> Path:
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.scratch_dir, prefix=".tmp-", suffix=".part")
        os.close(fd)
        return Path(name)

    # --- writing --------------------------------------------------------------------------------------

    @asynccontextmanager
    async def stage(self, key: str) -> AsyncIterator[Path]:
        checked_key(key)
        temp = await asyncio.to_thread(self._temp_file)
        try:
            yield temp
            await self.put_file(key, temp)
        finally:
            temp.unlink(missing_ok=True)

    async def put_bytes(self, key: str, data: bytes) -> None:
        digest = hashlib.md5(data, usedforsecurity=False)
        with self._errors("store", key):
            await self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data,
                                          ContentMD5=base64.b64encode(digest.digest()).decode(),
                                          ContentType=_content_type(key), Metadata={"md5": digest.hexdigest()})
        await self._check_size(key, len(data))

    async def put_file(self, key: str, source: Path) -> None:
        size = (await asyncio.to_thread(os.stat, source)).st_size
        if size <= PART_SIZE:
            await self.put_bytes(key, await asyncio.to_thread(Path(source).read_bytes))
            return
        md5 = await asyncio.to_thread(_md5_of, Path(source))
        with self._errors("start an upload", key):
            upload = await self._client.create_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), ContentType=_content_type(key), Metadata={"md5": md5})
        upload_id = upload["UploadId"]
        try:
            parts = await self._upload_parts(key, upload_id, Path(source))
            with self._errors("finish an upload", key):
                await self._client.complete_multipart_upload(Bucket=self.bucket, Key=self._key(key),
                                                             UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            await self._abort(key, upload_id)
            raise
        await self._check_size(key, size)

    async def _upload_parts(self, key: str, upload_id: str, source: Path) -> list[dict]:
        parts = []
        with open(source, "rb") as file:
            number = 1
            while chunk := await asyncio.to_thread(file.read, PART_SIZE):
                digest = base64.b64encode(hashlib.md5(chunk, usedforsecurity=False).digest()).decode()
                with self._errors("upload a part", key):
                    answer = await self._client.upload_part(Bucket=self.bucket, Key=self._key(key),
                                                            UploadId=upload_id, PartNumber=number, Body=chunk,
                                                            ContentMD5=digest)
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
                number += 1
        return parts

    async def _abort(self, key: str, upload_id: str) -> None:
        try:
            await self._client.abort_multipart_upload(Bucket=self.bucket, Key=self._key(key), UploadId=upload_id)
        except Exception as exc:  # noqa: BLE001  the sweep aborts it later (cleanup_partials)
            log.warning("could not abort the upload of %s: %s", key, type(exc).__name__)

    async def _check_size(self, key: str, size: int) -> None:
        stored = await self.stat(key)
        if stored is None or stored.size != size:
            raise StoreUnavailable(f"{key} was not stored whole ({stored.size if stored else 0} of {size} bytes)")

    # --- reading --------------------------------------------------------------------------------------

    async def _head(self, key: str) -> dict | None:
        try:
            with self._errors("read", key):
                return await self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except MediaNotFound:
            return None

    async def stat(self, key: str) -> StoredObject | None:
        head = await self._head(key)
        if head is None:
            return None
        return StoredObject(key=key, size=head["ContentLength"], etag=head["ETag"],
                            modified=head["LastModified"].timestamp())

    async def read_range(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        if length <= 0:
            return
        with self._errors("read", key):
            answer = await self._client.get_object(Bucket=self.bucket, Key=self._key(key),
                                                   Range=f"bytes={start}-{start + length - 1}")
            async with answer["Body"] as body:
                while chunk := await body.read(CHUNK):
                    yield chunk

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        temp = await asyncio.to_thread(self._temp_file)
        try:
            with self._errors("read", key):
                answer = await self._client.get_object(Bucket=self.bucket, Key=self._key(key))
                with open(temp, "wb") as file:
                    async with answer["Body"] as body:
                        while chunk := await body.read(CHUNK):
                            file.write(chunk)
            yield temp
        finally:
            temp.unlink(missing_ok=True)

    async def locate(self, key: str, *, content_type: str | None = None,
                     download_name: str | None = None) -> Location:
        """A presigned GET, reused for half its life so browsers can cache the object under one URL."""
        now = time.time()
        cache_key = (key, content_type, download_name)
        cached = self._presigned.get(cache_key)
        if cached is None or cached[1] - now < self.presign_seconds / 2:
            params = {"Bucket": self.bucket, "Key": self._key(key)}
            if content_type:
                params["ResponseContentType"] = content_type
            if download_name:
                params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
            with self._errors("sign a link", key):
                url = await self._presigner.generate_presigned_url("get_object", Params=params,
                                                                   ExpiresIn=self.presign_seconds)
            if len(self._presigned) > 10_000:
                self._presigned.clear()
            cached = self._presigned[cache_key] = (url, now + self.presign_seconds)
        return Location(url=cached[0], expires_in=int(cached[1] - now))

    async def checksum(self, key: str) -> str | None:
        head = await self._head(key)
        if head is None:
            return None
        etag = head["ETag"].strip('"')
        # A single-part upload's ETag is its MD5 on most stores; a multipart one's has a "-<parts>" suffix.
        return head.get("Metadata", {}).get("md5") or (etag if len(etag) == 32 and "-" not in etag else None)

    # --- listing and removing -------------------------------------------------------------------------

    async def list(self, prefix: str = "") -> AsyncIterator[StoredObject]:
        paginator = self._client.get_paginator("list_objects_v2")
        with self._errors("list"):
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix):]
                    if not is_valid_key(key):
                        continue  # not ours (another tool's object under the prefix)
                    yield StoredObject(key=key, size=item["Size"], etag=item["ETag"],
                                       modified=item["LastModified"].timestamp())

    async def delete(self, keys: Iterable[str]) -> None:
        names = [self._key(key) for key in keys]
        for start in range(0, len(names), DELETE_BATCH):
            batch = [{"Key": name} for name in names[start:start + DELETE_BATCH]]
            with self._errors("delete"):
                answer = await self._client.delete_objects(Bucket=self.bucket,
                                                           Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise StoreUnavailable(f"The media store kept {len(answer['Errors'])} objects "
                                       f"({first.get('Key')}: {first.get('Code')})")

    async def cleanup_partials(self, older_than_seconds: float = 0.0) -> int:
        removed = await asyncio.to_thread(_sweep_scratch, self.scratch_dir, time.time() - older_than_seconds)
        # Other instances may be uploading into the same bucket right now: only abandoned uploads go.
        try:
            removed += await self._abort_stale_uploads(time.time() - max(older_than_seconds, STALE_UPLOAD_SECONDS))
        except StoreUnavailable as exc:  # e.g. no s3:ListBucketMultipartUploads: the bucket's lifecycle rule can do it
            log.warning("could not sweep unfinished uploads: %s", exc.message)
        return removed

    async def _abort_stale_uploads(self, cutoff: float) -> int:
        aborted = 0
        paginator = self._client.get_paginator("list_multipart_uploads")
        with self._errors("list unfinished uploads"):
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].timestamp() <= cutoff:
                        await self._client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                                  UploadId=upload["UploadId"])
                        aborted += 1
        return aborted


def _content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sweep_scratch(directory: Path, cutoff: float) -> int:
    removed = 0
    if directory.is_dir():
        for path in directory.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
