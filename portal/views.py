"""The reference portal's pages, in simplified Chinese, server-rendered, working without
JavaScript: the year's catalogue with each item's stage links, a decision's timeline, a
consultation with its comments and the comment form, and the receipt page.

Every page reads the public JSON API through portal.client, and nothing else: if a page needs
something the API does not give, the API is what is missing.
"""

import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
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
    (re.compile(r"^/api/v1/catalogues/(\d+)$"), "portal.catalogue", "year"),
)


@blp.app_template_filter("page")
def page_of(href: str) -> str:
    """The portal's page for an API link, or the API's own JSON where the portal has none."""
    path = urlsplit(href).path
    for pattern, endpoint, name in _PAGES:
        match = pattern.match(path)
        if match:
            return url_for(endpoint, **{name: int(match.group(1))})
    return href


@blp.app_context_processor
def _labels():
    return {"labels": labels, "label": labels.label}


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
        catalogues = [c for c in client.catalogues() if c["status"] == "published"]
    if not catalogues:
        return render_template("portal/home.html", catalogue=None)
    return catalogue(catalogues[0]["year"])


@blp.get("/catalogues/<int:year>")
def catalogue(year):
    with api() as client:
        found = _read(client.catalogue, year)
        years = [c["year"] for c in client.catalogues() if c["status"] == "published"]
    return render_template("portal/catalogue.html", catalogue=found, years=years)


@blp.get("/decisions/<int:decision_id>")
def decision(decision_id):
    with api() as client:
        found = _read(client.decision, decision_id)
        timeline = client.timeline(decision_id)
        consultations = client.consultations(decision_id)
    return render_template(
        "portal/decision.html", decision=found, entries=timeline["entries"], consultations=consultations
    )


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
            try:
                submitted = client.comment(consultation_id, body, form.key.data or secrets.token_urlsafe(16))
            except ApiError as error:
                if error.status >= 500:
                    raise
                problem = error
            else:
                return redirect(url_for("portal.receipt", receipt=submitted["receipt"]), 303)
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


@blp.get("/receipts/<string:receipt>")
def receipt(receipt):
    with api() as client:
        found = _read(client.receipt, receipt)
    return render_template("portal/receipt.html", receipt=found)


@blp.errorhandler(404)
def not_found(error):
    # The portal's own pages only: the API's 404 stays problem+json.
    return render_template("portal/not_found.html"), 404
