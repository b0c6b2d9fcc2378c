"""Comments on the wire. No public representation carries an individual's name, contact or
organisation."""

import marshmallow as ma
from marshmallow import validate

from consultation.comments.models import (
    COMMENT_MAX_CHARS,
    ORGANISATIONS_SHOWN,
    Channel,
    ModerationState,
    SeenByStaff,
    SubmitterType,
)
from consultation.dispositions.models import Disposition, ReasonCode
from consultation.schemas import F, bounded_text, consultation_link, enum_values, optional_text
from core import redaction
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe, describe_list


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
    submitter_type = F.String(metadata=describe("Who submitted it", "enterprise", enum=enum_values(SubmitterType)))
    organisation = Computed(
        _public_organisation,
        metadata=describe(
            "Enterprises' and associations' organisation; never an individual's", type=["string", "null"]
        ),
    )
    channel = F.String(metadata=describe("How it came in", "portal", enum=enum_values(Channel)))
    received_on = F.Date(metadata=describe("Day it was received"))
    disposition = F.String(
        allow_none=True, metadata=describe("What became of it", enum=enum_values(Disposition) + [None])
    )
    reason_code = F.String(
        allow_none=True, metadata=describe("Why, from the controlled list", enum=enum_values(ReasonCode) + [None])
    )
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    cluster_id = F.Integer(allow_none=True, metadata=describe("The concentrated opinion it belongs to"))
    disposed_on = F.Date(allow_none=True, metadata=describe("Day the disposition was decided"))
    _links = Links(lambda c: {"self": href(f"/comments/{c.id}"), **consultation_link(c.consultation_id)})


class StaffCommentSchema(_CommentFields):
    """A comment as the lead unit's staff see it: the opinion as written, and what of it the
    public does not read."""

    content = F.String(metadata=describe("The opinion as written, personal data included (staff only)"))
    public_content = Computed(_public_content, metadata=describe(PUBLIC_CONTENT + " (staff only)", type="string"))
    hidden = Computed(
        _hidden,
        metadata=describe_list(
            "What `public_content` hides of `content`, in order (staff only); "
            "`POST /comments/{id}/redaction` restores a false positive or hides more",
            kind={"type": "string", "enum": enum_values(redaction.Kind)},
            text={"type": "string", "description": "The hidden text"},
        ),
    )
    redaction_overrides = Computed(
        lambda c: c.redaction_overrides or [],
        metadata=describe_list(
            "Editors' restorations and hidings, in order; for each text the last stands (staff only)",
            action={"type": "string", "enum": enum_values(redaction.Action)},
            text={"type": "string", "description": "The exact part of `content` restored or hidden"},
            reason={"type": "string"},
            by={"type": "integer", "description": "The account that did it"},
            at={"type": "string", "format": "date-time"},
        ),
    )
    name = F.String(allow_none=True, metadata=describe("The commenter's name (staff only)"))
    contact = F.String(allow_none=True, metadata=describe("The commenter's contact (staff only)"))
    notify_outcome = F.Boolean(
        metadata=describe("Whether the commenter asked to be told the disposition once published (staff only)")
    )
    organisation = F.String(allow_none=True, metadata=describe("The organisation given"))
    moderation = F.String(metadata=describe("pending, published or rejected", enum=enum_values(ModerationState)))
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
    _links = Links(lambda c: {"receipt": href(f"/receipts/{c.receipt}"), **consultation_link(c.consultation_id)})


class CommentInSchema(ma.Schema):
    content = F.String(
        required=True,
        validate=bounded_text(1, COMMENT_MAX_CHARS),
        metadata=describe(
            f"The opinion, 1 to {COMMENT_MAX_CHARS} characters", "建议对小微企业的贷款贴息比例再提高一些。"
        ),
    )
    submitter_type = F.String(
        required=True, validate=choice(SubmitterType), metadata=describe("Who you are", "individual")
    )
    name = optional_text(100, "Your name: never published", "张三")
    contact = optional_text(200, "Phone or e-mail: never published", "13800000000")
    organisation = optional_text(300, "Enterprise or association, shown with its opinion", "嘉定区工商业联合会")
    notify_outcome = F.Boolean(
        load_default=False,
        metadata=describe(
            "Tell me what became of it: one message to the e-mail address or phone number in `contact` "
            "when the comment's disposition is published (422 without either); never published",
            True,
        ),
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
    reason = optional_text(5000, "Required to reject", "含有与征求意见无关的广告内容。")


class RedactionInSchema(ma.Schema):
    action = F.String(
        required=True,
        validate=choice(redaction.Action),
        metadata=describe("restore: show a part hidden by mistake; hide: hide a part the rules missed", "hide"),
    )
    text = F.String(
        required=True,
        validate=bounded_text(1, COMMENT_MAX_CHARS),
        metadata=describe(
            "An exact part of the comment's `content`: to restore, one that covers a whole hidden part", "张三"
        ),
    )
    reason = F.String(
        required=True, validate=bounded_text(1, 5000), metadata=describe("Why, on record", "来信人姓名，属个人信息。")
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
    _links = Links(lambda c: {"self": href(f"/receipts/{c.receipt}"), **consultation_link(c.consultation_id)})


class IdempotencyHeaderSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": "A key you choose per comment (a UUID): a repeat with it returns the first comment "
            "and stores nothing new"
        },
    )
