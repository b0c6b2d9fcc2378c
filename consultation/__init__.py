"""Public consultation: consultations, comments, clusters, adoption reports, inquiries.

Filled by the consultation issues; it may import `decisions`, never the other way round."""
