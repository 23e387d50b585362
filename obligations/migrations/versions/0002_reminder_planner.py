"""Reminders: the planner's progress table; reminder indexes for the dispatcher's due
query only (state, due_at), replacing three single-column ones that slowed bulk planning.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminder_planner',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('planned_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('planned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('catalogue_version', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_chat_id')
        batch_op.drop_index('ix_reminder_due_at')
        batch_op.drop_index('ix_reminder_state')
        batch_op.create_index('ix_reminder_state_due_at', ['state', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_state_due_at')
        batch_op.create_index('ix_reminder_state', ['state'], unique=False)
        batch_op.create_index('ix_reminder_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_reminder_chat_id', ['chat_id'], unique=False)

    op.drop_table('reminder_planner')
