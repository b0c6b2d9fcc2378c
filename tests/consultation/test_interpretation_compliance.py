"""The interpretation duty in the compliance report: the year's policy documents without a
published interpretation, and each unit's multi-form rate against the 60 % threshold, with
the records behind each figure, against a year whose right answers are stated here."""

import csv
import datetime as dt
import io

import pytest

from consultation.compliance import interpretations as figures
from consultation.compliance.services import CSV_COLUMNS, _blank
from decisions.records import interpretations
from decisions.records import services as records
from tests import factories

D = dt.date.fromisoformat


def _decided(title, doc_number, *, lead_unit="jd-fgw", draft_fields=None, **result_fields):
    """A decision walked to its published result (23 June), its draft published on 2 April."""
    decision = factories.catalogued_decision(title=title, lead_unit=lead_unit)
    factories.background(decision)
    factories.draft(decision, **(draft_fields or {}))
    factories.review(decision, completed_on=D("2026-06-01"))
    factories.meeting(decision, published_on=D("2026-06-12"))
    factories.result(decision, doc_number=doc_number, **result_fields)
    return decision


@pytest.fixture
def year(app, tokens):
    """jd-fgw: a result interpreted in text and a graphic; a result in text only (its short video
    withdrawn); a draft marked a policy document, interpreted in text before its result, which
    nobody interpreted; a result that owes none. jd-jyj: a result with a short video."""
    editor = factories.account("editor", "jd-fgw")
    both = _decided("措施一", "嘉府规〔2026〕1号")
    factories.interpretation(both, form="text", title="解读一")
    factories.interpretation(both, form="graphic", title="一图读懂一", published_on=D("2026-06-23"))
    text_only = _decided("措施二", "嘉府规〔2026〕2号")
    factories.interpretation(text_only, form="text", title="解读二")
    video = factories.interpretation(text_only, form="short_video", title="短视频二")
    records.withdraw(records.INTERPRETATION, video, by=editor, reason="画面有误。")
    factories.interpretation(text_only, form="animation", title="动漫二（未发布）", published_on=None)
    drafted = _decided("措施三", "嘉府规〔2026〕3号", draft_fields={"interpretation_required": True})
    factories.interpretation(drafted, form="text", title="征求意见稿解读三", published_on=D("2026-04-10"))
    internal = _decided("措施四", "嘉府办〔2026〕4号", interpretation_required=False)
    jyj = _decided("方案五", "嘉府规〔2026〕5号", lead_unit="jd-jyj")
    factories.interpretation(jyj, form="short_video", title="短视频五", by=factories.account("editor", "jd-jyj"))
    return {"both": both, "text_only": text_only, "drafted": drafted, "internal": internal, "jyj": jyj}


def _paths(section, key):
    return sorted(link["href"].split("/api/v1", 1)[1] for link in section["records"][key])


def _report(client, query="year=2026"):
    response = client.get(f"/api/v1/compliance?{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return {u["unit"]: u["interpretations"] for u in body["units"]} | {"district": body["district"]["interpretations"]}


def _figures(section):
    keys = ("documents", "interpreted", "not_interpreted", "multi_form", "multi_form_rate", "met")
    return tuple(section[key] for key in keys)


def test_each_unit_counts_its_documents_interpreted_and_in_several_forms(client, year):
    report = _report(client)
    assert _figures(report["jd-fgw"]) == (4, 3, 1, 1, 0.3333, False)
    assert _figures(report["jd-jyj"]) == (1, 1, 0, 1, 1.0, True)
    assert _figures(report["jd-gov"]) == (0, 0, 0, 0, None, None)
    assert _figures(report["district"]) == (5, 4, 1, 2, 0.5, None)  # the threshold is each unit's
    assert report["jd-fgw"]["threshold"] == 0.6


def test_the_records_behind_the_figures_are_linked(client, year):
    fgw = _report(client)["jd-fgw"]
    both, text_only, drafted = year["both"].id, year["text_only"].id, year["drafted"].id
    assert _paths(fgw, "not_interpreted") == [f"/decisions/{drafted}/result/versions/1"]
    assert _paths(fgw, "interpreted") == sorted(
        [
            f"/decisions/{both}/result/versions/1",
            f"/decisions/{text_only}/result/versions/1",
            f"/decisions/{drafted}/drafts/1",
        ]
    )
    assert _paths(fgw, "multi_form") == [f"/decisions/{both}/result/versions/1"]
    # The withdrawn and the unpublished interpretations do not count; the four that do are linked.
    assert len(fgw["records"]["interpretations"]) == 4
    assert all(link["href"].startswith("http") for link in fgw["records"]["interpretations"])


def test_an_interpretation_counts_for_the_latest_document_published_by_its_day(client, year):
    # The draft's interpretation (10 April) came before the result (23 June): the result owes its own.
    drafted = year["drafted"]
    factories.interpretation(drafted, form="scenario_demo", title="场景演示三", published_on=D("2026-06-23"))
    fgw = _report(client)["jd-fgw"]
    assert _figures(fgw) == (4, 4, 0, 2, 0.5, False)
    assert f"/decisions/{drafted.id}/result/versions/1" in _paths(fgw, "multi_form")
    assert f"/decisions/{drafted.id}/drafts/1" not in _paths(fgw, "multi_form")


def test_a_result_that_owes_no_interpretation_is_not_counted(client, year):
    fgw = _report(client)["jd-fgw"]
    internal = f"/decisions/{year['internal'].id}/result"
    assert not any(
        link["href"].split("/api/v1", 1)[1].startswith(internal) for links in fgw["records"].values() for link in links
    )


def test_a_corrected_result_carries_the_duty_and_its_interpretations(client, year):
    editor = factories.account("editor", "jd-fgw")
    current = records.current_record(records.RESULT, year["both"], viewer=editor)
    records.correct(records.RESULT, current, by=editor, reason="更正文字。", title="措施一（更正）")
    fgw = _report(client)["jd-fgw"]
    assert _figures(fgw) == (4, 3, 1, 1, 0.3333, False)
    assert _paths(fgw, "multi_form") == [f"/decisions/{year['both'].id}/result/versions/2"]


def test_one_unit_asked_alone_gets_the_same_figures(client, year):
    alone = _report(client, "year=2026&unit=JD-JYJ")
    assert _figures(alone["jd-jyj"]) == (1, 1, 0, 1, 1.0, True)
    assert _figures(alone["district"])[:4] == (1, 1, 0, 1)
    assert _report(client, "year=2025")["jd-fgw"]["documents"] == 0


def test_the_csv_carries_the_interpretation_figures(client, year):
    response = client.get("/api/v1/compliance?year=2026&format=csv")
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert tuple(header) == CSV_COLUMNS
    start = CSV_COLUMNS.index("documents_to_interpret")
    # The open activities' columns follow: tests/consultation/test_activity_compliance.py.
    end = CSV_COLUMNS.index("activities_held")
    by_unit = {row[0]: row[start:end] for row in rows}
    assert by_unit["jd-fgw"] == ["4", "1", "1", "0.3333", "no"]
    assert by_unit["jd-jyj"] == ["1", "0", "1", "1.0", "yes"]
    assert by_unit["jd-gov"] == ["0", "0", "0", "", ""]
    assert by_unit["district"] == ["5", "1", "2", "0.5", ""]


@pytest.mark.parametrize(
    ("multi_form", "interpreted", "met"), [(3, 5, True), (2, 4, False), (6, 10, True), (0, 1, False)]
)
def test_the_threshold_is_sixty_percent_inclusive(monkeypatch, multi_form, interpreted, met):
    documents = [
        interpretations.Document(
            "jd-fgw",
            n,
            f"/decisions/{n}/result/versions/1",
            D("2026-06-23"),
            [(f"/decisions/{n}/interpretations/{n}", "graphic" if n < multi_form else "text")],
        )
        for n in range(interpreted)
    ]
    monkeypatch.setattr(interpretations, "documents", lambda year, unit=None: documents)
    unit, district = _blank(), _blank()
    figures.add(2026, unit=None, figures={"jd-fgw": unit}, district=district)
    assert unit["interpretations"]["met"] is met
    assert unit["interpretations"]["multi_form"] == multi_form


def test_the_figures_take_the_same_queries_whatever_the_year_holds(app, year):
    from sqlalchemy import event

    from core.extensions import db

    def statements():
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            interpretations.documents(2026)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    factories.interpretation(year["jyj"], form="graphic", title="一图读懂五", by=factories.account("editor", "jd-jyj"))
    _decided("措施六", "嘉府规〔2026〕6号")
    assert statements() == before == 3
