"""workplan: the bilateral work plan's actions and milestones (the web UI's work-plan page)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workplan_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pillar", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workplan_actions")),
    )
    op.create_table(
        "workplan_milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("done_date", sa.String(length=10), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["workplan_actions.id"],
            name=op.f("fk_workplan_milestones_action_id_workplan_actions"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workplan_milestones")),
    )
    op.create_index(
        op.f("ix_workplan_milestones_action_id"), "workplan_milestones", ["action_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workplan_milestones_action_id"), table_name="workplan_milestones")
    op.drop_table("workplan_milestones")
    op.drop_table("workplan_actions")
