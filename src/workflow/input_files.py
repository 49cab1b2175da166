"""Reading a file someone named: a regular file, decoded as the text it claims to be.

Every file the project reads (definitions, year files, notices, ledgers, figures, the
notification config, import files, templates) comes through here, so each refusal is
the same sentence: a FIFO or a device is refused instead of waited on, and bytes that are
not in the encoding name their offset. Callers wrap ``UnreadableFile`` in the error of
whoever gave the file (a definition's ``DefinitionError``, a caller's ``InvalidInput``).
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path


class UnreadableFile(ValueError):
    """The file cannot be read as text; ``reason`` says why in a few words."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def check_regular(path: Path) -> None:
    """Refuse anything but a regular file: a FIFO would block, a device never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise UnreadableFile(path, error.strerror or str(error)) from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise UnreadableFile(path, f"{kind}; give a file")


def read_bytes(path: Path) -> bytes:
    check_regular(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFile(path, error.strerror or str(error)) from None


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The file's text; the encoding must be one Python knows."""
    if not known_encoding(encoding):
        raise UnreadableFile(path, f"unknown text encoding {encoding!r}")
    data = read_bytes(path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            path, f"not {encoding} text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def known_encoding(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True
