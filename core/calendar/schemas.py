"""What the calendar's API reads and answers."""

import marshmallow as ma
from marshmallow import validate

from core.calendar.models import OFFICIAL, PROVISIONAL
from core.links import href
from core.serialize import Links, Schema


class CalendarYearSchema(Schema):
    year = ma.fields.Integer(metadata={"description": "The year", "examples": [2027]})
    source = ma.fields.String(
        metadata={
            "description": "chinesecalendar (the package), loaded (by the district office), or none",
            "enum": ["chinesecalendar", "loaded", "none"],
        }
    )
    calendar_status = ma.fields.String(
        metadata={
            "description": "official, or provisional (Monday to Friday) while no data is loaded",
            "enum": [OFFICIAL, PROVISIONAL],
        }
    )
    note = ma.fields.String(metadata={"description": "Which notice the data comes from"})
    holidays = ma.fields.List(ma.fields.Date(), metadata={"description": "Statutory holidays"})
    workdays = ma.fields.List(ma.fields.Date(), metadata={"description": "Weekend make-up working days (调休上班)"})
    loaded_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When it was loaded"})
    _links = Links(lambda y: {"self": href(f"/calendar/{y.year}")})


class CalendarYearInSchema(ma.Schema):
    holidays = ma.fields.List(
        ma.fields.Date(),
        required=True,
        validate=validate.Length(max=60),
        metadata={"examples": [["2027-01-01", "2027-02-05"]]},
    )
    workdays = ma.fields.List(
        ma.fields.Date(), required=True, validate=validate.Length(max=20), metadata={"examples": [["2027-02-14"]]}
    )
    source = ma.fields.String(
        load_default="",
        validate=validate.Length(0, 500),
        metadata={"description": "The notice", "examples": ["国务院办公厅关于2027年部分节假日安排的通知"]},
    )


class WorkingDaysQueryArgsSchema(ma.Schema):
    from_ = ma.fields.Date(
        required=True,
        data_key="from",
        metadata={"description": "The day counted from (not itself counted)", "examples": ["2026-09-28"]},
    )
    add = ma.fields.Integer(
        required=True,
        validate=validate.Range(0, 366),
        metadata={"description": "How many working days", "examples": [10]},
    )


class WorkingDaySchema(Schema):
    date = ma.fields.Date(metadata={"description": "The nth working day after `from`", "examples": ["2026-10-16"]})
    calendar_status = ma.fields.String(
        metadata={
            "description": "official, or provisional when a year's data is not known",
            "enum": [OFFICIAL, PROVISIONAL],
        }
    )
