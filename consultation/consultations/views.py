"""HTTP views of consultations: prepare, change, announce, record a hearing."""

from flask.views import MethodView

from consultation.blueprint import (
    CONSULTATION_ID,
    DECISION_ID,
    EDITORS_ONLY,
    blp,
    consultation_for,
)
from consultation.consultations import services
from consultation.consultations.schemas import (
    ConsultationInSchema,
    ConsultationPatchSchema,
    ConsultationSchema,
    HearingInSchema,
)
from core.auth import current_account
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from decisions import services as decision_services
from decisions.records.schemas import PublishInSchema


@blp.route("/decisions/<int:decision_id>/consultations", parameters=[DECISION_ID])
class DecisionConsultations(MethodView):
    @lists(blp, ConsultationSchema(many=True), None, 404, paged=False)
    def get(self, decision_id):
        """List a decision's consultations"""
        decision = decision_services.get_decision(decision_id, viewer=current_account())
        return services.list_consultation_views(decision, viewer=current_account())

    @writes(blp, ConsultationInSchema, 201, ConsultationSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT)
    def post(self, data, decision_id):
        """Prepare a consultation on a published draft (lead unit's editor, admin)

        An online consultation lasts at least 30 calendar days unless `shortened_reason` says
        why (409 `consultation-window-too-short`)."""
        decision = decision_services.get_decision(decision_id, viewer=current_account())
        consultation = services.create_consultation(decision, by=current_account(), **data)
        location = api_url(f"/consultations/{consultation.id}")
        return services.consultation_view(consultation), 201, {"Location": location}


@blp.route("/consultations/<int:consultation_id>", parameters=[CONSULTATION_ID])
class ConsultationById(MethodView):
    @shows(blp, ConsultationSchema)
    def get(self, consultation_id):
        """Show a consultation, its status and its counts

        `status` follows the dates: open exactly from `opens_on` to `closes_on` inclusive."""
        return services.consultation_view(consultation_for(consultation_id))

    @writes(blp, ConsultationPatchSchema, 200, ConsultationSchema, 404, 409, 422, access=EDITORS_ONLY)
    def patch(self, changes, consultation_id):
        """Change a consultation before it is published (lead unit's editor, admin)

        Needs `If-Match`."""
        consultation = consultation_for(consultation_id)
        blp.check_etag(services.consultation_view(consultation), ConsultationSchema)
        return services.consultation_view(services.update_consultation(consultation, by=current_account(), **changes))


@blp.route("/consultations/<int:consultation_id>/publish", parameters=[CONSULTATION_ID])
class ConsultationPublication(MethodView):
    @writes(
        blp, PublishInSchema, 200, ConsultationSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT, required=False
    )
    def post(self, data, consultation_id):
        """Announce a consultation (lead unit's editor, admin)

        It takes comments from `opens_on`; the decision's timeline records `consultation_opened`."""
        consultation = services.publish_consultation(consultation_for(consultation_id), by=current_account(), **data)
        return services.consultation_view(consultation)


@blp.route("/consultations/<int:consultation_id>/hearing", parameters=[CONSULTATION_ID])
class Hearing(MethodView):
    @writes(blp, HearingInSchema, 200, ConsultationSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT)
    def put(self, data, consultation_id):
        """Record a hearing's procedure (lead unit's editor, admin)

        Participants published before the hearing, materials sent at least 7 days before it,
        the record signed by participants (409 `hearing-procedure` otherwise)."""
        consultation = services.record_hearing(consultation_for(consultation_id), by=current_account(), **data)
        return services.consultation_view(consultation)
