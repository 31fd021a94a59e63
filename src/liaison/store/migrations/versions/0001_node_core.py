"""node core: collections, STIX objects, clock, parties, principals, tokens

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("default_tlp", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("name", name=op.f("uq_collections_name")),
    )
    node_clock = op.create_table(
        "node_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_date_added", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_clock")),
    )
    op.bulk_insert(node_clock, [{"id": 1, "last_date_added": 0}])
    op.create_table(
        "parties",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_parties")),
    )
    op.create_table(
        "principals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("party", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party"], ["parties.name"], name=op.f("fk_principals_party_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
        sa.UniqueConstraint("name", name=op.f("uq_principals_name")),
    )
    op.create_table(
        "stix_objects",
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("modified", sa.String(length=30), nullable=False),
        sa.Column("type", sa.String(length=250), nullable=False),
        sa.Column("created", sa.String(length=30), nullable=True),
        sa.Column("spec_version", sa.String(length=8), nullable=False),
        sa.Column("date_added", sa.BigInteger(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=True),
        sa.Column("origin_node", sa.String(length=100), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_stix_objects_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("collection_id", "id", "modified", name=op.f("pk_stix_objects")),
    )
    with op.batch_alter_table("stix_objects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stix_objects_collection_date_added", ["collection_id", "date_added"], unique=True
        )
        batch_op.create_index(
            "ix_stix_objects_collection_type_date_added",
            ["collection_id", "type", "date_added"],
            unique=False,
        )

    op.create_table(
        "tokens",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_tokens_principal_id_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
    )


def downgrade() -> None:
    op.drop_table("tokens")
    with op.batch_alter_table("stix_objects", schema=None) as batch_op:
        batch_op.drop_index("ix_stix_objects_collection_type_date_added")
        batch_op.drop_index("ix_stix_objects_collection_date_added")

    op.drop_table("stix_objects")
    op.drop_table("principals")
    op.drop_table("parties")
    op.drop_table("node_clock")
    op.drop_table("collections")
