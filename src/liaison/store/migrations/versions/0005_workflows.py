"""workflows: object lookups by id, retention and withdrawal markers, evaluation flag, pillars

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stix_objects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evaluated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_stix_objects_id", ["id"], unique=False)
        batch_op.create_index("ix_stix_objects_expires_at", ["expires_at"], unique=False)
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pillar", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_column("pillar")
    with op.batch_alter_table("stix_objects", schema=None) as batch_op:
        batch_op.drop_index("ix_stix_objects_expires_at")
        batch_op.drop_index("ix_stix_objects_id")
        batch_op.drop_column("withdrawn")
        batch_op.drop_column("evaluated")
