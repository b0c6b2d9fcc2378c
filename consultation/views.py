"""The consultation blueprint with every resource's routes on it: app.py registers `blp`."""

from consultation.activities import views as activities
from consultation.blueprint import blp
from consultation.clusters import views as clusters
from consultation.comments import views as comments
from consultation.consultations import views as consultations
from consultation.dispositions import views as dispositions
from consultation.imports import views as imports

# The modules register their routes on `blp` as they are imported; named here so they are.
__all__ = ["activities", "blp", "clusters", "comments", "consultations", "dispositions", "imports"]
