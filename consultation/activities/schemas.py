"""Open activities on the wire. No public representation carries a registrant's name or contact;
opinions are read as the public reads them (personal data in their text replaced by markers)."""

import datetime as dt

import marshmallow as ma
from marshmallow import validate

from consultation.activities import rules
from consultation.activities.models import Field, Form, OpinionChannel, RegistrationState
from consultation.comments.schemas import PUBLIC_CONTENT
from consultation.dispositions.models import Disposition, ReasonCode
from consultation.dispositions.schemas import DispositionInSchema
from consultation.schemas import F, bounded_text, enum_values, optional_text
from core.calendar import SHANGHAI
from core.http import JsonBoolean
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe
from decisions.records.schemas import web_address

FIELDS = (
    "The field it opens: government_services_online (一网通办), city_operations_online (一网统管), "
    "livelihood (民生保障), fair_regulation (公正监管), public_health_safety (公共卫生安全), other"
)
FORMS = (
    "How the public joins it: on_site (现场参观), live_stream (云直播), vr (VR 全景), process_demonstration (流程演示)"
)


def _activity_links(activity_id: int) -> dict:
    return {"activity": href(f"/activities/{activity_id}")}


def _registrations(activity) -> dict:
    registered, capacity = activity.registered, activity.capacity
    if capacity is None:
        return {"registered": registered, "confirmed": registered, "waiting": 0, "places_left": None}
    confirmed = min(registered, capacity)
    return {
        "registered": registered,
        "confirmed": confirmed,
        "waiting": registered - confirmed,
        "places_left": capacity - confirmed,
    }


_DEADLINE = {
    "type": "object",
    "properties": {
        "due_on": {"type": ["string", "null"], "format": "date"},
        "calendar_status": {"type": ["string", "null"], "enum": ["official", "provisional", None]},
        "published_on": {"type": ["string", "null"], "format": "date"},
        "status": {"type": "string", "enum": ["not_due", "pending", "on_time", "late", "overdue"]},
    },
}


class ActivitySchema(Schema):
    """政府开放活动: what a unit opens to the public, when and where."""

    id = F.Integer(metadata=describe("The activity's id", 3))
    unit = F.String(metadata=describe("The unit holding it (code)", "jd-fgw"))
    theme = F.String(metadata=describe("Its theme", "走进一网通办"))
    field = F.String(metadata=describe(FIELDS, "government_services_online", enum=enum_values(Field)))
    form = F.String(metadata=describe(FORMS, "on_site", enum=enum_values(Form)))
    description = F.String(allow_none=True, metadata=describe("What the public will see and do"))
    place = F.String(allow_none=True, metadata=describe("Where it takes place (on site, a demonstration)"))
    stream_url = F.String(allow_none=True, metadata=describe("Where it is followed (a live stream, VR)"))
    starts_at = F.DateTime(metadata=describe("When it starts"))
    ends_at = F.DateTime(metadata=describe("When it ends"))
    capacity = F.Integer(allow_none=True, metadata=describe("Places; null: no limit", 30))
    open_month = F.Boolean(metadata=describe("Part of the August open month (政府开放月)"))
    published_on = F.Date(allow_none=True, metadata=describe("Day it was published; null while planned"))
    registrations = Computed(
        _registrations,
        metadata=describe(
            "How many registered, how many have a place (`confirmed`), are on the waiting list, and the places "
            "left (null: no limit)",
            type="object",
            properties={
                "registered": {"type": "integer"},
                "confirmed": {"type": "integer"},
                "waiting": {"type": "integer"},
                "places_left": {"type": ["integer", "null"]},
            },
        ),
    )
    feedback = Computed(
        lambda a: rules.feedback_status(a, a.feedback_published_on),
        metadata=describe(
            "The dedicated feedback report (专项反馈): due ACTIVITY_FEEDBACK_WORKING_DAYS working days after the "
            "activity's last day, on the official calendar",
            **_DEADLINE,
        ),
    )
    _links = Links(
        lambda a: {
            "self": href(f"/activities/{a.id}"),
            "registrations": href(f"/activities/{a.id}/registrations"),
            "opinions": href(f"/activities/{a.id}/opinions"),
            "feedback": href(f"/activities/{a.id}/feedback"),
        }
    )


def _in_range(value: dt.datetime) -> None:
    # An instant far from today cannot be an activity's, and near the ends of the calendar its
    # conversion to Asia/Shanghai overflows.
    if not 2000 <= value.year <= 2100:
        raise ma.ValidationError("An activity takes place between 2000 and 2100.")


def _instant(description: str, example: str):
    return F.AwareDateTime(
        required=True,
        default_timezone=SHANGHAI,
        validate=_in_range,
        metadata=describe(
            description + "; without an offset, Asia/Shanghai; between the years 2000 and 2100",
            example,
            pattern=r"^(20[0-9]{2}|2100)-",
        ),
    )


class ActivityInSchema(ma.Schema):
    unit = F.String(required=True, validate=validate.Length(1, 40), metadata=describe("The unit holding it", "jd-fgw"))
    theme = F.String(required=True, validate=bounded_text(1, 300), metadata=describe("Its theme", "走进一网通办"))
    field = F.String(required=True, validate=choice(Field), metadata=describe(FIELDS, "government_services_online"))
    form = F.String(required=True, validate=choice(Form), metadata=describe(FORMS, "on_site"))
    description = optional_text(5000, "What the public will see and do", "参观区行政服务中心，体验一网通办。")
    place = optional_text(300, "Where: required on site and for a demonstration", "嘉定区行政服务中心")
    stream_url = web_address(
        "Where it is followed: required for a live stream and VR", "https://live.jiading.gov.cn/1", max_length=500
    )
    starts_at = _instant("When it starts", "2026-08-14T09:30:00+08:00")
    ends_at = _instant("When it ends", "2026-08-14T11:30:00+08:00")
    capacity = F.Integer(
        allow_none=True,
        validate=validate.Range(1, 100_000),
        metadata=describe("Places; beyond them registrations go on a waiting list. Null: no limit", 30),
    )
    open_month = JsonBoolean(
        load_default=False,
        metadata=describe(
            "Part of the August open month (政府开放月): it then takes place in August (422 "
            "`open-month-outside-august`)",
            True,
        ),
    )


class ActivityQueryArgsSchema(ma.Schema):
    unit = F.String(validate=validate.Length(1, 40), metadata=describe("Only this unit's (code)"))
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=describe("Only those starting in this year"))
    field = F.String(validate=choice(Field), metadata=describe("Only in this field"))
    form = F.String(validate=choice(Form), metadata=describe("Only in this form"))
    open_month = F.Boolean(metadata=describe("Only those of the open month (true) or not (false)"))


# --- Registrations ---------------------------------------------------------------------------


def _state(registration):
    return rules.state_of(registration, registration.activity)


class RegisteredSchema(Schema):
    """The answer to a registration: the receipt, and where it stands."""

    id = F.Integer(metadata=describe("The registration's id", 12))
    receipt = F.String(metadata=describe("Keep it: GET /receipts/{receipt} shows where the registration stands"))
    activity_id = F.Integer(metadata=describe("The activity", 3))
    state = Computed(
        lambda r: _state(r)[0],
        metadata=describe(
            "confirmed (a place) or waiting (on the waiting list)", type="string", enum=enum_values(RegistrationState)
        ),
    )
    waiting_position = Computed(
        lambda r: _state(r)[1],
        metadata=describe("The place on the waiting list (1 is next); null when confirmed", type=["integer", "null"]),
    )
    registered_on = F.Date(metadata=describe("Day it was taken"))
    registered_at = F.DateTime(metadata=describe("When the service recorded it"))
    _links = Links(lambda r: {"receipt": href(f"/receipts/{r.receipt}"), **_activity_links(r.activity_id)})


class RegistrationReceiptSchema(RegisteredSchema):
    """Where one registration stands, for the person holding its receipt: never a name or contact."""

    _links = Links(lambda r: {"self": href(f"/receipts/{r.receipt}"), **_activity_links(r.activity_id)})


class RegistrationSchema(RegisteredSchema):
    """A registration as the unit's staff read it: who, and how to reach them."""

    position = F.Integer(metadata=describe("Its place in the order registrations came", 1))
    name = F.String(metadata=describe("The registrant's name (staff only)"))
    contact = F.String(metadata=describe("The registrant's phone or e-mail (staff only)"))
    entered_by = F.Integer(allow_none=True, metadata=describe("The staff account that entered it, if one did"))
    _links = Links(lambda r: {"self": href(f"/receipts/{r.receipt}"), **_activity_links(r.activity_id)})


class RegistrationInSchema(ma.Schema):
    name = F.String(
        required=True, validate=bounded_text(1, 100), metadata=describe("Your name: never published", "张三")
    )
    contact = F.String(
        required=True,
        validate=bounded_text(3, 200),
        metadata=describe("Phone or e-mail, to be told of the activity: never published", "13800000000"),
    )
    registered_on = F.Date(
        allow_none=True,
        metadata=describe(
            "Staff only: the day a registration taken by phone or at a counter was taken; before the activity's day",
            "2026-08-10",
        ),
    )


# --- Opinions --------------------------------------------------------------------------------


def _public_content(opinion):
    return opinion.content if opinion.public_content is None else opinion.public_content


class OpinionSchema(Schema):
    """An opinion collected at an activity, as the public reads it, and what became of it."""

    id = F.Integer(metadata=describe("The opinion's id", 7))
    activity_id = F.Integer(metadata=describe("The activity", 3))
    channel = F.String(
        metadata=describe(
            "questionnaire (问卷调查) or discussion (座谈交流)", "discussion", enum=enum_values(OpinionChannel)
        )
    )
    content = Computed(_public_content, metadata=describe(PUBLIC_CONTENT, type="string"))
    received_on = F.Date(metadata=describe("Day it was collected"))
    disposition = F.String(
        allow_none=True, metadata=describe("What became of it", enum=enum_values(Disposition) + [None])
    )
    reason_code = F.String(
        allow_none=True, metadata=describe("Why, from the controlled list", enum=enum_values(ReasonCode) + [None])
    )
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    disposed_on = F.Date(allow_none=True, metadata=describe("Day the disposition was decided"))
    _links = Links(
        lambda o: {"self": href(f"/activities/{o.activity_id}/opinions/{o.id}"), **_activity_links(o.activity_id)}
    )


class StaffOpinionSchema(OpinionSchema):
    """An opinion as the unit's staff read it: as written, and what the public reads of it."""

    content = F.String(metadata=describe("The opinion as written, personal data included (staff only)"))
    public_content = Computed(_public_content, metadata=describe(PUBLIC_CONTENT + " (staff only)", type="string"))
    entered_by = F.Integer(allow_none=True, metadata=describe("The staff account that recorded it"))


class OpinionInSchema(DispositionInSchema):
    """An opinion collected, and its disposition if decided already."""

    class Meta:
        exclude = ("cluster_id",)

    channel = F.String(
        required=True, validate=choice(OpinionChannel), metadata=describe("questionnaire or discussion", "discussion")
    )
    content = F.String(
        required=True,
        validate=bounded_text(1, 5000),
        metadata=describe("The opinion, 1 to 5000 characters", "建议延长行政服务中心周末开放时间。"),
    )
    received_on = F.Date(allow_none=True, metadata=describe("Day it was collected; today when omitted", "2026-08-14"))
    disposition = F.String(
        allow_none=True,
        validate=choice(Disposition),
        metadata=describe("What became of it, if decided already", "partially_adopted"),
    )


class OpinionDispositionInSchema(DispositionInSchema):
    class Meta:
        exclude = ("cluster_id",)


class OpinionQueryArgsSchema(ma.Schema):
    channel = F.String(validate=choice(OpinionChannel), metadata=describe("Only from this channel"))
    disposition = F.String(validate=choice(Disposition), metadata=describe("Only with this disposition"))


# --- The feedback report ---------------------------------------------------------------------


class FeedbackSchema(Schema):
    """专项反馈: what the unit took up of the opinions collected at the activity."""

    activity_id = F.Integer(metadata=describe("The activity", 3))
    summary = F.String(metadata=describe("What was taken up, and what not and why"))
    url = F.String(allow_none=True, metadata=describe("Where it is published on the unit's site"))
    published_on = F.Date(allow_none=True, metadata=describe("Day it was published; null while a draft (staff only)"))
    deadline = Computed(
        lambda r: rules.feedback_status(r.activity, r.published_on),
        metadata=describe("When it was due and whether it was met", **_DEADLINE),
    )
    opinions = Computed(
        lambda r: rules.opinion_counts(r.activity_id),
        metadata=describe(
            "The opinions it answers: how many, by channel, by disposition, and how many have none yet",
            type="object",
        ),
    )
    _links = Links(
        lambda r: {
            "self": href(f"/activities/{r.activity_id}/feedback"),
            "opinions": href(f"/activities/{r.activity_id}/opinions"),
            **_activity_links(r.activity_id),
        }
    )


class FeedbackInSchema(ma.Schema):
    summary = F.String(
        required=True,
        validate=bounded_text(1, 20000),
        metadata=describe("What was taken up, and what not and why", "共收集意见12条，采纳8条……"),
    )
    url = web_address(
        "Where it is published on the unit's site", "https://www.jiading.gov.cn/kfhd/2026/1.html", max_length=500
    )
