"""every unit's own catalogue and decision meetings

- `catalogues.unit`: the unit whose catalogue it is, '' for the district government's; the
  key becomes (unit, year), so that a department, a town or a street keeps one a year beside
  the district's. The catalogues on record are the district's and keep their key's year.
- `decisions.catalogue_unit` and `catalogue_adjustments.catalogue_unit`, '' on record: with
  the year they name the catalogue (a foreign key of two columns); a decision's sequence
  number is unique within its catalogue.
- `meetings.unit`: the unit that holds a unit body's meeting (局长办公会, 党政联席会议, …), null
  for the district's; `body_type` is widened for the units' bodies' names; one session of a
  body a day is now two partial unique indexes, the district's and each unit's.

Nothing here is append-only (no triggers to rebuild).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 18:30:00

"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

DISTRICT_WHERE = sa.text("unit IS NULL")
UNIT_WHERE = sa.text("unit IS NOT NULL")


@contextmanager
def _batch(table, **options):
    # Batch mode on SQLite reflects the tables referred to, units among them, whose expression
    # index (lower(code), 0013) SQLAlchemy cannot reflect, and need not: units is not rebuilt.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table(table, schema=None, **options) as batch_op:
            yield batch_op


def upgrade():
    # The foreign keys to catalogues.year go before its key changes (PostgreSQL refuses to drop
    # a key that others refer to), and come back on the two columns after.
    with _batch("decisions") as batch_op:
        batch_op.drop_constraint("fk_decisions_catalogue_year_catalogues", type_="foreignkey")
        batch_op.drop_constraint("uq_decisions_catalogue_year_seq_no", type_="unique")
        batch_op.add_column(sa.Column("catalogue_unit", sa.String(length=40), server_default="", nullable=False))
    with _batch("catalogue_adjustments") as batch_op:
        batch_op.drop_constraint("fk_catalogue_adjustments_catalogue_year_catalogues", type_="foreignkey")
        batch_op.drop_index("ix_catalogue_adjustments_catalogue_year")
        batch_op.add_column(sa.Column("catalogue_unit", sa.String(length=40), server_default="", nullable=False))
    with _batch("catalogues") as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=40), server_default="", nullable=False))
        batch_op.drop_constraint("pk_catalogues", type_="primary")
        batch_op.create_primary_key("pk_catalogues", ["unit", "year"])
    with _batch("decisions") as batch_op:
        batch_op.create_unique_constraint(
            "uq_decisions_catalogue_unit_catalogue_year_seq_no", ["catalogue_unit", "catalogue_year", "seq_no"]
        )
        batch_op.create_foreign_key(
            "fk_decisions_catalogue_unit_catalogues",
            "catalogues",
            ["catalogue_unit", "catalogue_year"],
            ["unit", "year"],
        )
    with _batch("catalogue_adjustments") as batch_op:
        batch_op.create_index("ix_catalogue_adjustments_catalogue", ["catalogue_unit", "catalogue_year"], unique=False)
        batch_op.create_foreign_key(
            "fk_catalogue_adjustments_catalogue_unit_catalogues",
            "catalogues",
            ["catalogue_unit", "catalogue_year"],
            ["unit", "year"],
        )
    with _batch("meetings") as batch_op:
        batch_op.alter_column("body_type", existing_type=sa.String(length=20), type_=sa.String(length=30))
        batch_op.add_column(sa.Column("unit", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key("fk_meetings_unit_units", "units", ["unit"], ["code"])
        batch_op.create_index("ix_meetings_unit", ["unit"], unique=False)
        batch_op.drop_constraint("uq_meetings_body_type_held_on_session_no", type_="unique")
        batch_op.create_index(
            "ix_meetings_district_session",
            ["body_type", "held_on", "session_no"],
            unique=True,
            sqlite_where=DISTRICT_WHERE,
            postgresql_where=DISTRICT_WHERE,
        )
        batch_op.create_index(
            "ix_meetings_unit_session",
            ["unit", "body_type", "held_on", "session_no"],
            unique=True,
            sqlite_where=UNIT_WHERE,
            postgresql_where=UNIT_WHERE,
        )


def downgrade():
    # Units' catalogues, their items and adjustments, and units' meetings have no place in the
    # older schema: they go (the items' records first, as the tables refer to them).
    bind = op.get_bind()
    unit_meetings = "SELECT id FROM meetings WHERE unit IS NOT NULL"
    bind.execute(sa.text(f"DELETE FROM meeting_attendees WHERE meeting_id IN ({unit_meetings})"))
    bind.execute(sa.text(f"DELETE FROM agenda_items WHERE meeting_id IN ({unit_meetings})"))
    bind.execute(sa.text("DELETE FROM meetings WHERE unit IS NOT NULL"))
    bind.execute(sa.text("DELETE FROM catalogue_adjustments WHERE catalogue_unit <> ''"))
    if bind.execute(sa.text("SELECT count(*) FROM decisions WHERE catalogue_unit <> ''")).scalar():
        raise RuntimeError(
            "Units' catalogues hold decisions, which the older schema cannot keep: "
            "move or remove them before going below 0022."
        )
    bind.execute(sa.text("DELETE FROM catalogues WHERE unit <> ''"))
    with _batch("meetings") as batch_op:
        batch_op.drop_index("ix_meetings_unit_session", sqlite_where=UNIT_WHERE, postgresql_where=UNIT_WHERE)
        batch_op.drop_index(
            "ix_meetings_district_session", sqlite_where=DISTRICT_WHERE, postgresql_where=DISTRICT_WHERE
        )
        batch_op.create_unique_constraint(
            "uq_meetings_body_type_held_on_session_no", ["body_type", "held_on", "session_no"]
        )
        batch_op.drop_index("ix_meetings_unit")
        batch_op.drop_constraint("fk_meetings_unit_units", type_="foreignkey")
        batch_op.drop_column("unit")
        batch_op.alter_column("body_type", existing_type=sa.String(length=30), type_=sa.String(length=20))
    with _batch("catalogue_adjustments") as batch_op:
        batch_op.drop_constraint("fk_catalogue_adjustments_catalogue_unit_catalogues", type_="foreignkey")
        batch_op.drop_index("ix_catalogue_adjustments_catalogue")
    with _batch("decisions") as batch_op:
        batch_op.drop_constraint("fk_decisions_catalogue_unit_catalogues", type_="foreignkey")
        batch_op.drop_constraint("uq_decisions_catalogue_unit_catalogue_year_seq_no", type_="unique")
    with _batch("catalogues") as batch_op:
        batch_op.drop_constraint("pk_catalogues", type_="primary")
        batch_op.create_primary_key("pk_catalogues", ["year"])
        batch_op.drop_column("unit")
    with _batch("catalogue_adjustments") as batch_op:
        batch_op.drop_column("catalogue_unit")
        batch_op.create_index("ix_catalogue_adjustments_catalogue_year", ["catalogue_year"], unique=False)
        batch_op.create_foreign_key(
            "fk_catalogue_adjustments_catalogue_year_catalogues", "catalogues", ["catalogue_year"], ["year"]
        )
    with _batch("decisions") as batch_op:
        batch_op.drop_column("catalogue_unit")
        batch_op.create_unique_constraint("uq_decisions_catalogue_year_seq_no", ["catalogue_year", "seq_no"])
        batch_op.create_foreign_key(
            "fk_decisions_catalogue_year_catalogues", "catalogues", ["catalogue_year"], ["year"]
        )
