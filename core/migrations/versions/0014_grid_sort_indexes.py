"""The grid at a million rows: every sortable column read in order from an index, both directions

Each sort column of ``t01_jh_vacancies`` gets an index ending in the id (the grid's tie-break),
so a block is one index range and a deep block continues from the row before it (keyset, see
``webapp.grid_cursors``): the title (new), the employer (new), the salaries and the two dates
(their single-column indexes replaced by ones with the id). A nullable column is indexed
``DESC NULLS LAST``: read forwards for high to low, backwards for low to high (its empty values,
last either way, are a range of their own). ``t06_jh_details.key_skills`` gets a GIN index for the
grid's key-skills filter.

Not indexed on purpose: ``times_seen`` (every harvest that sees a vacancy again changes it; an
index would turn those heap-only updates into index writes), and the columns with a handful of
values (source, experience, area, stage), which the grid filters but does not sort.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

VACANCIES = "t01_jh_vacancies"


def _desc(column: str) -> list[sa.TextClause]:
    return [sa.text(f"{column} DESC NULLS LAST"), sa.text("id DESC")]


def upgrade() -> None:
    op.create_index("ix_t01_jh_vacancies_name_id", VACANCIES, ["name", "id"], schema="jh")
    op.create_index("ix_t01_jh_vacancies_employer_name_id", VACANCIES, _desc("employer_name"), schema="jh")
    for column in ("salary_from_rub", "salary_to_rub"):
        op.drop_index(f"ix_t01_jh_vacancies_{column}", table_name=VACANCIES, schema="jh")
        op.create_index(f"ix_t01_jh_vacancies_{column}", VACANCIES, _desc(column), schema="jh")
    for column in ("published_at", "first_seen_at"):
        op.drop_index(f"ix_t01_jh_vacancies_{column}", table_name=VACANCIES, schema="jh")
        op.create_index(f"ix_t01_jh_vacancies_{column}_id", VACANCIES, [column, "id"], schema="jh")
    op.create_index(
        "ix_t06_jh_details_key_skills", "t06_jh_details", ["key_skills"], schema="jh", postgresql_using="gin"
    )


def downgrade() -> None:
    op.drop_index("ix_t06_jh_details_key_skills", table_name="t06_jh_details", schema="jh")
    for column in ("published_at", "first_seen_at"):
        op.drop_index(f"ix_t01_jh_vacancies_{column}_id", table_name=VACANCIES, schema="jh")
        op.create_index(f"ix_t01_jh_vacancies_{column}", VACANCIES, [column], schema="jh")
    for column in ("salary_from_rub", "salary_to_rub"):
        op.drop_index(f"ix_t01_jh_vacancies_{column}", table_name=VACANCIES, schema="jh")
        op.create_index(
            f"ix_t01_jh_vacancies_{column}", VACANCIES, [sa.text(f"{column} DESC NULLS LAST")], schema="jh"
        )
    op.drop_index("ix_t01_jh_vacancies_employer_name_id", table_name=VACANCIES, schema="jh")
    op.drop_index("ix_t01_jh_vacancies_name_id", table_name=VACANCIES, schema="jh")
