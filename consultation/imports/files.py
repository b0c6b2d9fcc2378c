"""Reading offline comments from a CSV or Excel file, row by row, with every bad row named."""

import csv
import io

import marshmallow as ma

from consultation.comments.schemas import CommentInSchema

# Column headings we accept, in English or as the district's forms print them.
HEADINGS = {
    "content": "content",
    "意见内容": "content",
    "意见": "content",
    "submitter_type": "submitter_type",
    "提交人类型": "submitter_type",
    "channel": "channel",
    "渠道": "channel",
    "received_on": "received_on",
    "收到日期": "received_on",
    "name": "name",
    "姓名": "name",
    "contact": "contact",
    "联系方式": "contact",
    "organisation": "organisation",
    "单位": "organisation",
}


class FileUnreadable(ValueError):
    """The file is not a CSV or Excel sheet we can read."""


def _cell(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def _rows_from_csv(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable("The CSV file is neither UTF-8 nor GB18030 text.")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # an unclosed quote swallowing the rest of the file, say
        raise FileUnreadable(f"The CSV file cannot be read: {error}.") from error


def _rows_from_xlsx(data: bytes):
    # Imported here: openpyxl is 10 MB of every worker's memory, and only an import of an
    # Excel file by staff needs it (bench/exports.py measures the worker's peak).
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileUnreadable("The Excel file cannot be read.") from error
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def read(filename: str, data: bytes) -> tuple[list[tuple[int, dict]], dict]:
    """The file's rows as (row number, values), and the errors of bad rows by row number.

    Row numbers are those a spreadsheet shows: the heading is row 1."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        table = _rows_from_xlsx(data)
    else:
        table = _rows_from_csv(data)
    if not table:
        raise FileUnreadable("The file is empty.")
    headings = [HEADINGS.get(str(h or "").strip().lower()) or HEADINGS.get(str(h or "").strip()) for h in table[0]]
    if "content" not in headings or "submitter_type" not in headings:
        raise FileUnreadable(
            "The first row names the columns: at least content (意见内容) and submitter_type (提交人类型); "
            "also channel, received_on, name, contact, organisation."
        )
    schema = CommentInSchema()
    rows, errors = [], {}
    for number, raw in enumerate(table[1:], start=2):
        values = {h: _cell(v) for h, v in zip(headings, raw, strict=False) if h}
        if not any(values.values()):
            continue  # a blank line
        values = {k: v for k, v in values.items() if v is not None}
        try:
            rows.append((number, schema.load(values)))
        except ma.ValidationError as error:
            errors[f"row {number}"] = error.messages
    if not rows and not errors:
        raise FileUnreadable("The file has no comments below its heading row.")
    return rows, errors
