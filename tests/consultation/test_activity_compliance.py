"""The open-activity duty in the compliance report: per unit, the activities held, of the August
open month, with a questionnaire or a discussion, and their feedback published on time."""

import csv
import datetime as dt
import io

from tests.conftest import auth
from tests.consultation.activity_helpers import ok, on, published


def _opinion(client, tokens, activity_id, channel):
    body = {"channel": channel, "content": "意见", "disposition": "adopted"}
    ok(client.post(f"/api/v1/activities/{activity_id}/opinions", json=body, headers=auth(tokens["editor"])), 201)


def _feedback(client, tokens, activity_id):
    editor, path = auth(tokens["editor"]), f"/api/v1/activities/{activity_id}/feedback"
    ok(client.put(path, json={"summary": "专项反馈"}, headers=editor), 201)
    ok(client.post(f"{path}/publication", json={}, headers=editor))


def test_compliance_counts_each_units_activities_held_and_their_feedback(client, tokens, today):
    august = published(client, tokens)  # 14 August, open month
    spring = published(client, tokens, **on("2026-02-06"), open_month=False)
    published(client, tokens, **on("2026-09-25"), open_month=False)
    ahead = published(client, tokens, **on("2026-12-10"), open_month=False)
    today["value"] = dt.date(2026, 3, 6)  # the spring one's feedback (due 5 March) not published
    _opinion(client, tokens, spring["id"], "questionnaire")
    today["value"] = dt.date(2026, 8, 20)
    _opinion(client, tokens, august["id"], "discussion")
    _opinion(client, tokens, august["id"], "questionnaire")
    _feedback(client, tokens, august["id"])
    today["value"] = dt.date(2026, 9, 30)  # the autumn one's feedback is pending (due 22 October)

    report = ok(client.get("/api/v1/compliance?year=2026"))
    [fgw] = [u for u in report["units"] if u["unit"] == "jd-fgw"]
    figures = fgw["activities"]
    assert {k: figures[k] for k in ("held", "open_month", "questionnaire", "discussion", "with_opinions")} == {
        "held": 3,
        "open_month": 1,
        "questionnaire": 2,
        "discussion": 1,
        "with_opinions": 2,
    }
    assert figures["feedback"] == {"on_time": 1, "late": 0, "overdue": 1, "pending": 1}
    hrefs = lambda key: [r["href"].split("/api/v1")[1] for r in figures["records"][key]]  # noqa: E731
    assert hrefs("open_month") == [f"/activities/{august['id']}"]
    assert hrefs("feedback_on_time") == [f"/activities/{august['id']}/feedback"]
    assert hrefs("feedback_overdue") == [f"/activities/{spring['id']}"]
    assert f"/activities/{ahead['id']}" not in hrefs("held")
    assert report["district"]["activities"]["held"] == 3
    [jyj] = [u for u in report["units"] if u["unit"] == "jd-jyj"]
    assert jyj["activities"]["held"] == 0
    assert ok(client.get("/api/v1/compliance?year=2025"))["district"]["activities"]["held"] == 0

    text = client.get("/api/v1/compliance?year=2026&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    [row] = [r for r in rows if r["unit"] == "jd-fgw"]
    assert (row["activities_held"], row["activities_open_month"], row["activity_feedback_overdue"]) == ("3", "1", "1")
