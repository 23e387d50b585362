"""Team workflow: own deadlines and the history of changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('linked_obligation_id', sa.String(length=80), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'number', name='uq_team_deadline_number')
    )
    with op.batch_alter_table('team_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_deadline_chat_id'), ['chat_id'], unique=False)

    op.create_table('team_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('actor_name', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('team_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_event_chat_id'), ['chat_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('team_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_event_chat_id'))

    op.drop_table('team_event')
    with op.batch_alter_table('team_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_deadline_chat_id'))

    op.drop_table('team_deadline')
