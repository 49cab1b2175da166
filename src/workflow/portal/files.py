"""Files of the portal: identity-document copies and attachments from applicants, files
the office releases with its answer.

Types are sniffed from the bytes (PDF, PNG, JPEG; released files also DOCX and XLSX),
never taken from the name or the browser; sizes are capped. Contents are encrypted with
Fernet (AES-128-CBC with HMAC-SHA256) under the deployment's key, ``WORKFLOW_PORTAL_KEY``
(make one with ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"``, keep it out of the store and its backups).
Without a key the portal takes no identity-document copy (the form says so and an agency
that requires one cannot be applied to online); other files are then stored as they came.
A stored file is only ever served as an attachment, under a name the server makes.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from workflow.errors import ConfigError, CorruptData
from workflow.store.portal_records import PortalFileRecord

KEY_VARIABLE = "WORKFLOW_PORTAL_KEY"
ID_COPY, ATTACHMENT, RELEASED = "id_copy", "attachment", "released"
MAX_BYTES = {ID_COPY: 5 * 2**20, ATTACHMENT: 10 * 2**20, RELEASED: 20 * 2**20}
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
_OFFICE = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
SUFFIXES = {media: suffix for _, media, suffix in _SIGNATURES} | dict(_OFFICE.values())


class FileVault:
    """Encrypts and decrypts file contents with the deployment's key (None: no key)."""

    def __init__(self, key: str | None) -> None:
        self.fernet: Fernet | None = None
        if key:
            try:
                self.fernet = Fernet(key.encode())
            except ValueError:
                raise ConfigError(
                    "not a Fernet key (32 bytes, URL-safe base64)", key=KEY_VARIABLE
                ) from None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> FileVault:
        return cls(environ.get(KEY_VARIABLE, "").strip() or None)

    @property
    def can_encrypt(self) -> bool:
        return self.fernet is not None

    def seal(self, content: bytes) -> tuple[bytes, bool]:
        if self.fernet is None:
            return content, False
        return self.fernet.encrypt(content), True

    def open(self, record: PortalFileRecord) -> bytes:
        if not record.encrypted:
            return record.content
        if self.fernet is None:
            raise ConfigError(f"file {record.id} is encrypted: set the key", key=KEY_VARIABLE)
        try:
            return self.fernet.decrypt(record.content)
        except InvalidToken:
            raise CorruptData(f"file {record.id} does not decrypt with this key") from None


def sniff(content: bytes, kind: str) -> str | None:
    """The media type the bytes are, among those ``kind`` accepts; None: not accepted."""
    for signature, media, _ in _SIGNATURES:
        if content.startswith(signature):
            return media
    if kind == RELEASED and content.startswith(b"PK\x03\x04"):
        head = content[:4096]
        for folder, (media, _) in _OFFICE.items():
            if folder.encode() in head:
                return media
    return None


def upload_problem(content: bytes, kind: str, vault: FileVault) -> str | None:
    """Why an upload is refused (Chinese, shown beside its field), or None."""
    if kind == ID_COPY and not vault.can_encrypt:
        return "本网站未配置加密存储，暂不能接收身份证明复印件，请到现场或邮寄提交"
    if not content:
        return "文件是空的"
    if len(content) > MAX_BYTES[kind]:
        return f"文件不能超过{MAX_BYTES[kind] // 2**20}MB"
    if sniff(content, kind) is None:
        allowed = "PDF、PNG、JPEG、DOCX或XLSX" if kind == RELEASED else "PDF、PNG或JPEG"
        return f"只接受{allowed}格式的文件"
    return None


def clean_name(name: str) -> str:
    """A file's name for display only: its last part, printable, at most 100 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(char for char in base if unicodedata.category(char)[0] != "C").strip()
    return kept[:100] or "文件"


def store_file(
    session: Session,
    vault: FileVault,
    *,
    kind: str,
    filename: str,
    content: bytes,
    by: str,
    now: datetime,
    submission_id: int | None = None,
    case_id: int | None = None,
) -> PortalFileRecord:
    """Store a file that passed ``upload_problem``."""
    media = sniff(content, kind)
    assert media is not None, "store only what upload_problem accepted"
    sealed, encrypted = vault.seal(content)
    record = PortalFileRecord(
        submission_id=submission_id,
        case_id=case_id,
        kind=kind,
        filename=clean_name(filename),
        media_type=media,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        encrypted=encrypted,
        content=sealed,
        created_at=now,
        created_by=by,
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    headers: dict[str, str]


def download(vault: FileVault, record: PortalFileRecord) -> Download:
    """A stored file as an attachment, named by the server (the given name as UTF-8)."""
    fallback = f"file-{record.id}.{SUFFIXES.get(record.media_type, 'bin')}"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(record.filename)}"
    return Download(
        vault.open(record),
        record.media_type,
        {"Content-Disposition": disposition, "X-Content-SHA256": record.sha256},
    )
