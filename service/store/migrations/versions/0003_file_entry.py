"""Documents made together may share one stored file (a pack): record each one's entry in it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add documents.file_entry (NULL: the file is stored on its own under file_key)."""
    with op.batch_alter_table("documents") as table:
        table.add_column(sa.Column("file_entry", sa.String(255), nullable=True))


def downgrade() -> None:
    """Drop documents.file_entry."""
    with op.batch_alter_table("documents") as table:
        table.drop_column("file_entry")
