"""audit: the Merkle log's entries, perfect-subtree hashes, append state and signed tree heads

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_audit_entries")),
    )
    op.create_table(
        "audit_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_audit_nodes")),
    )
    audit_state = op.create_table(
        "audit_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.Text(), nullable=False),
        sa.Column("head_size", sa.BigInteger(), nullable=False),
        sa.Column("head_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_state")),
    )
    op.bulk_insert(
        audit_state, [{"id": 1, "size": 0, "frontier": "[]", "head_size": 0, "head_at": 0}]
    )
    op.create_table(
        "tree_heads",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_tree_heads")),
    )
    op.create_table(
        "peer_tree_heads",
        sa.Column("peer", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer"], ["peers.name"],
            name=op.f("fk_peer_tree_heads_peer_peers"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("peer", "size", name=op.f("pk_peer_tree_heads")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("peer_tree_heads")
    op.drop_table("tree_heads")
    op.drop_table("audit_state")
    op.drop_table("audit_nodes")
    op.drop_table("audit_entries")
