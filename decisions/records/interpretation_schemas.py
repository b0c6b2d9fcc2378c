"""What interpretations (政策解读) look like on the wire: the form, the text alternative that
every form but text carries, and the interpretation a follow-up follows."""

import marshmallow as ma
from marshmallow import validate

from core.http import MAX_ID
from core.links import href
from core.serialize import Links, choice, describe
from decisions.records.models import InterpretationForm
from decisions.records.schemas import RecordSchema, item_links, web_address
from decisions.schemas import title_field

F = ma.fields

FORMS = (
    "`text` (文字解读) is the plain form; the seed's others: `press_conference` (新闻发布会), "
    "`policy_briefing` (政策通气会), `graphic` (图示图解), `scenario_demo` (场景演示), `animation` "
    "(卡通动漫), `expert_interview` (专家访谈), `short_video` (短视频); and `video`, `interview`, `other`"
)
TEXT_ALTERNATIVE = (
    "Its content in words, for those who cannot see or hear it: required for every form but text "
    "(problem `text-alternative-missing`)"
)
FOLLOWS = (
    "A follow-up interpretation (二次解读/跟踪解读): the id of the published interpretation of the "
    "same decision it follows; null for a first interpretation"
)


def _links(r):
    links = item_links("interpretations")(r)
    if r.follows_id is not None:
        links["follows"] = href(f"/decisions/{r.decision_id}/interpretations/{r.follows_id}")
    return links


class InterpretationSchema(RecordSchema):
    id = F.Integer(metadata=describe("The interpretation's id", 2))
    form = F.String(metadata=describe(f"Its form: {FORMS}", "graphic", enum=[f.value for f in InterpretationForm]))
    title = F.String(metadata=describe("Title", "一图读懂《嘉定区促进民营经济高质量发展若干措施》"))
    url = F.String(allow_none=True, metadata=describe("Where it is"))
    text = F.String(allow_none=True, metadata=describe("Its text"))
    text_alternative = F.String(allow_none=True, metadata=describe(TEXT_ALTERNATIVE))
    follows_id = F.Integer(allow_none=True, metadata=describe(FOLLOWS))
    _links = Links(_links)


class _InterpretationFields(ma.Schema):
    form = F.String(validate=choice(InterpretationForm), metadata=describe(f"Form: {FORMS}", "graphic"))
    title = F.String(validate=validate.Length(1, 300))
    url = web_address("Where it is", "https://www.jiading.gov.cn/zcjd/2026/3.html")
    text = F.String(allow_none=True, validate=validate.Length(0, 200000))
    text_alternative = F.String(
        allow_none=True,
        validate=validate.Length(0, 200000),
        metadata=describe(TEXT_ALTERNATIVE, "图解要点：一、设立3亿元专项资金；二、贷款贴息50%，单户最高100万元。"),
    )
    follows_id = F.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), metadata=describe(FOLLOWS, 2))


class InterpretationInSchema(_InterpretationFields):
    form = F.String(required=True, validate=choice(InterpretationForm), metadata=describe(f"Form: {FORMS}", "graphic"))
    title = title_field("一图读懂《嘉定区促进民营经济高质量发展若干措施》", required=True)


class InterpretationPatchSchema(_InterpretationFields):
    pass
