"""access: collection grants, TAXII statuses, and the visibility columns of stored objects

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_grants",
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("party", sa.String(length=100), nullable=False),
        sa.Column("can_read", sa.Boolean(), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"],
            name=op.f("fk_collection_grants_collection_id_collections"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party"], ["parties.name"], name=op.f("fk_collection_grants_party_parties")
        ),
        sa.PrimaryKeyConstraint("collection_id", "party", name=op.f("pk_collection_grants")),
    )  # fmt: skip
    op.create_table(
        "taxii_statuses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("request_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"],
            name=op.f("fk_taxii_statuses_collection_id_collections"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"],
            name=op.f("fk_taxii_statuses_principal_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_statuses")),
    )  # fmt: skip
    with op.batch_alter_table("stix_objects") as batch:
        batch.add_column(
            sa.Column("origin_party", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("releasable_to", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recipients", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stix_objects") as batch:
        batch.drop_column("recipients")
        batch.drop_column("releasable_to")
        batch.drop_column("origin_party")
    op.drop_table("taxii_statuses")
    op.drop_table("collection_grants")
