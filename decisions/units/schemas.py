"""What the district's units look like on the wire."""

import marshmallow as ma
from marshmallow import validate

from core.links import href
from core.serialize import Links, Schema, choice, describe
from decisions.models import UnitKind

F = ma.fields


class UnitSchema(Schema):
    code = F.String(metadata=describe("The unit's code; other records name the unit by it", "jd-fgw"))
    name = F.String(metadata=describe("The unit's name", "嘉定区发展和改革委员会"))
    kind = F.String(metadata=describe("What kind of unit", "department", enum=[k.value for k in UnitKind]))
    _links = Links(lambda u: {"self": href(f"/units/{u.code}")})


class UnitInSchema(ma.Schema):
    code = F.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9_-]{0,17}$", error="Use letters, digits, - and _ (at most 18)."
        ),
        metadata=describe(
            "The unit's code, fixed for good and stored as given: a short code, or its 统一社会信用代码. "
            "It names the unit in any case, so no other unit may have it in another case.",
            "jd-fgw",
        ),
    )
    name = F.String(
        required=True, validate=validate.Length(1, 200), metadata=describe("Name", "嘉定区发展和改革委员会")
    )
    kind = F.String(required=True, validate=choice(UnitKind), metadata=describe("Kind", "department"))


class UnitPatchSchema(ma.Schema):
    name = F.String(validate=validate.Length(1, 200), metadata=describe("Name", "嘉定区发展和改革委员会"))
    kind = F.String(validate=choice(UnitKind), metadata=describe("Kind", "department"))


class UnitQueryArgsSchema(ma.Schema):
    kind = F.String(validate=choice(UnitKind), metadata=describe("Only units of this kind"))
