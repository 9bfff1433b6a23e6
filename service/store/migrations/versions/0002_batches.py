"""Create batches, their chunks and their rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the three batch tables."""
    _create_batches()
    _create_chunks()
    _create_rows()


def _lease_columns() -> list[sa.Column]:
    """The queue columns every leased table has."""
    return [
        sa.Column("enqueued_at", UTC_DATETIME, nullable=False),
        sa.Column("leased_until", UTC_DATETIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
    ]


def _create_batches() -> None:
    """Create the batches table and its state index."""
    op.create_table(
        "batches",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("produced", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("webhook", sa.String(2000), nullable=True),
        sa.Column("webhook_state", sa.String(16), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        *_lease_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    op.create_index(op.f("ix_batches_state"), "batches", ["state"])


def _create_chunks() -> None:
    """Create the chunks table: one row per run of rows made in one transaction."""
    op.create_table(
        "batch_chunks",
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        *_lease_columns(),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_batch_chunks_batch_id_batches")),
        sa.PrimaryKeyConstraint("batch_id", "seq", name=op.f("pk_batch_chunks")),
    )
    op.create_index(op.f("ix_batch_chunks_done"), "batch_chunks", ["done"])


def _create_rows() -> None:
    """Create the rows table linking each row of a batch to its document or its errors."""
    op.create_table(
        "batch_rows",
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_batch_rows_batch_id_batches")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_batch_rows_document_id_documents")),
        sa.PrimaryKeyConstraint("batch_id", "row", name=op.f("pk_batch_rows")),
    )


def downgrade() -> None:
    """Drop everything this revision created."""
    op.drop_table("batch_rows")
    op.drop_table("batch_chunks")
    op.drop_index(op.f("ix_batches_state"), table_name="batches")
    op.drop_table("batches")
