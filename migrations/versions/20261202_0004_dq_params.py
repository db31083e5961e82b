"""dq_params: the facts behind a rule's disqualification reason

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:40:00

``round_entries.dq_params`` holds the values a rule's reason states (timestamps, sizes, the
file type, the uploader's role), so that the UI can word the reason in the reader's language
instead of showing the English sentence of ``dq_reason``. Entries disqualified before this
revision keep NULL and show their English reason until the rules are applied again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("round_entries", sa.Column("dq_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("round_entries") as batch:
        batch.drop_column("dq_params")
