"""What a search answers, and what it is asked."""

import marshmallow as ma
from marshmallow import validate

from core.links import api_url
from core.serialize import Computed, Links, RecordList, Schema, describe
from decisions.models import Category, DecisionState
from decisions.schemas import decision_links
from opendata.search.indexing import KINDS

F = ma.fields


class SearchArgsSchema(ma.Schema):
    q = F.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata=describe('What to look for: words of any length, "a phrase" in double quotes', "贴息"),
    )
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=describe("Catalogue year", 2026))
    unit = F.String(validate=validate.Length(1, 64), metadata=describe("Lead unit's code", "jd-fgw"))
    category = F.String(validate=validate.OneOf([c.value for c in Category]), metadata=describe("Category"))
    kind = F.String(validate=validate.OneOf(KINDS), metadata=describe("What kind of document", "draft"))
    stage = F.String(
        validate=validate.OneOf([s.value for s in DecisionState]),
        metadata=describe("Where the decision's procedure stands", "consulting"),
    )


class HitSchema(ma.Schema):
    kind = F.String(metadata=describe("What it is", "draft", enum=list(KINDS)))
    decision_id = F.Integer(metadata=describe("The decision it belongs to", 12))
    year = F.Integer(metadata=describe("Catalogue year", 2026))
    unit = F.String(metadata=describe("Lead unit's code", "jd-fgw"))
    category = F.String(metadata=describe("Category", "public_policy"))
    stage = F.String(metadata=describe("Where the decision's procedure stands", "consulting"))
    published_on = F.Date(allow_none=True, metadata=describe("When the public could first read it"))
    title = F.String(metadata=describe("Its title", "决策草案（第1版）：嘉定区中小企业贷款贴息办法"))
    highlighted_title = F.String(
        metadata=describe("The title as HTML, each word found in <mark>", "嘉定区中小企业贷款<mark>贴息</mark>办法")
    )
    snippet = F.String(
        metadata=describe("HTML: the text around the first word found, in <mark>", "…给予<mark>贴息</mark>…")
    )
    href = Computed(
        lambda h: api_url(h.target), metadata=describe("The document; answers 200 to anyone", type="string")
    )
    _links = Links(lambda h: decision_links(h.decision_id))


class FacetValueSchema(ma.Schema):
    value = F.String(metadata=describe("The value", "2026"))
    count = F.Integer(metadata=describe("How many documents found have it", 3))


def _facet(what: str):
    return RecordList(FacetValueSchema, metadata=describe(f"Documents found, counted by {what}, most first"))


class FacetsSchema(ma.Schema):
    year = _facet("catalogue year")
    unit = _facet("lead unit")
    category = _facet("category")
    kind = _facet("kind of document")
    stage = _facet("the decision's stage")


class SearchResultSchema(Schema):
    query = F.String(metadata=describe("What was asked", "贴息"))
    terms = F.List(F.String(), metadata=describe("The words looked for, each in the title or the text", ["贴息"]))
    total = F.Integer(metadata=describe("How many documents match (all pages)", 3))
    hits = RecordList(HitSchema, metadata=describe("This page of them: titles first, then newest first"))
    facets = F.Nested(FacetsSchema, metadata=describe("Counts over every document found, by facet"))
