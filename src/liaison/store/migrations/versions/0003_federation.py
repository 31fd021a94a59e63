"""federation: peers, sync checkpoints, and the provenance of received objects

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("party", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["party"], ["parties.name"], name=op.f("fk_peers_party_parties")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_peers")),
    )
    op.create_table(
        "sync_checkpoints",
        sa.Column("peer", sa.String(length=100), nullable=False),
        sa.Column("remote_collection_id", sa.String(length=36), nullable=False),
        sa.Column("local_collection_id", sa.String(length=36), nullable=False),
        sa.Column("added_after", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer"], ["peers.name"],
            name=op.f("fk_sync_checkpoints_peer_peers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["local_collection_id"], ["collections.id"],
            name=op.f("fk_sync_checkpoints_local_collection_id_collections"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "peer", "remote_collection_id", name=op.f("pk_sync_checkpoints")
        ),
    )  # fmt: skip
    with op.batch_alter_table("stix_objects") as batch:
        batch.add_column(sa.Column("received_from", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("received_at", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stix_objects") as batch:
        batch.drop_column("received_at")
        batch.drop_column("received_from")
    op.drop_table("sync_checkpoints")
    op.drop_table("peers")
