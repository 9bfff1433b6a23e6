"""Template versions uploaded by the organisation and the log of which one each kind uses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create template_versions and template_activations."""
    op.create_table(
        "template_versions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(255), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_versions")),
        sa.UniqueConstraint("kind", "seq", name=op.f("uq_template_versions_kind_seq")),
        sa.UniqueConstraint("kind", "sha256", name=op.f("uq_template_versions_kind_sha256")),
    )
    op.create_table(
        "template_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("version_id", sa.String(36), nullable=True),
        sa.Column("activated_by", sa.String(100), nullable=False),
        sa.Column("activated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["template_versions.id"],
                                name=op.f("fk_template_activations_version_id_template_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_activations")),
    )
    op.create_index(op.f("ix_template_activations_kind_id"), "template_activations", ["kind", "id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index(op.f("ix_template_activations_kind_id"), table_name="template_activations")
    op.drop_table("template_activations")
    op.drop_table("template_versions")
