"""What changed between two versions of a decision's draft, line by line."""

import difflib
from types import SimpleNamespace

from core.auth import Account
from core.errors import Invalid
from decisions.models import Decision
from decisions.records.services import DRAFT, get_record


def draft_diff(decision: Decision, version: int, *, against: int | None, viewer: Account | None):
    """What changed between two versions of the draft, line by line."""
    new = get_record(DRAFT, decision, version, viewer=viewer)
    against = against if against is not None else version - 1
    if against < 1:
        raise Invalid("against", "Version 1 has no previous version: name one with `against`.", location="query")
    old = get_record(DRAFT, decision, against, viewer=viewer)
    lines, added, removed = [], 0, 0
    for line in difflib.ndiff(old.text.splitlines(), new.text.splitlines()):
        op = line[0]
        if op == "?":
            continue
        added += op == "+"
        removed += op == "-"
        lines.append({"op": op, "text": line[2:]})
    return SimpleNamespace(
        decision_id=decision.id, version=version, against=against, added=added, removed=removed, lines=lines
    )
