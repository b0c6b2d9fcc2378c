"""HTTP views of government open activities: plan, publish, register, opinions, feedback."""

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from consultation.activities import services
from consultation.activities.schemas import (
    ActivityInSchema,
    ActivityQueryArgsSchema,
    ActivitySchema,
    FeedbackInSchema,
    FeedbackSchema,
    OpinionDispositionInSchema,
    OpinionInSchema,
    OpinionQueryArgsSchema,
    OpinionSchema,
    RegisteredSchema,
    RegistrationInSchema,
    RegistrationSchema,
    StaffOpinionSchema,
)
from consultation.blueprint import EDITORS, EDITORS_ONLY, blp
from consultation.schemas import one_of
from core.auth import accepts_token, current_account, requires
from core.http import IF_MATCH_WHEN_REPLACING, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from decisions.records.schemas import PublishInSchema

ACTIVITY_ID = path_parameter("activity_id", "The activity's id", 1)
OPINION_ID = path_parameter("opinion_id", "The opinion's id", 1)


def _activity(activity_id: int):
    return services.get_activity(activity_id, viewer=current_account())


def _opinion_schema(opinion):
    """The unit's staff read an opinion as written; the public as it reads it."""
    return StaffOpinionSchema if services.is_staff_of(current_account(), opinion.activity) else OpinionSchema


ONE_OPINION = one_of(_opinion_schema, OpinionSchema, StaffOpinionSchema)
OPINIONS = one_of(_opinion_schema, OpinionSchema, StaffOpinionSchema, many=True)


def _replacing(record, schema) -> None:
    """A write that replaces what exists needs the record's ETag (428 without it, 412 if stale)."""
    if not request.if_match:
        abort(428)
    blp.check_etag(record, schema)


@blp.route("/activities")
class Activities(MethodView):
    @lists(blp, ActivitySchema(many=True), ActivityQueryArgsSchema, 422)
    def get(self, args):
        """List government open activities (政府开放活动), latest first

        The public sees published ones; a unit's editors also the ones it plans."""
        return services.list_activities(viewer=current_account(), **args)

    @writes(blp, ActivityInSchema, 201, ActivitySchema, 422, access=EDITORS_ONLY, etag=SENT)
    def post(self, data):
        """Plan an open activity (the unit's editor, admin)

        Its theme, field, form, place or stream URL, time and capacity. An activity of the
        August open month takes place in August (422 `open-month-outside-august`). It is the
        unit's own until published."""
        activity = services.plan(by=current_account(), **data)
        return activity, 201, {"Location": api_url(f"/activities/{activity.id}")}


@blp.route("/activities/<int:activity_id>", parameters=[ACTIVITY_ID])
class ActivityById(MethodView):
    @shows(blp, ActivitySchema)
    def get(self, activity_id):
        """Show one open activity

        With how many registered and where its feedback report stands. 404 to the public
        until it is published."""
        return _activity(activity_id)


@blp.route("/activities/<int:activity_id>/publication", parameters=[ACTIVITY_ID])
class ActivityPublication(MethodView):
    @writes(blp, PublishInSchema, 200, ActivitySchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT, required=False)
    def post(self, data, activity_id):
        """Publish an open activity (the unit's editor, admin)

        It is in the public record and `/changes`, takes registrations until its day, and is
        never changed in place again (409 `published-record-immutable`)."""
        return services.publish(_activity(activity_id), by=current_account(), **(data or {}))


@blp.route("/activities/<int:activity_id>/registrations", parameters=[ACTIVITY_ID])
class Registrations(MethodView):
    @lists(blp, RegistrationSchema(many=True), None, 404, access=requires(*EDITORS))
    def get(self, activity_id):
        """List who registered, in order (the unit's staff)

        Names and contacts, which never leave the unit; within capacity `confirmed`, beyond
        it `waiting` with the place on the waiting list."""
        return services.list_registrations(_activity(activity_id), viewer=current_account())

    @writes(blp, RegistrationInSchema, 201, RegisteredSchema, 404, 409, 422, 429, access=accepts_token, etag=None)
    def post(self, data, activity_id):
        """Register for an open activity (公众参与活动咨询报名, anyone)

        While it is published and ahead: registrations close when its day begins (409
        `registration-closed`; 409 `activity-not-published` to staff before it is published).
        Within capacity a place (`confirmed`), beyond it the next place on the waiting list.
        One registration per contact (409 `already-registered`). Your name and contact reach
        the unit only. Keep the `receipt`: `GET /receipts/{receipt}` shows where you stand."""
        registration = services.register(activity_id, by=current_account(), **data)
        return registration, 201, {"Location": api_url(f"/receipts/{registration.receipt}")}


@blp.route("/activities/<int:activity_id>/opinions", parameters=[ACTIVITY_ID])
class Opinions(MethodView):
    @lists(blp, OPINIONS, OpinionQueryArgsSchema, 404)
    def get(self, args, activity_id):
        """List the opinions collected at an activity and what became of them

        The public reads them once the feedback report is published, personal data in their
        text replaced by markers; the unit's staff read them as written from the start."""
        return services.list_opinions(_activity(activity_id), viewer=current_account(), **args)

    @writes(blp, OpinionInSchema, 201, StaffOpinionSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT)
    def post(self, data, activity_id):
        """Record an opinion collected at an activity (the unit's editor, admin)

        By questionnaire or in discussion, once the activity took place (409
        `activity-not-ended` before); with its disposition if decided (a reason code and a
        reason unless adopted: 409 `disposition-reason-missing`). Not after the feedback
        report is published (409 `published-record-immutable`)."""
        opinion = services.record_opinion(_activity(activity_id), by=current_account(), **data)
        return opinion, 201, {"Location": api_url(f"/activities/{activity_id}/opinions/{opinion.id}")}


@blp.route("/activities/<int:activity_id>/opinions/<int:opinion_id>", parameters=[ACTIVITY_ID, OPINION_ID])
class OpinionById(MethodView):
    @shows(blp, ONE_OPINION)
    def get(self, activity_id, opinion_id):
        """Show one opinion collected at an activity"""
        return services.get_opinion(_activity(activity_id), opinion_id, viewer=current_account())


@blp.route("/activities/<int:activity_id>/opinions/<int:opinion_id>/disposition", parameters=[ACTIVITY_ID, OPINION_ID])
class OpinionDisposition(MethodView):
    @writes(
        blp,
        OpinionDispositionInSchema,
        200,
        StaffOpinionSchema,
        404,
        409,
        412,
        422,
        428,
        access=EDITORS_ONLY,
        etag=SENT,
        parameters=[
            {
                **IF_MATCH_WHEN_REPLACING,
                "description": "The opinion's ETag, when it has a disposition already (428 without it, 412 if stale)",
            }
        ],
    )
    def put(self, data, activity_id, opinion_id):
        """Record what became of an opinion, and why (the unit's editor, admin)

        A reason code and a reason unless adopted (409 `disposition-reason-missing`);
        changing one given needs `If-Match`. Fixed once the feedback report is published."""
        viewer = current_account()
        opinion = services.get_opinion(_activity(activity_id), opinion_id, viewer=viewer)
        if opinion.disposition is not None:
            _replacing(opinion, StaffOpinionSchema)
        return services.dispose(opinion, by=viewer, **data)


@blp.route("/activities/<int:activity_id>/feedback", parameters=[ACTIVITY_ID])
class Feedback(MethodView):
    @shows(blp, FeedbackSchema)
    def get(self, activity_id):
        """Show an activity's dedicated feedback report (专项反馈)

        With when it was due and whether that was met, and the opinions it answers. 404 to the
        public until it is published."""
        return services.get_feedback(_activity(activity_id), viewer=current_account())

    @blp.sends_etag
    @EDITORS_ONLY
    @blp.doc(parameters=[IF_MATCH_WHEN_REPLACING])
    @blp.arguments(FeedbackInSchema)
    @blp.response(200, FeedbackSchema)
    @blp.alt_response(201, schema=FeedbackSchema, description="Created")
    @documents(404, 409, 412, 422, 428)
    def put(self, data, activity_id):
        """Write an activity's feedback report (the unit's editor, admin)

        Creates it (201), or replaces it until it is published (200, needs `If-Match`); a
        published one is never changed (409 `published-record-immutable`)."""
        activity = _activity(activity_id)
        existing = services.feedback_of(activity)
        if existing is not None and existing.published_on is None:
            _replacing(existing, FeedbackSchema)
        report, created = services.write_feedback(activity, by=current_account(), **data)
        return report, 201 if created else 200


@blp.route("/activities/<int:activity_id>/feedback/publication", parameters=[ACTIVITY_ID])
class FeedbackPublication(MethodView):
    @writes(blp, PublishInSchema, 200, FeedbackSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT, required=False)
    def post(self, data, activity_id):
        """Publish an activity's feedback report (the unit's editor, admin)

        Once the activity took place (409 `activity-not-ended`) and every opinion collected
        has its disposition (409 `activity-opinions-undisposed`, naming them). Due
        ACTIVITY_FEEDBACK_WORKING_DAYS (15) working days after the activity's last day."""
        return services.publish_feedback(_activity(activity_id), by=current_account(), **(data or {}))
