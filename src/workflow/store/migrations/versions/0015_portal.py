"""the public portal: submissions awaiting confirmation, files, agency settings, hits

An application sent online waits in ``portal_submissions`` until the office confirms it
(the receipt date, Art. 31(3)); identity-document copies, attachments and released files
in ``portal_files``; what each agency chose in ``portal_agencies``; lookups and
submissions per address, for the rate limits, in ``portal_hits``.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("code_salt", sa.String(length=32), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("sealed_code", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("applicant_key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_portal_submissions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_portal_submissions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_submissions")),
        sa.UniqueConstraint("reference", name=op.f("uq_portal_submissions_reference")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_submissions_token_hash")),
    )
    with op.batch_alter_table("portal_submissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_submissions_agency_status", ["agency_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_portal_submissions_applicant", ["agency_id", "applicant_key"], unique=False
        )
        batch_op.create_index("ix_portal_submissions_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_portal_submissions_fingerprint", ["fingerprint"], unique=False)
    op.create_table(
        "portal_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["portal_submissions.id"],
            name=op.f("fk_portal_files_submission_id_portal_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_portal_files_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_files")),
    )
    with op.batch_alter_table("portal_files", schema=None) as batch_op:
        batch_op.create_index("ix_portal_files_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_portal_files_submission_id", ["submission_id"], unique=False)
    op.create_table(
        "portal_agencies",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("auto_confirm", sa.Boolean(), nullable=False),
        sa.Column("id_copy_required", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_portal_agencies_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_portal_agencies")),
    )
    op.create_table(
        "portal_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_hits")),
    )
    with op.batch_alter_table("portal_hits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_hits_action_address_at", ["action", "address", "at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("portal_hits")
    op.drop_table("portal_agencies")
    op.drop_table("portal_files")
    op.drop_table("portal_submissions")
