"""The tables of the public portal: submissions waiting for the office's confirmation
(Art. 31(3)), the files that come with them or that the office releases, the portal's
per-agency settings and the lookups counted for its rate limits.

No secret is stored: a query code as a salted SHA-256 digest, the submission token as a
digest; the code is kept only sealed with a key derived from that token, so that the
browser that submitted (and only it) can be shown its code again after a retry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.store.records import Base, Bounded, name_bounded_columns

APPLICATION, CORRECTION = "application", "correction"  # a submission's kind
SUBMITTED, CONFIRMED, WITHDRAWN = "submitted", "confirmed", "withdrawn"  # its status


class PortalSubmissionRecord(Base):
    """An application or a corrected application sent through the portal.

    ``submitted`` until the office confirms it (or the agency confirms automatically);
    ``confirmed`` when the case is registered (an application) or the correction recorded;
    ``withdrawn`` when the applicant withdrew it before confirmation.
    """

    __tablename__ = "portal_submissions"
    __table_args__ = (
        Index("ix_portal_submissions_agency_status", "agency_id", "status"),
        Index("ix_portal_submissions_applicant", "agency_id", "applicant_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(Bounded(32), unique=True)  # 网上申请编号
    kind: Mapped[str] = mapped_column(Bounded(16))  # application | correction
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(Bounded(16))
    token_hash: Mapped[str | None] = mapped_column(Bounded(64), unique=True)
    code_salt: Mapped[str | None] = mapped_column(Bounded(32))
    code_hash: Mapped[str | None] = mapped_column(Bounded(64))
    sealed_code: Mapped[str | None] = mapped_column(Text)
    # the same request by the same applicant on the same day: one submission
    fingerprint: Mapped[str] = mapped_column(Bounded(64), index=True)
    applicant_key: Mapped[str] = mapped_column(Bounded(64))  # digest of name and identity
    data: Mapped[dict[str, Any]]  # the form as given (what the office confirms)
    submitted_at: Mapped[datetime]
    submitted_on: Mapped[date] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by: Mapped[str | None] = mapped_column(Bounded(100))


class PortalFileRecord(Base):
    """A file: an applicant's identity-document copy or attachment, or a file the office
    released with its answer. Encrypted (Fernet) when the deployment has a key."""

    __tablename__ = "portal_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_submissions.id"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(Bounded(16))  # id_copy | attachment | released
    filename: Mapped[str] = mapped_column(Bounded(200))
    media_type: Mapped[str] = mapped_column(Bounded(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(Bounded(64))  # of the plain bytes
    encrypted: Mapped[bool] = mapped_column(Boolean)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Bounded(100))


class PortalAgencyRecord(Base):
    """What an agency chose for the portal; an agency without a row: the defaults (the
    office confirms each submission, no identity-document copy needed)."""

    __tablename__ = "portal_agencies"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    auto_confirm: Mapped[bool] = mapped_column(Boolean, default=False)
    id_copy_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(Bounded(100))
    updated_at: Mapped[datetime]


class PortalHitRecord(Base):
    """One submission or lookup from an address, counted by the portal's rate limits in
    the store so that every worker counts the same; pruned as they age out."""

    __tablename__ = "portal_hits"
    __table_args__ = (Index("ix_portal_hits_action_address_at", "action", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(Bounded(16))  # submit | lookup | failed
    address: Mapped[str] = mapped_column(Bounded(64))
    at: Mapped[datetime]


name_bounded_columns(__name__)
