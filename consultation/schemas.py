"""Consultations and comments on the wire. No public representation carries an individual's
name, contact or organisation."""

import marshmallow as ma
from marshmallow import validate

from consultation.models import (
    COMMENT_MAX_CHARS,
    ORGANISATIONS_SHOWN,
    Audience,
    Channel,
    Disposition,
    Method,
    ModerationState,
    ReasonCode,
    SeenByStaff,
    SubmitterType,
)
from core import redaction
from core.http import MAX_ID, JsonBoolean
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe

F = ma.fields


def _values(enum_class):
    return [m.value for m in enum_class]


def _no_nul(value: str) -> None:
    # PostgreSQL's text cannot hold NUL: storing it would fail (a 500) instead of answering 422.
    if "\x00" in value:
        raise ma.ValidationError("Text may not contain the NUL character.")


def _text(shortest, longest):
    """Free text of a bounded length, without NUL."""
    return [validate.Length(shortest, longest), _no_nul]


class CountsSchema(ma.Schema):
    received = F.Integer(metadata=describe("Comments received (rejected ones excluded)"))
    by_channel = F.Dict(keys=F.String(), values=F.Integer(), metadata=describe("By channel"))
    by_submitter_type = F.Dict(keys=F.String(), values=F.Integer(), metadata=describe("By submitter type"))
    by_disposition = F.Dict(
        keys=F.String(), values=F.Integer(), metadata=describe("By disposition; `undisposed` for none yet")
    )


class ParticipantSchema(ma.Schema):
    category = F.String(required=True, validate=_text(1, 40), metadata=describe("Whom they represent", "enterprise"))
    organisation = F.String(allow_none=True, validate=_text(0, 300), metadata=describe("Organisation"))


class ConsultationSchema(Schema):
    id = F.Integer(metadata=describe("The consultation's id", 5))
    decision_id = F.Integer(metadata=describe("The decision", 12))
    draft_version = F.Integer(metadata=describe("The draft version consulted on", 1))
    method = F.String(metadata=describe("How", "online", enum=_values(Method)))
    audience = F.List(F.String(), metadata=describe("Whom it addresses", ["public", "enterprises"]))
    channels = F.List(F.String(), metadata=describe("Where to comment", ["portal", "suishenban"]))
    opens_on = F.Date(metadata=describe("First day comments are taken"))
    closes_on = F.Date(metadata=describe("Last day comments are taken (inclusive, Asia/Shanghai)"))
    window_days = F.Integer(metadata=describe("Calendar days from opens_on to closes_on inclusive", 30))
    shortened_reason = F.String(allow_none=True, metadata=describe("Why the window is shorter than 30 days"))
    comments_public = JsonBoolean(metadata=describe("Whether published comments are shown to all"))
    contact = F.String(allow_none=True, metadata=describe("The drafting department's contact for the consultation"))
    status = F.String(
        metadata=describe(
            "draft, scheduled, open or closed (from the dates)", enum=["draft", "scheduled", "open", "closed"]
        )
    )
    published_on = F.Date(allow_none=True, metadata=describe("Day it was announced"))
    hearing_on = F.Date(allow_none=True, metadata=describe("hearing: the day of the hearing"))
    participants = F.List(
        F.Nested(ParticipantSchema), metadata=describe("hearing: participants, by category and organisation")
    )
    participants_published_on = F.Date(
        allow_none=True, metadata=describe("hearing: day the participant list was published")
    )
    materials_sent_on = F.Date(allow_none=True, metadata=describe("hearing: day materials were sent to participants"))
    record_signed_on = F.Date(allow_none=True, metadata=describe("hearing: day participants signed its record"))
    counts = F.Nested(CountsSchema, metadata=describe("Comments received, computed"))
    _links = Links(
        lambda c: {
            "self": href(f"/consultations/{c.id}"),
            "decision": href(f"/decisions/{c.decision_id}"),
            "draft": href(f"/decisions/{c.decision_id}/drafts/{c.draft_version}"),
            "comments": href(f"/consultations/{c.id}/comments"),
            "clusters": href(f"/consultations/{c.id}/clusters"),
        }
    )


class _ConsultationFields(ma.Schema):
    draft_version = F.Integer(validate=validate.Range(1, MAX_ID), metadata=describe("A published draft version", 1))
    method = F.String(validate=choice(Method), metadata=describe("How", "online"))
    audience = F.List(
        F.String(validate=choice(Audience)),
        validate=validate.Length(1, 5),
        metadata=describe("Whom", ["public", "enterprises", "industry_associations"]),
    )
    channels = F.List(
        F.String(validate=choice(Channel)),
        validate=validate.Length(1, 8),
        metadata=describe("Where", ["portal", "suishenban", "letter"]),
    )
    opens_on = F.Date(metadata=describe("Opens", "2026-04-03"))
    closes_on = F.Date(metadata=describe("Closes (inclusive)", "2026-05-02"))
    shortened_reason = F.String(allow_none=True, validate=_text(1, 5000), metadata=describe("Why shorter than 30 days"))
    comments_public = JsonBoolean(metadata=describe("Show published comments to all"))
    contact = F.String(
        allow_none=True,
        validate=_text(0, 500),
        metadata=describe("Contact", "区发展改革委政策法规科 021-59992000"),
    )


class ConsultationInSchema(_ConsultationFields):
    draft_version = F.Integer(
        required=True, validate=validate.Range(1, MAX_ID), metadata=describe("A published draft version", 1)
    )
    method = F.String(required=True, validate=choice(Method), metadata=describe("How", "online"))
    audience = F.List(
        F.String(validate=choice(Audience)),
        required=True,
        validate=validate.Length(1, 5),
        metadata=describe("Whom", ["public", "enterprises"]),
    )
    channels = F.List(
        F.String(validate=choice(Channel)),
        required=True,
        validate=validate.Length(1, 8),
        metadata=describe("Where", ["portal", "suishenban"]),
    )
    opens_on = F.Date(required=True, metadata=describe("Opens", "2026-04-03"))
    closes_on = F.Date(required=True, metadata=describe("Closes (inclusive)", "2026-05-02"))
    comments_public = JsonBoolean(load_default=False, metadata=describe("Show published comments to all"))


class ConsultationPatchSchema(_ConsultationFields):
    pass


class HearingInSchema(ma.Schema):
    hearing_on = F.Date(required=True, metadata=describe("Day of the hearing", "2026-05-20"))
    participants = F.List(F.Nested(ParticipantSchema), required=True, validate=validate.Length(1, 200))
    participants_published_on = F.Date(
        required=True, metadata=describe("Day the participant list was published", "2026-05-06")
    )
    materials_sent_on = F.Date(required=True, metadata=describe("Day materials were sent", "2026-05-08"))
    record_signed_on = F.Date(allow_none=True, metadata=describe("Day participants signed the record", "2026-05-20"))


def _public_organisation(comment):
    return comment.organisation if comment.submitter_type in ORGANISATIONS_SHOWN else None


def _public_content(comment):
    return comment.content if comment.public_content is None else comment.public_content


PUBLIC_CONTENT = (
    "The opinion as the public reads it: phone numbers, ID numbers, e-mail addresses, bank card numbers "
    "and house numbers replaced by a marker such as ［已隐去：电话］ (also 身份证号, 电子邮箱, 银行卡号, 地址, "
    "and 其他 for what an editor hid)"
)


def _hidden(comment):
    if comment.public_content is None:
        return []  # nothing is hidden: no need to look
    return [{"kind": f.kind, "text": f.text} for f in redaction.hidden(comment.content, comment.redaction_overrides)]


class _CommentFields(Schema):
    """A comment as the public sees it: never a name, contact, or an individual's organisation."""

    id = F.Integer(metadata=describe("The comment's id", 101))
    consultation_id = F.Integer(metadata=describe("The consultation", 5))
    content = Computed(_public_content, metadata=describe(PUBLIC_CONTENT, type="string"))
    submitter_type = F.String(metadata=describe("Who submitted it", "enterprise", enum=_values(SubmitterType)))
    organisation = Computed(
        _public_organisation,
        metadata=describe(
            "Enterprises' and associations' organisation; never an individual's", type=["string", "null"]
        ),
    )
    channel = F.String(metadata=describe("How it came in", "portal", enum=_values(Channel)))
    received_on = F.Date(metadata=describe("Day it was received"))
    disposition = F.String(allow_none=True, metadata=describe("What became of it", enum=_values(Disposition) + [None]))
    reason_code = F.String(
        allow_none=True, metadata=describe("Why, from the controlled list", enum=_values(ReasonCode) + [None])
    )
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    cluster_id = F.Integer(allow_none=True, metadata=describe("The concentrated opinion it belongs to"))
    disposed_on = F.Date(allow_none=True, metadata=describe("Day the disposition was decided"))
    _links = Links(
        lambda c: {
            "self": href(f"/comments/{c.id}"),
            "consultation": href(f"/consultations/{c.consultation_id}"),
        }
    )


class StaffCommentSchema(_CommentFields):
    """A comment as the lead unit's staff see it: the opinion as written, and what of it the
    public does not read."""

    content = F.String(metadata=describe("The opinion as written, personal data included (staff only)"))
    public_content = Computed(_public_content, metadata=describe(PUBLIC_CONTENT + " (staff only)", type="string"))
    hidden = Computed(
        _hidden,
        metadata=describe(
            "What `public_content` hides of `content`, in order (staff only); "
            "`POST /comments/{id}/redaction` restores a false positive or hides more",
            type="array",
            items={
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": _values(redaction.Kind)},
                    "text": {"type": "string", "description": "The hidden text"},
                },
            },
        ),
    )
    redaction_overrides = Computed(
        lambda c: c.redaction_overrides or [],
        metadata=describe(
            "Editors' restorations and hidings, in order; for each text the last stands (staff only)",
            type="array",
            items={
                "type": "object",
                "properties": {
                    "action": {"type": "string", "enum": _values(redaction.Action)},
                    "text": {"type": "string", "description": "The exact part of `content` restored or hidden"},
                    "reason": {"type": "string"},
                    "by": {"type": "integer", "description": "The account that did it"},
                    "at": {"type": "string", "format": "date-time"},
                },
            },
        ),
    )
    name = F.String(allow_none=True, metadata=describe("The commenter's name (staff only)"))
    contact = F.String(allow_none=True, metadata=describe("The commenter's contact (staff only)"))
    organisation = F.String(allow_none=True, metadata=describe("The organisation given"))
    moderation = F.String(metadata=describe("pending, published or rejected", enum=_values(ModerationState)))
    moderation_reason = F.String(allow_none=True, metadata=describe("Why it was rejected"))
    submitted_at = F.DateTime(metadata=describe("When the service received it"))
    entered_by = F.Integer(allow_none=True, metadata=describe("The staff account that entered an offline comment"))


class CommentSchema(_CommentFields):
    """A comment as its reader may see it: as the public sees it, or whole (StaffCommentSchema)
    when the service hands it as SeenByStaff."""

    def dump(self, obj, *, many: bool | None = None):
        many = self.many if many is None else many
        first = (obj[0] if obj else None) if many else obj
        if isinstance(first, SeenByStaff):
            return _STAFF.dump(obj, many=many)
        return super().dump(obj, many=many)


_STAFF = StaffCommentSchema()


class SubmittedCommentSchema(Schema):
    """The answer to a submission: its id and the receipt that tells the commenter what became of it."""

    id = F.Integer(metadata=describe("The comment's id", 101))
    receipt = F.String(
        metadata=describe("Keep it: GET /receipts/{receipt} shows what became of the comment", "Yk3v9Qe2…")
    )
    consultation_id = F.Integer(metadata=describe("The consultation", 5))
    channel = F.String(metadata=describe("How it came in"))
    received_on = F.Date(metadata=describe("Day it was received"))
    _links = Links(
        lambda c: {
            "receipt": href(f"/receipts/{c.receipt}"),
            "consultation": href(f"/consultations/{c.consultation_id}"),
        }
    )


class CommentInSchema(ma.Schema):
    content = F.String(
        required=True,
        validate=_text(1, COMMENT_MAX_CHARS),
        metadata=describe(
            f"The opinion, 1 to {COMMENT_MAX_CHARS} characters", "建议对小微企业的贷款贴息比例再提高一些。"
        ),
    )
    submitter_type = F.String(
        required=True, validate=choice(SubmitterType), metadata=describe("Who you are", "individual")
    )
    name = F.String(allow_none=True, validate=_text(1, 100), metadata=describe("Your name: never published", "张三"))
    contact = F.String(
        allow_none=True,
        validate=_text(1, 200),
        metadata=describe("Phone or e-mail: never published", "13800000000"),
    )
    organisation = F.String(
        allow_none=True,
        validate=_text(1, 300),
        metadata=describe("Enterprise or association, shown with its opinion", "嘉定区工商业联合会"),
    )
    channel = F.String(
        allow_none=True,
        validate=choice(Channel),
        metadata=describe("How it came in; a partner's own channel always; staff give the offline one", "portal"),
    )
    received_on = F.Date(
        allow_none=True, metadata=describe("Staff only: the day an offline comment was received", "2026-04-15")
    )


class CommentQueryArgsSchema(ma.Schema):
    submitter_type = F.String(validate=choice(SubmitterType), metadata=describe("Only from these submitters"))
    channel = F.String(validate=choice(Channel), metadata=describe("Only from this channel"))
    disposition = F.String(validate=choice(Disposition), metadata=describe("Only with this disposition"))


class ModerationInSchema(ma.Schema):
    action = F.String(
        required=True,
        validate=validate.OneOf(["publish", "reject"]),
        metadata=describe("publish or reject", "publish"),
    )
    reason = F.String(
        allow_none=True,
        validate=_text(1, 5000),
        metadata=describe("Required to reject", "含有与征求意见无关的广告内容。"),
    )


class RedactionInSchema(ma.Schema):
    action = F.String(
        required=True,
        validate=choice(redaction.Action),
        metadata=describe("restore: show a part hidden by mistake; hide: hide a part the rules missed", "hide"),
    )
    text = F.String(
        required=True,
        validate=_text(1, COMMENT_MAX_CHARS),
        metadata=describe(
            "An exact part of the comment's `content`: to restore, one that covers a whole hidden part", "张三"
        ),
    )
    reason = F.String(
        required=True, validate=_text(1, 5000), metadata=describe("Why, on record", "来信人姓名，属个人信息。")
    )


class DispositionInSchema(ma.Schema):
    disposition = F.String(
        required=True, validate=choice(Disposition), metadata=describe("What became of it", "not_adopted")
    )
    reason_code = F.String(
        allow_none=True,
        validate=choice(ReasonCode),
        metadata=describe("Why, from the controlled list; required unless adopted", "outside_competence"),
    )
    reason = F.String(
        allow_none=True,
        validate=_text(1, 5000),
        metadata=describe("Why, in words; required unless adopted", "该事项属市级事权，已转交市相关部门研究。"),
    )
    cluster_id = F.Integer(
        allow_none=True,
        validate=validate.Range(1, MAX_ID),
        metadata=describe("The concentrated opinion it belongs to"),
    )
    disposed_on = F.Date(
        allow_none=True,
        metadata=describe("The real day it was decided, when entered after the fact; today when omitted", "2026-05-20"),
    )


class ClusterSchema(Schema):
    id = F.Integer(metadata=describe("The cluster's id", 3))
    consultation_id = F.Integer(metadata=describe("The consultation", 5))
    summary = F.String(metadata=describe("The concentrated opinion, summarised"))
    disposition = F.String(metadata=describe("What became of it", enum=_values(Disposition)))
    reason_code = F.String(
        allow_none=True, metadata=describe("Why, from the controlled list", enum=_values(ReasonCode) + [None])
    )
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    comment_count = Computed(
        lambda c: getattr(c, "comment_count", None), metadata=describe("Comments in it", type="integer")
    )
    _links = Links(
        lambda c: {
            "self": href(f"/consultations/{c.consultation_id}/clusters/{c.id}"),
            "consultation": href(f"/consultations/{c.consultation_id}"),
        }
    )


class ClusterInSchema(ma.Schema):
    summary = F.String(
        required=True,
        validate=_text(1, 5000),
        metadata=describe("Summary", "多条意见建议提高小微企业贷款贴息比例。"),
    )
    comment_ids = F.List(
        F.Integer(validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(1, 10000),
        metadata=describe("Its comments", [101, 102]),
    )
    disposition = F.String(
        required=True, validate=choice(Disposition), metadata=describe("Disposition", "partially_adopted")
    )
    reason_code = F.String(
        allow_none=True, validate=choice(ReasonCode), metadata=describe("Why", "cost_or_feasibility")
    )
    reason = F.String(
        allow_none=True,
        validate=_text(1, 5000),
        metadata=describe("Why, in words", "贴息比例提高至50%，财政承受能力有限，暂不再提高。"),
    )
    disposed_on = F.Date(
        allow_none=True, metadata=describe("The real day it was decided; today when omitted", "2026-05-20")
    )


class ReceiptSchema(Schema):
    """What became of one comment, for the person holding its receipt."""

    comment_id = Computed(lambda c: c.id, metadata=describe("The comment", type="integer"))
    consultation_id = F.Integer(metadata=describe("The consultation"))
    content = Computed(_public_content, metadata=describe("Your comment. " + PUBLIC_CONTENT, type="string"))
    received_on = F.Date(metadata=describe("Day it was received"))
    channel = F.String(metadata=describe("How it came in"))
    moderation = F.String(metadata=describe("pending, published or rejected"))
    moderation_reason = F.String(allow_none=True, metadata=describe("Why it was rejected"))
    disposition = F.String(allow_none=True, metadata=describe("What became of it; null while it is being studied"))
    reason_code = F.String(allow_none=True, metadata=describe("Why, from the controlled list"))
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    disposed_on = F.Date(allow_none=True, metadata=describe("Day the disposition was recorded"))
    _links = Links(
        lambda c: {"self": href(f"/receipts/{c.receipt}"), "consultation": href(f"/consultations/{c.consultation_id}")}
    )


class ClusterPatchSchema(ma.Schema):
    summary = F.String(validate=validate.Length(1, 5000))
    disposition = F.String(validate=choice(Disposition))
    reason_code = F.String(allow_none=True, validate=choice(ReasonCode))
    reason = F.String(allow_none=True, validate=validate.Length(1, 5000))
