"""Public participation's records, by the names other code has imported them under: each
lives with its resource (consultation/consultations, comments, dispositions, clusters,
adoption, inquiries)."""

from consultation.adoption.models import (
    AdoptionReport,
)
from consultation.clusters.models import (
    Cluster,
)
from consultation.comments.models import (
    COMMENT_MAX_CHARS,
    OFFLINE_CHANNELS,
    ORGANISATIONS_SHOWN,
    Channel,
    Comment,
    ModerationState,
    SeenByStaff,
    SubmitterType,
)
from consultation.consultations.models import (
    HEARING_MATERIALS_DAYS,
    MIN_WINDOW_DAYS,
    Audience,
    Consultation,
    Method,
)
from consultation.dispositions.models import (
    Disposition,
    ReasonCode,
)
from consultation.inquiries.models import (
    Inquiry,
    InquiryState,
    InquiryTransfer,
)

__all__ = [
    "AdoptionReport",
    "Audience",
    "COMMENT_MAX_CHARS",
    "Channel",
    "Cluster",
    "Comment",
    "Consultation",
    "Disposition",
    "HEARING_MATERIALS_DAYS",
    "Inquiry",
    "InquiryState",
    "InquiryTransfer",
    "MIN_WINDOW_DAYS",
    "Method",
    "ModerationState",
    "OFFLINE_CHANNELS",
    "ORGANISATIONS_SHOWN",
    "ReasonCode",
    "SeenByStaff",
    "SubmitterType",
]
