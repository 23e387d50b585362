"""Initial schema: catalogue tables and the team tables later issues fill.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('send_time', sa.Time(), nullable=False),
    sa.Column('lead_days', sa.JSON(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('everyone_can_update', sa.Boolean(), nullable=False),
    sa.Column('feed_token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed_token_hash')
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('obligation_id', sa.String(length=80), nullable=False),
    sa.Column('occurrence', sa.Date(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'obligation_id', 'occurrence', 'lead_days', name='uq_reminder_key')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_state'), ['state'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('publisher', sa.String(), nullable=False),
    sa.Column('written', sa.Date(), nullable=False),
    sa.Column('url', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('topic_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'topic_id', name='uq_subscription_chat_topic')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_chat_id'), ['chat_id'], unique=False)

    op.create_table('team_status',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('obligation_id', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('chat_id', 'obligation_id')
    )
    op.create_table('topic',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('obligation',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('chapter', sa.String(), nullable=False),
    sa.Column('section', sa.String(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('precision', sa.String(length=10), nullable=False),
    sa.Column('certainty', sa.String(length=10), nullable=False),
    sa.Column('recurrence', sa.String(), nullable=True),
    sa.Column('amount_eur', sa.BigInteger(), nullable=True),
    sa.Column('quote', sa.String(), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligation_end'), ['end'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_start'), ['start'], unique=False)

    op.create_table('obligation_topic',
    sa.Column('obligation_id', sa.String(length=80), nullable=False),
    sa.Column('topic_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligation.id'], ),
    sa.PrimaryKeyConstraint('obligation_id', 'topic_id')
    )
    with op.batch_alter_table('obligation_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligation_topic_topic_id'), ['topic_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('obligation_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligation_topic_topic_id'))

    op.drop_table('obligation_topic')
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligation_start'))
        batch_op.drop_index(batch_op.f('ix_obligation_kind'))
        batch_op.drop_index(batch_op.f('ix_obligation_end'))

    op.drop_table('obligation')
    op.drop_table('topic')
    op.drop_table('team_status')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_chat_id'))

    op.drop_table('subscription')
    op.drop_table('source')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_state'))
        batch_op.drop_index(batch_op.f('ix_reminder_due_at'))
        batch_op.drop_index(batch_op.f('ix_reminder_chat_id'))

    op.drop_table('reminder')
    op.drop_table('chat')
