"""several workers: plan jobs name the process that watches them and take cancellation
through the database; ranked matches are shared in a table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 13:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_results",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("vacancies_version", sa.Integer(), nullable=False),
        sa.Column("named", sa.LargeBinary(), nullable=False),
        sa.Column("anonymous", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("match_results", schema=None) as batch_op:
        batch_op.create_index("ix_match_results_person_id", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_match_results_vacancies_version", ["vacancies_version"], unique=False
        )
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    op.drop_table("match_results")
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_column("cancel_requested")
        batch_op.drop_column("owner")
