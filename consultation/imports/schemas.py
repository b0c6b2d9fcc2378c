"""An import's file on the wire."""

import marshmallow as ma
from flask_smorest.fields import Upload


class ImportFileSchema(ma.Schema):
    file = Upload(
        required=True, metadata={"description": "CSV (UTF-8 or GB18030) or Excel .xlsx; first row names the columns"}
    )
