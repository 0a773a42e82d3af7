"""Uploads stay in memory: no part of a candidate's upload is ever written to a temporary file."""

from io import BytesIO
from typing import IO

from flask import Request


class InMemoryRequest(Request):
    """A request whose uploaded files are BytesIO, never a spooled temporary file.

    Werkzeug writes a file part over 500 KiB to a temporary file. A candidate's export holds
    their posts, which are never to be persisted, not even for the length of a request;
    MAX_CONTENT_LENGTH bounds what memory this takes.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return BytesIO()
