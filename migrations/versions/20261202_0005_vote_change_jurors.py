"""vote_changes.juror_id: whose vote each history row was

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:50:00

The history of a vote was kept by task only. Rebalancing can give an open task to another
juror (decision 0011), and a task reopened by a withdrawn vote carries that vote's history:
the rows now say whose vote they were. Existing rows get their task's juror, which is who
cast them unless the task moved since.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vote_changes") as batch:
        batch.add_column(sa.Column("juror_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_vote_changes_juror_id_users"),
            "users",
            ["juror_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE vote_changes SET juror_id ="
        " (SELECT tasks.juror_id FROM tasks WHERE tasks.id = vote_changes.task_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("vote_changes") as batch:
        batch.drop_constraint(op.f("fk_vote_changes_juror_id_users"), type_="foreignkey")
        batch.drop_column("juror_id")
