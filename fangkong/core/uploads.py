"""Refusing an oversized upload while it arrives, instead of after storing all of it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class SizeLimitHandler(FileUploadHandler):
    """Stops reading files once `max_bytes` have arrived and flags the request.

    The rest of the body is still drained (connection_reset=False), so the browser gets the
    page with the message rather than a reset connection.
    """

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.oversized = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, *args: Any, **kwargs: Any
    ) -> None:
        # The body is a little larger than the file (multipart headers); far larger is refused.
        # (StopUpload may only be raised once parsing has begun: at the first file chunk.)
        self.oversized = content_length > self.max_bytes + 1024 * 1024

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.oversized or self.received > self.max_bytes:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        assert self.request is not None
        self.request.upload_too_large = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=False)
