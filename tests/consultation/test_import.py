"""Offline comments entered in bulk from a CSV (UTF-8 or GB18030) or an Excel file: every row
stored, or none, with each bad row named by the number a spreadsheet shows."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from consultation.comments.models import Comment
from consultation.imports import services
from core.extensions import db
from tests import factories
from tests.conftest import auth, sent_twice_at_once

ENGLISH = ["content", "submitter_type", "channel", "received_on", "name", "contact", "organisation"]
CHINESE = ["意见内容", "提交人类型", "渠道", "收到日期", "姓名", "联系方式", "单位"]

GOOD_ROWS = [
    ["建议提高小微企业贷款贴息比例。", "individual", "letter", "2026-04-08", "王五", "13800000001", None],
    ["建议简化申报材料。", "enterprise", "meeting", "2026-04-09", "李四", None, "上海某汽车零部件有限公司"],
    [
        "建议设立行业协会参与机制。",
        "industry_association",
        "hotline_12345",
        "2026-04-10",
        None,
        None,
        "嘉定区汽车行业协会",
    ],
]


def _csv(headings, rows, encoding="utf-8-sig"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return text.getvalue().encode(encoding)


def _xlsx(headings, rows):
    """A real Excel workbook: dates as date cells, a phone number as a number, as people type them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        cells = list(row)
        try:
            cells[3] = dt.date.fromisoformat(cells[3])
        except (TypeError, ValueError):
            pass  # a bad date stays the text it was typed as
        if cells[5] and cells[5].isdigit():
            cells[5] = int(cells[5])
        sheet.append(cells)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _upload(client, consultation_id, data, filename, headers):
    return client.post(
        f"/api/v1/consultations/{consultation_id}/comments/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def _stored():
    db.session.rollback()  # end the test's read, to see what requests committed
    return db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()


@pytest.fixture
def cid(consulted):
    return consulted[1].id


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("来信.csv", lambda: _csv(ENGLISH, GOOD_ROWS)),  # UTF-8 with a BOM, as Excel saves it
        ("来信.csv", lambda: _csv(CHINESE, GOOD_ROWS, encoding="gb18030")),
        ("来信.xlsx", lambda: _xlsx(CHINESE, GOOD_ROWS)),
        ("letters.xlsx", lambda: _xlsx(ENGLISH, GOOD_ROWS)),
    ],
    ids=["csv-utf8-bom-english", "csv-gb18030-chinese", "xlsx-chinese", "xlsx-english"],
)
def test_a_good_file_stores_every_row_with_receipts(client, tokens, cid, filename, build, today):
    today["value"] = dt.date(2026, 5, 20)  # offline comments come in after the close, too
    response = _upload(client, cid, build(), filename, auth(tokens["editor"]))
    assert response.status_code == 201, response.get_json()
    answered = response.get_json()
    assert len(answered) == 3
    assert len({c["receipt"] for c in answered}) == 3 and all(len(c["receipt"]) >= 22 for c in answered)
    stored = _stored()
    assert [c.id for c in stored] == [c["id"] for c in answered]
    editor = factories.account("editor", "jd-fgw")
    assert [
        (c.content, c.submitter_type, c.channel, c.received_on, c.name, c.contact, c.organisation, c.entered_by)
        for c in stored
    ] == [
        (row[0], row[1], row[2], dt.date.fromisoformat(row[3]), row[4], row[5], row[6], editor.id) for row in GOOD_ROWS
    ]
    for comment in answered:
        assert client.get(comment["_links"]["receipt"]["href"]).status_code == 200


def test_the_same_file_imported_again_stores_nothing_new(app, client, tokens, cid, today):
    today["value"] = dt.date(2026, 5, 20)
    data, editor = _csv(ENGLISH, GOOD_ROWS), auth(tokens["editor"])
    first = _upload(client, cid, data, "letters.csv", editor)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _upload(client, cid, data, "letters-copy.csv", editor)  # the name does not matter, the bytes do
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(_stored()) == 3
    # Another file is another batch of letters, even with a row in common.
    other = _upload(client, cid, _csv(ENGLISH, GOOD_ROWS[:1]), "one-more.csv", editor)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert len(_stored()) == 4


def test_the_same_file_uploaded_twice_at_once_is_stored_once(app, tokens, cid, today, monkeypatch):
    today["value"] = dt.date(2026, 5, 20)
    data, editor = _csv(ENGLISH, GOOD_ROWS), auth(tokens["editor"])
    sent_twice_at_once(
        app,
        monkeypatch,
        lambda client: _upload(client, cid, data, "letters.csv", editor),
        module=services,
        lookup="_imported",
        found=bool,
    )
    assert len(_stored()) == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_bad_rows_stores_nothing_and_names_each_bad_row(client, tokens, cid, fmt):
    rows = [
        GOOD_ROWS[0],  # row 2
        ["意见", "citizen", "letter", "2026-04-08", None, None, None],  # row 3: no such submitter type
        [None, "individual", "letter", "2026-04-08", None, None, None],  # row 4: no content
        ["意见", "individual", "letter", "2026-03-20", None, None, None],  # row 5: before the window
        ["意见", "individual", "letter", "2026年4月8日", None, None, None],  # row 6: not a date
        GOOD_ROWS[1],  # row 7
        [None] * 7,  # row 8: a blank line is skipped
        ["意见", "individual", "letter", "2026-05-03", None, None, None],  # row 9: after the window
    ]
    data = _csv(ENGLISH, rows) if fmt == "csv" else _xlsx(ENGLISH, rows)
    response = _upload(client, cid, data, f"letters.{fmt}", auth(tokens["editor"]))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    bad = body["errors"]["files"]["file"]
    assert list(bad) == ["row 3", "row 4", "row 5", "row 6", "row 9"]
    assert "submitter_type" in bad["row 3"]
    assert "content" in bad["row 4"]
    assert "received_on" in bad["row 5"] and "received_on" in bad["row 6"] and "received_on" in bad["row 9"]
    assert "5 rows" in body["detail"] and "Nothing was imported" in body["detail"]
    assert _stored() == []


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("letters.xlsx", b"PK\x03\x04 this is no workbook"),
        ("letters.csv", b"\xff\xfe\xfa\xfb not text in any encoding we read"),
        ("letters.csv", b""),
        ("letters.csv", "姓名,联系方式\n王五,13800000001\n".encode()),  # no content column
        ("letters.csv", b'content,submitter_type\n"an unclosed quote' + b"x" * 200_000 + b"\n"),
    ],
    ids=["broken-xlsx", "undecodable", "empty", "no-content-heading", "unclosed-quote"],
)
def test_an_unreadable_file_is_refused(client, tokens, cid, filename, data):
    response = _upload(client, cid, data, filename, auth(tokens["editor"]))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "file" in response.get_json()["errors"]["files"]
    assert _stored() == []


def test_only_the_lead_units_staff_import_comments(client, tokens, cid):
    data = _csv(ENGLISH, GOOD_ROWS)
    assert _upload(client, cid, data, "letters.csv", {}).status_code == 401
    assert _upload(client, cid, data, "letters.csv", auth(tokens["partner"])).status_code == 403
    assert _upload(client, cid, data, "letters.csv", auth(tokens["other_editor"])).status_code == 403
    assert _stored() == []
    assert _upload(client, cid, data, "letters.csv", auth(tokens["admin"])).status_code == 201


def test_an_import_may_be_larger_than_other_request_bodies(app, client, tokens, cid, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20_000)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 200_000)
    letter = "来信意见：" + "建议加强对小微企业的扶持。" * 300  # about 12 KB in UTF-8
    rows = [[letter, "individual", "letter", "2026-04-08", None, None, None]] * 8
    data = _csv(ENGLISH, rows)
    assert 20_000 < len(data) < 200_000
    comment = {"content": letter * 2, "submitter_type": "individual"}
    too_large = client.post(f"/api/v1/consultations/{cid}/comments", json=comment)
    assert too_large.status_code == 413 and too_large.mimetype == "application/problem+json"

    response = _upload(client, cid, data, "letters.csv", auth(tokens["editor"]))
    assert response.status_code == 201, response.get_json()
    assert len(_stored()) == 8

    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    response = _upload(client, cid, data, "letters.csv", auth(tokens["editor"]))
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert len(_stored()) == 8


def test_a_file_with_headings_only_is_refused(client, tokens, consulted):
    _, consultation = consulted
    response = _upload(client, consultation.id, b"content,submitter_type\n", "empty.csv", auth(tokens["editor"]))
    assert response.status_code == 422
