"""Tailored resume and cover letter: users' master resumes (with their own encrypted GigaChat key)
and every generation per user and vacancy

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# New tables only: CREATE TABLE / CREATE INDEX go through schema_translate_map, so "jh" is right
# here (ALTER TABLE would need context.config.attributes["schema"], see 0003/0004).


def upgrade() -> None:
    op.create_table(
        "t16_jh_resume_profiles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "document",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="the master resume, validated by domain.resume.model.Profile",
        ),
        sa.Column(
            "gigachat_key",
            sa.LargeBinary(),
            nullable=True,
            comment="the user's own GigaChat authorization key, Fernet-encrypted (core.secrets); never shown",
        ),
        sa.Column(
            "gigachat_options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="the user's scope, model and temperature; a missing one: JH_GIGACHAT_*",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t16_jh_resume_profiles_user_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_t16_jh_resume_profiles")),
        schema="jh",
        comment="Each user's master resume for tailored documents, and their own GigaChat key.",
    )
    op.create_table(
        "t17_jh_resume_generations",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column(
            "provider",
            sa.Text(),
            nullable=False,
            comment="gigachat or offline (the deterministic template)",
        ),
        sa.Column(
            "model",
            sa.Text(),
            nullable=True,
            comment="the GigaChat model asked; NULL for the offline template",
        ),
        sa.Column(
            "lang", sa.Text(), server_default="ru", nullable=False, comment="language of the documents"
        ),
        sa.Column("vacancy_name", sa.Text(), nullable=False, comment="as it was then, for the file names"),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column(
            "output",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="the checked resume and cover letter as structure; every download renders DOCX from it",
        ),
        sa.Column(
            "report",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="what the truthfulness check removed or corrected; matched skills",
        ),
        sa.Column(
            "error_kind",
            sa.Text(),
            nullable=True,
            comment="auth, rate_limit, timeout, server, network, tls, malformed, ...",
        ),
        sa.Column(
            "error_detail",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="parameters of the error message (status, retry_after); no secret",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_t17_jh_resume_generations_status")
        ),
        sa.CheckConstraint(
            "provider IN ('gigachat', 'offline')", name=op.f("ck_t17_jh_resume_generations_provider")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t17_jh_resume_generations_user_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["jh.t01_jh_vacancies.id"],
            name=op.f("fk_t17_jh_resume_generations_vacancy_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t17_jh_resume_generations")),
        schema="jh",
        comment="Every tailored resume and cover letter, per user and vacancy, kept for downloading again.",
    )
    op.create_index(
        op.f("ix_t17_jh_resume_generations_user_id_vacancy_id_created_at"),
        "t17_jh_resume_generations",
        ["user_id", "vacancy_id", "created_at"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        op.f("ix_t17_jh_resume_generations_vacancy_id"),
        "t17_jh_resume_generations",
        ["vacancy_id"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        "ux_t17_jh_resume_generations_running",
        "t17_jh_resume_generations",
        ["user_id", "vacancy_id"],
        unique=True,
        schema="jh",
        postgresql_where=sa.text("status = 'running'"),
    )


def downgrade() -> None:
    op.drop_table("t17_jh_resume_generations", schema="jh")
    op.drop_table("t16_jh_resume_profiles", schema="jh")
