"""The reference portal's pages, in simplified Chinese, server-rendered, working without
JavaScript: the year's catalogue with each item's stage links, a decision's timeline, a
consultation with its comments and the comment form, and the receipt page.

Every page reads the public JSON API through portal.client, and nothing else: if a page needs
something the API does not give, the API is what is missing.
"""

import datetime as dt
import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal import labels
from portal.client import ApiError, api

blp = Blueprint(
    "portal", __name__, template_folder="templates", static_folder="static", static_url_path="/portal/static"
)

# API paths the portal has a page for: the API's link is shown as the portal's page.
_PAGES = (
    (re.compile(r"^/api/v1/decisions/(\d+)$"), "portal.decision", "decision_id"),
    (re.compile(r"^/api/v1/consultations/(\d+)$"), "portal.consultation", "consultation_id"),
    (re.compile(r"^/api/v1/meetings/(\d+)$"), "portal.meeting", "meeting_id"),
    (re.compile(r"^/api/v1/catalogues/(\d+)$"), "portal.catalogue", "year"),
)
_UNIT_CATALOGUE = re.compile(r"^/api/v1/units/([^/]+)/catalogues/(\d+)$")
# A record of a decision's procedure, as its timeline links it.
_RECORD = re.compile(
    r"^/api/v1/decisions/(\d+)/((?:background|result|adoption-report)/versions/\d+|"
    r"(?:drafts|reviews|interpretations|follow-ups)/\d+)$"
)


@blp.app_template_filter("page")
def page_of(href: str) -> str:
    """The portal's page for an API link, or the API's own JSON where the portal has none."""
    path = urlsplit(href).path
    unit_catalogue = _UNIT_CATALOGUE.match(path)
    if unit_catalogue:
        return url_for("portal.unit_catalogue", code=unit_catalogue.group(1), year=int(unit_catalogue.group(2)))
    record = _RECORD.match(path)
    if record:
        return url_for("portal.record", decision_id=int(record.group(1)), path=record.group(2))
    for pattern, endpoint, name in _PAGES:
        match = pattern.match(path)
        if match:
            return url_for(endpoint, **{name: int(match.group(1))})
    return href


@blp.app_context_processor
def _labels():
    return {"labels": labels, "label": labels.label}


def _published(catalogues: list[dict]) -> list[dict]:
    """The catalogues of a list that are published: the years a visitor may open."""
    return [c for c in catalogues if c["status"] == "published"]


def _read(call, *args):
    """The API's answer, or the page's 404 for what the public may not read."""
    try:
        return call(*args)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        raise


@blp.get("/")
def home():
    with api() as client:
        catalogues = _published(client.catalogues())
    if not catalogues:
        return render_template("portal/home.html", catalogue=None)
    return catalogue(catalogues[0]["year"])


@blp.get("/catalogues/<int:year>")
def catalogue(year):
    with api() as client:
        found = _read(client.catalogue, year)
        years = [c["year"] for c in _published(client.catalogues())]
    return render_template("portal/catalogue.html", catalogue=found, years=years)


@blp.get("/units")
def units():
    with api() as client:
        found = client.units()
    return render_template("portal/units.html", units=found)


@blp.get("/units/<string:code>")
def unit(code):
    with api() as client:
        found = _read(client.unit, code)
        catalogues = _published(client.unit_catalogues(code))
    return render_template("portal/unit.html", unit=found, catalogues=catalogues)


@blp.get("/units/<string:code>/catalogues/<int:year>")
def unit_catalogue(code, year):
    with api() as client:
        found = _read(client.unit_catalogue, code, year)
        unit_found = client.unit(code)
        years = [c["year"] for c in _published(client.unit_catalogues(code))]
    return render_template("portal/catalogue.html", catalogue=found, years=years, unit=unit_found)


def _sent(send):
    """(the receipt page of what `send()` submitted, None), or (None, the API's refusal) to say
    beside the form; a server error is not the visitor's to read, and is raised."""
    try:
        answer = send()
    except ApiError as error:
        if error.status >= 500:
            raise
        return None, error
    return redirect(url_for("portal.receipt", receipt=answer["receipt"]), 303), None


class QuestionForm(FlaskForm):
    """A question about a decision, answered by its lead unit within 5 working days."""

    question = TextAreaField("您的问题", validators=[DataRequired("请填写您的问题。"), Length(max=2000)])
    name = StringField("姓名（选填，不公开）", validators=[Optional(), Length(max=100)])
    contact = StringField("电话或电子邮箱（选填，不公开）", validators=[Optional(), Length(max=200)])


@blp.route("/decisions/<int:decision_id>", methods=["GET", "POST"])
def decision(decision_id):
    form = QuestionForm()
    problem = None
    with api() as client:
        found = _read(client.decision, decision_id)
        if form.validate_on_submit():
            body = {"question": form.question.data}
            body.update({field: form[field].data for field in ("name", "contact") if form[field].data})
            receipt, problem = _sent(lambda: client.ask(decision_id, body))
            if receipt is not None:
                return receipt
        timeline = client.timeline(decision_id)
        consultations = client.consultations(decision_id)
        questions = client.inquiries(decision_id)
    page = render_template(
        "portal/decision.html",
        decision=found,
        entries=timeline["entries"],
        consultations=consultations,
        questions=questions,
        form=form,
        problem=problem,
    )
    status = problem.status if problem is not None else 422 if form.errors else 200
    # The question form carries a token of this visitor's session: no shared cache keeps it.
    return page, status, {"Cache-Control": "private, no-store"}


@blp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    with api() as client:
        found = _read(client.meeting, meeting_id)
        titles = {item["decision_id"]: client.decision(item["decision_id"])["title"] for item in found["agenda"]}
    return render_template("portal/meeting.html", meeting=found, titles=titles)


@blp.get("/decisions/<int:decision_id>/records/<path:path>")
def record(decision_id, path):
    if not _RECORD.match(f"/api/v1/decisions/{decision_id}/{path}"):
        abort(404)
    with api() as client:
        decision = _read(client.decision, decision_id)
        found = _read(client.record, decision_id, path)
        kind = path.split("/")[0]
        diff = None
        if kind == "drafts" and found.get("version", 1) > 1:
            diff = client.draft_diff(decision_id, found["version"])
    return render_template(
        "portal/record.html", decision=decision, record=found, kind=kind, diff=diff, fields=labels.RECORD_FIELDS
    )


class SearchForm(FlaskForm):
    q = StringField("搜索", validators=[Optional(), Length(max=100)])
    page = IntegerField(default=1, validators=[Optional()])


class CommentForm(FlaskForm):
    """The comment form; its CSRF token is Flask-WTF's, and its key makes a double submission
    one comment (the API's Idempotency-Key)."""

    content = TextAreaField("意见内容", validators=[DataRequired("请填写您的意见。"), Length(max=5000)])
    submitter_type = SelectField(
        "您的身份", choices=[SelectChoice(code, labels.SUBMITTERS[code]) for code in labels.FORM_SUBMITTERS]
    )
    organisation = StringField(
        "企业、协会或单位名称（选填，将与意见一同公开）", validators=[Optional(), Length(max=200)]
    )
    name = StringField("姓名（选填，不公开）", validators=[Optional(), Length(max=100)])
    contact = StringField("电话或电子邮箱（选填，不公开）", validators=[Optional(), Length(max=200)])
    notify_outcome = BooleanField("意见处理结果公布时通知我（需填写电话或电子邮箱）")
    key = HiddenField()


@blp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
def consultation(consultation_id):
    form = CommentForm()
    problem = None
    with api() as client:
        found = _read(client.consultation, consultation_id)
        if form.validate_on_submit():
            body = {"content": form.content.data, "submitter_type": form.submitter_type.data}
            for field in ("organisation", "name", "contact"):
                if form[field].data:
                    body[field] = form[field].data
            if form.notify_outcome.data:
                body["notify_outcome"] = True
            key = form.key.data or secrets.token_urlsafe(16)
            receipt, problem = _sent(lambda: client.comment(consultation_id, body, key))
            if receipt is not None:
                return receipt
        comments = client.comments(consultation_id) if found["comments_public"] else []
        decision = client.decision(found["decision_id"])
    # A new key for each form shown: a double click sends one key twice (one comment), and a
    # form sent again after a refusal is a new request.
    form.key.data = secrets.token_urlsafe(16)
    status = problem.status if problem is not None else 422 if form.errors else 200
    return (
        render_template(
            "portal/consultation.html",
            consultation=found,
            decision=decision,
            comments=comments,
            form=form,
            problem=problem,
        ),
        status,
        # The form carries a token of this visitor's session: never kept by a shared cache.
        {"Cache-Control": "private, no-store"},
    )


@blp.get("/compliance")
def compliance_now():
    with api() as client:
        catalogues = _published(client.catalogues())
    return redirect(url_for("portal.compliance", year=catalogues[0]["year"] if catalogues else dt.date.today().year))


@blp.get("/compliance/<int:year>")
def compliance(year):
    with api() as client:
        report = _read(client.compliance, year)
    # Units with something to count this year; the others have all zeros.
    active = [u for u in report["units"] if _counted(u)]
    return render_template("portal/compliance.html", report=report, units=active, bars=_bars(active))


def _counted(unit: dict) -> bool:
    return bool(
        unit["consultations"]["total"]
        or unit["interpretations"]["interpreted"]
        or unit["invited_meetings"]["count"]
        or any(unit["adoption_reports"][s] for s in ("on_time", "late", "overdue"))
    )


def _rate(part, whole):
    return None if not whole else part / whole


def _bars(units: list[dict]) -> list[dict]:
    """Each unit's two rates as bars of a chart drawn in SVG by the page: consultations that
    met the 30-day rule, and interpreted documents with a form beyond text (threshold 60 %)."""
    return [
        {
            "unit": u["unit"],
            "name": u["name"],
            "consultations": _rate(u["consultations"]["compliant"], u["consultations"]["total"]),
            "multi_form": u["interpretations"]["multi_form_rate"],
            "threshold": u["interpretations"]["threshold"],
        }
        for u in units
    ]


SEARCH_KINDS = {
    "decision": "决策事项",
    "draft": "决策草案",
    "background": "制订背景",
    "adoption_report": "意见采纳情况",
    "result": "决策结果",
    "interpretation": "政策解读",
    "follow_up": "执行与评估",
    "comment": "公众意见",
    "answer": "留言答复",
}


@blp.get("/search")
def search():
    form = SearchForm(request.args, meta={"csrf": False})
    found, problem = None, None
    if form.q.data:
        with api() as client:
            try:
                found = client.search(form.q.data, page=max(form.page.data or 1, 1))
            except ApiError as error:
                if error.status >= 500:
                    raise
                problem = error
    return render_template("portal/search.html", form=form, found=found, problem=problem, kinds=SEARCH_KINDS)


@blp.app_template_filter("marked")
def marked(snippet: str) -> Markup:
    """A search snippet as HTML: all of it escaped, then the API's own <mark> tags let through."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


@blp.get("/receipts/<string:receipt>")
def receipt(receipt):
    with api() as client:
        found = _read(client.receipt, receipt)
    return render_template("portal/receipt.html", receipt=found)


@blp.errorhandler(404)
def not_found(error):
    # The portal's own pages only: the API's 404 stays problem+json.
    return render_template("portal/not_found.html"), 404
