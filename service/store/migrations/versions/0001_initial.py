"""Create documents, numbers, number counters and API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables of the first release."""
    _create_api_keys()
    _create_numbering()
    _create_documents()


def _create_api_keys() -> None:
    """Create the API keys table."""
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )


def _create_numbering() -> None:
    """Create the number counters and the register of issued and voided numbers."""
    op.create_table(
        "number_counters",
        sa.Column("series", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.CheckConstraint("next_serial >= 1", name=op.f("ck_number_counters_next_serial_positive")),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_number_counters")),
    )
    op.create_table(
        "numbers",
        sa.Column("series", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("registered_at", UTC_DATETIME, nullable=False),
        sa.Column("voided_at", UTC_DATETIME, nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("serial >= 1", name=op.f("ck_numbers_serial_positive")),
        sa.PrimaryKeyConstraint("series", "year", "serial", name=op.f("pk_numbers")),
    )


def _create_documents() -> None:
    """Create the documents table and its listing indexes."""
    op.create_table("documents", *_document_columns(), *_document_constraints())
    op.create_index(op.f("ix_documents_created_at_id"), "documents", ["created_at", "id"])
    op.create_index(op.f("ix_documents_kind_created_at_id"), "documents", ["kind", "created_at", "id"])


def _document_columns() -> list[sa.Column]:
    """The columns of the documents table."""
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("template_version", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(255), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("number", sa.String(200), nullable=True),
        sa.Column("series", sa.String(100), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("serial", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
    ]


def _document_constraints() -> list[sa.Constraint]:
    """The keys and checks of the documents table."""
    return [
        sa.CheckConstraint(
            "(number IS NULL AND series IS NULL AND year IS NULL AND serial IS NULL)"
            " OR (number IS NOT NULL AND series IS NOT NULL AND year IS NOT NULL"
            " AND serial IS NOT NULL)",
            name=op.f("ck_documents_number_complete"),
        ),
        sa.ForeignKeyConstraint(
            ["series", "year", "serial"],
            ["numbers.series", "numbers.year", "numbers.serial"],
            name=op.f("fk_documents_series_year_serial_numbers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "created_by", "idempotency_key", name=op.f("uq_documents_created_by_idempotency_key")
        ),
        sa.UniqueConstraint("series", "year", "serial", name=op.f("uq_documents_series_year_serial")),
    ]


def downgrade() -> None:
    """Drop everything this revision created."""
    op.drop_table("documents")
    op.drop_table("numbers")
    op.drop_table("number_counters")
    op.drop_table("api_keys")
