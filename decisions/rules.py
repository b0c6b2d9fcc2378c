"""A decision's rules that its catalogue shares: which units it may name, which columns the
published catalogue freezes, and how a change is applied and recorded. Who sees it is said in
decisions.visibility."""

from core.errors import CatalogueItemOtherUnit, Invalid
from decisions.models import Decision, completion_last_day
from decisions.units.services import ensure_units_exist

# Columns the published catalogue shows: once public they change only through an adjustment.
CATALOGUE_COLUMNS = (
    "title",
    "category",
    "lead_unit",
    "co_units",
    "planned_completion",
    "enterprise_related",
    "hearing_required",
    "procedures",
    "seq_no",
)


def check_references(fields: dict) -> None:
    """The units a decision names exist, and its lead unit is not also a co-unit."""
    if "lead_unit" in fields:
        ensure_units_exist([fields["lead_unit"]], "lead_unit")
    if "co_units" in fields:
        ensure_units_exist(fields["co_units"], "co_units")
        if fields.get("lead_unit") in fields["co_units"]:
            raise Invalid("co_units", "The lead unit is not also a co-unit.")


def check_catalogue_unit(catalogue_unit: str, lead_unit: str, field: str = "lead_unit") -> None:
    """An item of a unit's own catalogue is that unit's decision; the district's catalogue
    lists any unit's."""
    if catalogue_unit and lead_unit != catalogue_unit:
        raise CatalogueItemOtherUnit(
            field,
            f"An item of {catalogue_unit}'s own catalogue is led by {catalogue_unit}, not {lead_unit}; "
            "another unit's decision goes in that unit's catalogue or the district's.",
        )


def apply_changes(decision: Decision, changes: dict) -> dict:
    """Set fields on a decision; returns {field: [before, after]}."""
    recorded = {}
    for key, value in changes.items():
        before = getattr(decision, key)
        if before != value:
            recorded[key] = [before, value]
            setattr(decision, key, value)
            if key == "planned_completion":
                decision.planned_completion_by = completion_last_day(value)
    return recorded
