"""Log files read as chunks of lines: plain or gzip (told by its magic bytes), constant memory.

Lines come in lists of about `CHUNK_BYTES`, so the readers' loops touch one list per megabyte
rather than one Python call per line, and the progress bar is told the bytes consumed (compressed
bytes for gzip, matching the file size it was given) once per chunk.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from liaison.errors import InvalidInput

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 1 << 20
Progress = Callable[[int], None]


class LineSource:
    """One log file opened for reading, its first chunk already read (for format sniffing)."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        try:
            self._raw: io.BufferedReader = open(path, "rb")  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from None
        self.size = os.fstat(self._raw.fileno()).st_size
        self.compressed = self._raw.peek(2)[:2] == GZIP_MAGIC
        self._stream: io.BufferedIOBase = (
            gzip.GzipFile(fileobj=self._raw, mode="rb") if self.compressed else self._raw
        )
        try:
            self.head = self._read_chunk()
        except InvalidInput:
            self.close()
            raise

    def consumed(self) -> int:
        """Bytes of the file read so far (compressed bytes for a gzip file)."""
        return self._raw.tell()

    def _read_chunk(self) -> list[bytes]:
        try:
            return self._stream.readlines(CHUNK_BYTES)
        except (OSError, EOFError, zlib.error) as exc:
            raise InvalidInput(f"{self.name}: cannot read: {exc}") from None

    def chunks(self, progress: Progress | None = None) -> Iterator[list[bytes]]:
        """Every line of the file, in chunks, starting with `head`; `progress(bytes consumed)`
        after each chunk."""
        chunk = self.head
        while chunk:
            yield chunk
            if progress is not None:
                progress(self.consumed())
            chunk = self._read_chunk()

    def close(self) -> None:
        """Close the file."""
        self._stream.close()
        self._raw.close()

    def __enter__(self) -> LineSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
