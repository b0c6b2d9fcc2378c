"""What the procedure's records look like on the wire."""

import re
from collections.abc import Callable

import marshmallow as ma
from marshmallow import validate

from core import publication
from core.http import MAX_ID, JsonBoolean, dump
from core.links import href
from core.preconditions import EXEMPTIBLE
from core.serialize import Computed, Links, Schema, choice, describe, describe_list
from decisions.records.models import DraftKind, FollowUpKind, LegalityResult, ReviewKind
from decisions.schemas import WEB_ADDRESS, decision_links, title_field

F = ma.fields


def web_address(description: str, *examples, max_length: int = 1000) -> F.Url:
    """An optional http(s) address, with the pattern it must match stated in the spec, at most
    `max_length` characters (its column's)."""
    return F.Url(
        allow_none=True,
        validate=validate.Length(max=max_length),
        metadata=describe(description, *examples, pattern=WEB_ADDRESS),
    )


def status_of(record) -> str:
    """draft, published, superseded (by a correction) or withdrawn."""
    if record.withdrawn_on is not None:
        return "withdrawn"
    if record.superseded_by_id is not None:
        return "superseded"
    return "published" if record.published_on is not None else "draft"


class RecordSchema(Schema):
    """What every publishable record carries. Given `target` (record -> its address), each is
    shown as its reader sees it: published as it was published (its standing read live)."""

    def __init__(self, *args, target: Callable[[object], str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def dump(self, obj, *, many: bool | None = None):
        if self.target is None:
            return super().dump(obj, many=many)
        if self.many if many is None else many:
            return [self._shown(record) for record in obj]
        return self._shown(obj)

    def _shown(self, record) -> dict:
        # The class's dumper, whatever its Meta excludes (which send Schema.dump to marshmallow).
        body = dump(type(self), record)
        return publication.as_published(body, self.target(record)) if record.published_on is not None else body

    decision_id = F.Integer(metadata=describe("The decision it belongs to", 12))
    status = Computed(
        status_of,
        metadata=describe(
            "draft (unpublished, staff only), published, superseded by a correction, or withdrawn",
            "published",
            type="string",
            enum=["draft", "published", "superseded", "withdrawn"],
        ),
    )
    published_on = F.Date(allow_none=True, metadata=describe("Day it was published; null while a draft"))
    withdrawn_on = F.Date(allow_none=True, metadata=describe("Day it was withdrawn"))
    withdrawal_reason = F.String(allow_none=True, metadata=describe("Why it was withdrawn"))
    created_at = F.DateTime(metadata=describe("When the service recorded it"))
    updated_at = F.DateTime(metadata=describe("When it last changed"))


class PublishInSchema(ma.Schema):
    published_on = F.Date(metadata=describe("The real publication day; today when omitted", "2026-04-02"))


# --- Exemptions from a precondition (core.preconditions) --------------------------------------


# A reason in words holds one character that is not a space. Spelled out, not `\S`: Python's
# and JSON Schema's `\s` differ (Python's takes U+001C-U+001F), and the spec states the pattern.
WORDS = r"[^\t\n\v\f\r \u00a0\u3000]"


def _in_words(value: str) -> None:
    if not re.search(WORDS, value):
        raise ma.ValidationError("Give the reason in words.")


class ExemptionInSchema(ma.Schema):
    rule = F.String(
        required=True,
        validate=validate.OneOf(EXEMPTIBLE),
        metadata=describe("The precondition exempted: its problem type's name", "comments-undisposed"),
    )
    reason = F.String(
        required=True,
        validate=[validate.Length(1, 5000), _in_words],
        metadata=describe(
            "Why the record goes ahead without it, in words: published with the record",
            "部分意见系匿名来信，无法核实。",
            pattern=WORDS,
        ),
    )


def exemptions_field(what: str) -> F.List:
    """The `exemptions` of a request: admin only, and only of the preconditions that block it."""
    return F.List(
        F.Nested(ExemptionInSchema),
        load_default=list,
        validate=validate.Length(max=len(EXEMPTIBLE)),
        metadata=describe(
            f"Admin only (403 otherwise): preconditions of {what} that are not met, overridden each with a "
            "written reason; an exemption of a rule that does not block is refused (422)"
        ),
    )


EXEMPTIONS_OUT = describe_list(
    "The preconditions an admin exempted this record from, with the reason, the admin's account id (`by`) "
    "and the day (`on`); published with the record",
    rule={"type": "string", "enum": list(EXEMPTIBLE)},
    reason={"type": "string"},
    by={"type": "integer"},
    on={"type": "string", "format": "date"},
)


def exemptions_of(record) -> list[dict]:
    return record.exemptions or []


class ExemptingPublishInSchema(PublishInSchema):
    exemptions = exemptions_field("its publication")


class WithdrawalInSchema(ma.Schema):
    reason = F.String(
        required=True, validate=validate.Length(1, 5000), metadata=describe("Why", "内容有误，撤回待重新发布。")
    )
    withdrawn_on = F.Date(metadata=describe("The real day of withdrawal; today when omitted"))


def correction_schema(patch_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A correction: the fields it changes (the rest is copied), and why."""
    return type(
        patch_schema.__name__.replace("Patch", "Correction"),
        (patch_schema,),
        {
            "reason": F.String(
                required=True,
                validate=validate.Length(1, 5000),
                metadata=describe("Why it is corrected", "更正文字错误。"),
            ),
            "published_on": F.Date(metadata=describe("Day the correction was published; today when omitted")),
        },
    )


def _record_links(path_of):
    """A record's links: itself (at `path_of(record)`), its decision and timeline, and the
    correction and the version it corrects, both ways."""

    def build(r):
        links = {"self": href(path_of(r)), **decision_links(r.decision_id)}
        if r.corrects_id is not None:
            links["corrects"] = href(path_of(r.corrects))
        if r.superseded_by_id is not None:
            links["superseded_by"] = href(path_of(r.superseded_by))
        return links

    return build


def _version_links(kind_path):
    return _record_links(lambda r: f"/decisions/{r.decision_id}/{kind_path}/versions/{r.version}")


def item_links(kind_path, key="id"):
    return _record_links(lambda r: f"/decisions/{r.decision_id}/{kind_path}/{getattr(r, key)}")


# --- Background ------------------------------------------------------------------------------


class BackgroundSchema(RecordSchema):
    version = F.Integer(metadata=describe("Version; a correction is the next one", 1))
    necessity = F.String(metadata=describe("Why the decision is needed (必要性)"))
    problem = F.String(metadata=describe("The problem it addresses"))
    legal_and_policy_basis = F.String(metadata=describe("Its legal and policy basis"))
    main_content = F.String(metadata=describe("What it will mainly say"))
    _links = Links(_version_links("background"))


class BackgroundInSchema(ma.Schema):
    necessity = F.String(
        required=True,
        validate=validate.Length(1, 20000),
        metadata=describe(
            "Why the decision is needed", "本区民营企业占市场主体的九成以上，现行扶持政策分散，亟需系统集成。"
        ),
    )
    problem = F.String(
        validate=validate.Length(0, 20000),
        metadata=describe("The problem it addresses", "融资难、用地难、政策兑现慢。"),
    )
    legal_and_policy_basis = F.String(
        validate=validate.Length(0, 20000),
        metadata=describe("Legal and policy basis", "《优化营商环境条例》《上海市促进民营经济发展条例》"),
    )
    main_content = F.String(
        validate=validate.Length(0, 50000),
        metadata=describe("Main content", "共二十条，涵盖市场准入、要素保障、政策兑现。"),
    )


class BackgroundPatchSchema(ma.Schema):
    necessity = F.String(validate=validate.Length(1, 20000))
    problem = F.String(validate=validate.Length(0, 20000))
    legal_and_policy_basis = F.String(validate=validate.Length(0, 20000))
    main_content = F.String(validate=validate.Length(0, 50000))


REQUIRED_DRAFT = "A policy document published as a draft, which owes an interpretation (政策解读)"
REQUIRED_RESULT = "A policy document for enterprises and citizens, which owes an interpretation (政策解读)"


# --- Drafts ----------------------------------------------------------------------------------


class DraftSchema(RecordSchema):
    version = F.Integer(metadata=describe("The draft's version number", 2))
    kind = F.String(
        metadata=describe(
            "征求意见稿, 送审稿, 审议稿 or an alternative", "consultation_draft", enum=[k.value for k in DraftKind]
        )
    )
    title = F.String(metadata=describe("Title", "嘉定区促进民营经济高质量发展若干措施（征求意见稿）"))
    text = F.String(metadata=describe("The draft's text"))
    explanation = F.String(metadata=describe("Its explanation (起草说明)"))
    interpretation_required = F.Boolean(metadata=describe(REQUIRED_DRAFT))
    _links = Links(
        lambda r: {
            **item_links("drafts", "version")(r),
            "diff": href(f"/decisions/{r.decision_id}/drafts/{r.version}/diff"),
        }
    )


class DraftInSchema(ma.Schema):
    kind = F.String(required=True, validate=choice(DraftKind), metadata=describe("Kind", "consultation_draft"))
    title = title_field("嘉定区促进民营经济高质量发展若干措施（征求意见稿）", required=True)
    text = F.String(
        required=True, validate=validate.Length(1, 200000), metadata=describe("Text", "第一条 为优化营商环境……")
    )
    explanation = F.String(
        validate=validate.Length(0, 50000), metadata=describe("Explanation", "现就起草情况说明如下……")
    )
    interpretation_required = JsonBoolean(metadata=describe(REQUIRED_DRAFT + "; false when omitted", False))


class DraftPatchSchema(ma.Schema):
    kind = F.String(validate=choice(DraftKind))
    title = F.String(validate=validate.Length(1, 300))
    text = F.String(validate=validate.Length(1, 200000))
    explanation = F.String(validate=validate.Length(0, 50000))
    interpretation_required = JsonBoolean(metadata=describe(REQUIRED_DRAFT))


def _diff_links(d):
    """A draft diff's links (DraftDiffSchema): the diff itself and the two versions it compares."""
    drafts = f"/decisions/{d.decision_id}/drafts"
    return {
        "self": href(f"{drafts}/{d.version}/diff?against={d.against}"),
        "version": href(f"{drafts}/{d.version}"),
        "against": href(f"{drafts}/{d.against}"),
    }


class DiffLineSchema(ma.Schema):
    op = F.String(
        metadata=describe("' ' unchanged, '-' only in `against`, '+' only in this version", enum=[" ", "-", "+"])
    )
    text = F.String(metadata=describe("The line"))


class DraftDiffSchema(Schema):
    version = F.Integer(metadata=describe("This version", 2))
    against = F.Integer(metadata=describe("The version it is compared with", 1))
    added = F.Integer(metadata=describe("Lines added"))
    removed = F.Integer(metadata=describe("Lines removed"))
    lines = F.List(F.Nested(DiffLineSchema), metadata=describe("The text, line by line"))
    _links = Links(_diff_links)


class DiffQueryArgsSchema(ma.Schema):
    against = F.Integer(
        validate=validate.Range(1, MAX_ID),
        metadata=describe("The version to compare with; the previous one when omitted", 1),
    )


# --- Reviews ---------------------------------------------------------------------------------


class ExpertSchema(ma.Schema):
    name = F.String(required=True, validate=validate.Length(1, 100), metadata=describe("Name", "王立新"))
    organisation = F.String(
        required=True, validate=validate.Length(1, 300), metadata=describe("Organisation", "同济大学经济与管理学院")
    )
    no_direct_interest = JsonBoolean(
        required=True, metadata=describe("Declared free of any direct interest in the decision (Art. 20)")
    )
    dissent = F.String(
        allow_none=True, validate=validate.Length(0, 5000), metadata=describe("Dissenting opinion, if any")
    )


class ReviewSchema(RecordSchema):
    id = F.Integer(metadata=describe("The review's id", 4))
    kind = F.String(metadata=describe("Kind of review", "legality_review", enum=[k.value for k in ReviewKind]))
    started_on = F.Date(allow_none=True, metadata=describe("Day it started"))
    completed_on = F.Date(metadata=describe("Day it completed"))
    summary = F.String(metadata=describe("What it found"))
    experts = F.List(F.Nested(ExpertSchema), metadata=describe("expert_review: the experts"))
    risk_points = F.List(F.String(), metadata=describe("risk_assessment: the risk points"))
    mitigation = F.String(allow_none=True, metadata=describe("risk_assessment: how the risks are mitigated"))
    controllable = JsonBoolean(allow_none=True, metadata=describe("risk_assessment: whether the risk is controllable"))
    submitted_on = F.Date(allow_none=True, metadata=describe("legality_review: day it was submitted for review"))
    opinion = F.String(allow_none=True, metadata=describe("legality_review: the reviewer's opinion"))
    result = F.String(
        allow_none=True,
        metadata=describe(
            "legality_review: lawful, lawful_with_changes or unlawful", enum=[r.value for r in LegalityResult] + [None]
        ),
    )
    restricts_competition = JsonBoolean(
        allow_none=True, metadata=describe("fair_competition_review: whether it restricts competition")
    )
    _links = Links(item_links("reviews"))


class _ReviewFields(ma.Schema):
    started_on = F.Date(metadata=describe("Day it started", "2026-05-06"))
    completed_on = F.Date(metadata=describe("Day it completed", "2026-05-20"))
    summary = F.String(
        validate=validate.Length(1, 50000), metadata=describe("What it found", "经审查，该草案符合法律法规规定。")
    )
    experts = F.List(F.Nested(ExpertSchema), validate=validate.Length(max=50))
    risk_points = F.List(F.String(validate=validate.Length(1, 2000)), validate=validate.Length(max=100))
    mitigation = F.String(validate=validate.Length(0, 20000))
    controllable = JsonBoolean()
    submitted_on = F.Date(metadata=describe("legality_review: submitted on", "2026-05-08"))
    opinion = F.String(validate=validate.Length(0, 50000))
    result = F.String(validate=choice(LegalityResult), metadata=describe("legality_review: the result", "lawful"))
    restricts_competition = JsonBoolean()


class ReviewInSchema(_ReviewFields):
    kind = F.String(required=True, validate=choice(ReviewKind), metadata=describe("Kind", "legality_review"))
    completed_on = F.Date(required=True, metadata=describe("Day it completed", "2026-05-20"))
    summary = F.String(
        required=True,
        validate=validate.Length(1, 50000),
        metadata=describe("What it found", "经审查，该草案符合法律法规规定。"),
    )


class ReviewPatchSchema(_ReviewFields):
    pass


# --- Result ----------------------------------------------------------------------------------


class ResultSchema(RecordSchema):
    version = F.Integer(metadata=describe("Version; a correction is the next one", 1))
    title = F.String(metadata=describe("Title of the decision document", "嘉定区促进民营经济高质量发展若干措施"))
    issuer_unit = F.String(metadata=describe("Code of the issuing unit", "jd-gov"))
    doc_number = F.String(metadata=describe("Document number (文号), unique per issuer and year", "嘉府规〔2026〕3号"))
    signed_on = F.Date(metadata=describe("Signed (成文日期)"))
    issued_on = F.Date(metadata=describe("Issued (印发日期)"))
    url = F.String(allow_none=True, metadata=describe("Where the document is published"))
    text = F.String(allow_none=True, metadata=describe("Its text"))
    meeting_id = F.Integer(metadata=describe("The meeting that approved it"))
    interpretation_required = F.Boolean(metadata=describe(REQUIRED_RESULT))
    _links = Links(
        lambda r: {
            **_version_links("result")(r),
            "meeting": href(f"/meetings/{r.meeting_id}"),
            "issuer_unit": href(f"/units/{r.issuer_unit}"),
        }
    )


class _ResultFields(ma.Schema):
    title = title_field("嘉定区促进民营经济高质量发展若干措施")
    issuer_unit = F.String(
        validate=validate.Length(1, 40),
        metadata=describe("Issuing unit; the catalogue's issuer when omitted", "jd-gov"),
    )
    doc_number = F.String(validate=validate.Length(1, 100), metadata=describe("Document number", "嘉府规〔2026〕3号"))
    signed_on = F.Date(metadata=describe("Signed on", "2026-09-25"))
    issued_on = F.Date(metadata=describe("Issued on", "2026-09-28"))
    url = web_address("Where it is published", "https://www.jiading.gov.cn/zwgk/2026/3.html")
    text = F.String(allow_none=True, validate=validate.Length(0, 500000))
    interpretation_required = JsonBoolean(metadata=describe(REQUIRED_RESULT, True))


class ResultInSchema(_ResultFields):
    interpretation_required = JsonBoolean(metadata=describe(REQUIRED_RESULT + "; true when omitted", True))
    title = title_field("嘉定区促进民营经济高质量发展若干措施", required=True)
    doc_number = F.String(
        required=True, validate=validate.Length(1, 100), metadata=describe("Document number", "嘉府规〔2026〕3号")
    )
    signed_on = F.Date(required=True, metadata=describe("Signed on", "2026-09-25"))
    issued_on = F.Date(required=True, metadata=describe("Issued on", "2026-09-28"))


class ResultPatchSchema(_ResultFields):
    pass


# --- Follow-ups ------------------------------------------------------------------------------


class FollowUpSchema(RecordSchema):
    id = F.Integer(metadata=describe("The follow-up's id", 1))
    kind = F.String(metadata=describe("What happened", "execution_report", enum=[k.value for k in FollowUpKind]))
    occurred_on = F.Date(metadata=describe("When it happened"))
    title = F.String(metadata=describe("Title", "2026年度执行情况报告"))
    reason = F.String(metadata=describe("Why, or what it found"))
    url = F.String(allow_none=True, metadata=describe("Where it is published"))
    _links = Links(item_links("follow-ups"))


class FollowUpInSchema(ma.Schema):
    kind = F.String(required=True, validate=choice(FollowUpKind), metadata=describe("Kind", "execution_report"))
    occurred_on = F.Date(required=True, metadata=describe("When it happened", "2026-11-10"))
    title = title_field("2026年度执行情况报告", required=True)
    reason = F.String(
        required=True,
        validate=validate.Length(1, 50000),
        metadata=describe("Why, or what it found", "各项措施已落地，惠及企业1200家。"),
    )
    url = web_address("Where it is published")


class FollowUpPatchSchema(ma.Schema):
    occurred_on = F.Date()
    title = F.String(validate=validate.Length(1, 300))
    reason = F.String(validate=validate.Length(1, 50000))
    url = web_address("Where it is")
