"""The exports on the wire: the filters an export takes, and the data card."""

import datetime as dt
import re

import marshmallow as ma
from marshmallow import validate

from core.serialize import describe

F = ma.fields

# The district's day: a `since` given as a date starts at its midnight in China Standard Time.
CHINA = dt.timezone(dt.timedelta(hours=8))


class Since(F.Field):
    """A change-feed cursor (digits) as an int, or an instant (a date: its midnight in China)."""

    _INSTANT = F.AwareDateTime()
    _WRONG = "A cursor from the change feed, or an ISO 8601 date or instant with its offset."

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError(self._WRONG)
        if re.fullmatch(r"\d{1,18}", value):
            return int(value)
        try:
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                instant = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), CHINA)
            else:
                instant = self._INSTANT.deserialize(value)
            # As the database compares it; a day at the edge of the calendar has no UTC instant.
            return instant.astimezone(dt.UTC)
        except (ValueError, OverflowError, ma.ValidationError) as error:
            raise ma.ValidationError(self._WRONG) from error


# What Since accepts, for the spec.
SINCE = {"anyOf": [{"pattern": r"^\d{1,18}$"}, {"format": "date"}, {"format": "date-time"}]}


class ExportQueryArgsSchema(ma.Schema):
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=describe("Catalogue year", 2026))
    unit = F.String(validate=validate.Length(1, 40), metadata=describe("Lead unit's code, in any case", "jd-fgw"))
    since = Since(
        metadata=describe(
            "Only rows the change feed changed after this: a cursor from `/changes` (rows with an entry after "
            "it), or an ISO 8601 date (from its midnight, China time) or instant (rows with an entry recorded "
            "at or after it)",
            "120",
            "2026-04-01",
            type="string",
            **SINCE,
        )
    )


class _Column(ma.Schema):
    name = F.String(metadata=describe("The column, as the CSV header and the JSON key spell it", "title"))
    type = F.String(metadata=describe("Its JSON type, or date / date-time (ISO 8601)", "string"))
    meaning_zh = F.String(metadata=describe("What it means, in Chinese", "事项名称"))
    meaning_en = F.String(metadata=describe("What it means, in English", "Title"))


class _LastChange(ma.Schema):
    cursor = F.String(metadata=describe("The change feed's cursor of the newest entry that changed it", "120"))
    recorded_at = F.DateTime(metadata=describe("When that entry was recorded"))


class _Dataset(ma.Schema):
    name = F.String(metadata=describe("The dataset, as its export's path names it", "decisions"))
    title_zh = F.String(metadata=describe("What it holds, in Chinese"))
    title_en = F.String(metadata=describe("What it holds, in English"))
    rows = F.Integer(metadata=describe("How many rows its whole export holds now", 42))
    last_change = F.Nested(_LastChange, allow_none=True, metadata=describe("Null while nothing changed it"))
    columns = F.List(F.Nested(_Column), metadata=describe("Its columns, in order"))
    formats = F.Dict(
        keys=F.String(),
        values=F.String(),
        metadata=describe("Each format's export: csv (UTF-8 with BOM) and jsonl (JSON Lines)"),
    )


class _CardHead(ma.Schema):
    cursor = F.String(metadata=describe("The change feed's newest cursor", "120"))
    hash = F.String(metadata=describe("Its hash (core.chain)"))


class DataCardSchema(ma.Schema):
    licence = F.String(metadata=describe("The licence the open data is published under", "CC BY 4.0"))
    licence_url = F.String(allow_none=True, metadata=describe("The licence's text"))
    publisher = F.String(metadata=describe("Who publishes it", "嘉定区人民政府"))
    head = F.Nested(_CardHead, metadata=describe("Where the change feed stood when the card was read"))
    datasets = F.List(F.Nested(_Dataset), metadata=describe("Each dataset"))
