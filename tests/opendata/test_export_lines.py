"""The decisions' CSV written by the database (opendata/exports/lines.py) is, byte for byte,
the CSV Python writes from the schema's dump (formats.csv_chunks): on the demo district, and
on rows made to try every rule of a cell (formulas, quotes, delimiters, line breaks, Unicode
and escapes in JSON lists, nulls, a unit's own catalogue, instants with and without a
fraction), on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
import sqlalchemy as sa

from core.extensions import db
from decisions.models import Decision
from opendata.exports import formats
from opendata.exports.datasets import DECISIONS, Filters
from tests import factories
from tests.test_demo import run


def _both_ways(app, filters=None, base="http://data.example.gov.cn/juece") -> tuple[bytes, bytes]:
    """The export written from the dump and from the database's lines, on the same base."""
    filters = filters or Filters()
    app.config["PUBLIC_BASE_URL"] = base
    try:
        with app.test_request_context(), db.engine.connect() as connection:
            dumped = b"".join(formats.csv_chunks(DECISIONS.column_names, DECISIONS.batches(connection, filters)))
            lined = b"".join(formats.csv_line_chunks(DECISIONS.column_names, DECISIONS.csv_lines(connection, filters)))
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    return dumped, lined


def _same(dumped: bytes, lined: bytes):
    # Line by line first, so that a failure names the line that differs.
    for ours, theirs in zip(lined.split(b"\r\n"), dumped.split(b"\r\n"), strict=True):
        assert ours == theirs
    assert lined == dumped


def test_the_demo_district_is_written_the_same_both_ways(app):
    run(app)
    dumped, lined = _both_ways(app)
    assert dumped.count(b"\r\n") > 20  # the header and the demo's published decisions
    assert dumped.count(b'_published"":""http') > 10  # stage links of decisions whose procedure began
    _same(dumped, lined)
    for filters in (Filters(year=2026), Filters(unit="JD-FGW"), Filters(since_cursor=3)):
        _same(*_both_ways(app, filters))


TITLES = [
    '=HYPERLINK("http://evil.example","点击")',
    "+86 热线",
    "-减负清单",
    "@所有人",
    "\t制表符开头",
    "\r回车开头",
    "含,逗号的标题",
    '含"引号"的标题',
    "两行\n标题",
    "回车\r标题",
    "  前后空格  ",
    "'已有撇号",
    "反斜杠\\标题",
]


@pytest.fixture
def edge_cases(app, units, tokens, today):
    today(dt.date(2026, 4, 10))
    made = []
    completions = ["2026", "2026-Q2", "2026-07", "2026-11-30"]
    for i, title in enumerate(TITLES):
        made.append(
            factories.catalogued_decision(
                title=title,
                summary="" if i % 3 == 0 else f'摘要{i}：含"引号"、逗号,和换行\n第二行',
                planned_completion=completions[i % len(completions)],
                co_units=["jd-jyj", "jd-gov"] if i % 2 else [],
                legal_basis=['《中华人民共和国"行政许可法"》', "反斜杠\\条例", "控制\x01字符", "a,b"] if i % 2 else [],
                procedures=["public_participation", "legality_review"] if i % 3 else [],
                enterprise_related=bool(i % 2),
                hearing_required=bool(i % 5 == 0),
            )
        )
    factories.unit_catalogue("jd-fgw", 2026, published_on=dt.date(2026, 3, 20))
    own = factories.unit_decision("jd-fgw", 2026, title="发改委自己的目录事项")
    with db.engine.begin() as connection:
        # An instant without a fraction, as an older row may have been written.
        connection.execute(
            sa.update(Decision)
            .where(Decision.id == made[0].id)
            .values(created_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
        )
        connection.execute(sa.update(Decision).where(Decision.id == own.id).values(catalogued_on=dt.date(2026, 3, 20)))
        # Lists stored in other forms than json.dumps's: compact with Unicode as it is, spaced.
        for decision, stored in ((made[3], '["《条例》","a, b"]'), (made[4], '[ "jd-jyj" , "jd-gov" ]')):
            connection.execute(
                sa.text("UPDATE decisions SET legal_basis = :stored WHERE id = :id"),
                {"stored": stored, "id": decision.id},
            )
    factories.adjustment(made[1], "postpone", on=dt.date(2026, 4, 1), planned_completion="2026-12")
    factories.draft(made[2])
    return made


def test_every_rule_of_a_cell_is_written_the_same_both_ways(app, edge_cases):
    dumped, lined = _both_ways(app)
    _same(dumped, lined)
    text = lined.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@所有人" in text and "控制\\u0001字符" in text
    assert '"/units/jd-fgw/catalogues/2026' not in text  # links are absolute, on the base
    assert "http://data.example.gov.cn/juece/api/v1/units/jd-fgw/catalogues/2026" in text
    assert "2026-03-01T08:00:00+00:00" in text


def test_a_base_with_a_quote_or_a_comma_is_still_written_the_same(app, edge_cases):
    _same(*_both_ways(app, base="http://data.example.gov.cn/a,b"))


def test_the_export_serves_the_database_s_lines(client, edge_cases, app):
    served = client.get("/api/v1/exports/decisions.csv").get_data()
    with app.test_request_context(), db.engine.connect() as connection:
        lined = b"".join(formats.csv_line_chunks(DECISIONS.column_names, DECISIONS.csv_lines(connection, Filters())))
    assert served == lined and served.count(b"\r\n") > len(TITLES)
