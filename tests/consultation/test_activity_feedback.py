"""After an open activity: the opinions collected (questionnaire or discussion), each with a
disposition and its reason, and the dedicated feedback report (专项反馈), due 15 working days
after the activity on the official calendar."""

import datetime as dt

import pytest

from tests.conftest import auth
from tests.consultation.activity_helpers import ok, on, problem, published

TEXT_PHONE = "13598765432"
NOT_ADOPTED = {"disposition": "not_adopted", "reason_code": "outside_competence", "reason": "属市级事权"}


def _opinion(client, tokens, activity_id, **body):
    body = {"channel": "discussion", "content": "建议延长周末开放时间。"} | body
    return client.post(f"/api/v1/activities/{activity_id}/opinions", json=body, headers=auth(tokens["editor"]))


def _feedback(client, tokens, activity_id, published_on=None, **body):
    editor, path = auth(tokens["editor"]), f"/api/v1/activities/{activity_id}/feedback"
    ok(client.put(path, json={"summary": "共收集意见若干条，已采纳多数。"} | body, headers=editor), 201)
    body = {"published_on": published_on} if published_on else {}
    return client.post(f"{path}/publication", json=body, headers=editor)


def test_opinions_are_recorded_once_the_activity_took_place(client, tokens, today):
    activity = published(client, tokens)  # 14 August 2026
    today["value"] = dt.date(2026, 8, 13)
    problem(_opinion(client, tokens, activity["id"]), 409, "activity-not-ended")
    today["value"] = dt.date(2026, 8, 14)
    made = ok(_opinion(client, tokens, activity["id"], channel="questionnaire"), 201)
    assert made["received_on"] == "2026-08-14" and made["disposition"] is None
    assert _opinion(client, tokens, activity["id"], channel="email").status_code == 422
    other = client.post(
        f"/api/v1/activities/{activity['id']}/opinions",
        json={"channel": "discussion", "content": "意见"},
        headers=auth(tokens["other_editor"]),
    )
    assert other.status_code == 403


def test_an_opinion_not_adopted_needs_its_reason(client, tokens, today):
    activity = published(client, tokens)
    today["value"] = dt.date(2026, 8, 15)
    problem(_opinion(client, tokens, activity["id"], disposition="not_adopted"), 409, "disposition-reason-missing")
    made = ok(_opinion(client, tokens, activity["id"]), 201)
    path = f"/api/v1/activities/{activity['id']}/opinions/{made['id']}/disposition"
    editor = auth(tokens["editor"])
    partly = client.put(path, json={"disposition": "partially_adopted"}, headers=editor)
    problem(partly, 409, "disposition-reason-missing")
    disposed = client.put(path, json=NOT_ADOPTED, headers=editor)
    assert ok(disposed)["disposition"] == "not_adopted" and disposed.json["disposed_on"] == "2026-08-15"
    # Changing a disposition given needs the opinion's ETag.
    assert client.put(path, json={"disposition": "adopted"}, headers=editor).status_code == 428
    changed = client.put(path, json={"disposition": "adopted"}, headers=editor | {"If-Match": disposed.headers["ETag"]})
    assert ok(changed)["disposition"] == "adopted"


def test_the_feedback_waits_for_every_opinions_disposition(client, tokens, today):
    activity = published(client, tokens)
    today["value"] = dt.date(2026, 8, 20)
    first = ok(_opinion(client, tokens, activity["id"]), 201)
    second = ok(_opinion(client, tokens, activity["id"], channel="questionnaire"), 201)
    ok(_opinion(client, tokens, activity["id"], disposition="adopted"), 201)
    refused = problem(_feedback(client, tokens, activity["id"]), 409, "activity-opinions-undisposed")
    assert refused["count"] == 2 and refused["opinion_ids"] == [first["id"], second["id"]]
    editor = auth(tokens["editor"])
    for opinion in (first, second):
        path = f"/api/v1/activities/{activity['id']}/opinions/{opinion['id']}/disposition"
        ok(client.put(path, json=NOT_ADOPTED, headers=editor))
    published_report = ok(client.post(f"/api/v1/activities/{activity['id']}/feedback/publication", headers=editor))
    assert published_report["published_on"] == "2026-08-20"
    assert published_report["deadline"] == {
        "due_on": "2026-09-04",
        "calendar_status": "official",
        "published_on": "2026-08-20",
        "status": "on_time",
    }
    assert published_report["opinions"] == {
        "total": 3,
        "by_channel": {"discussion": 2, "questionnaire": 1},
        "by_disposition": {"adopted": 1, "not_adopted": 2},
        "undisposed": 0,
    }
    changes = ok(client.get("/api/v1/changes"))["entries"]
    assert [e["type"] for e in changes] == ["activity_published", "activity_feedback_published"]
    assert client.get(changes[1]["href"]).status_code == 200
    # What the feedback reports is fixed from then on.
    problem(_opinion(client, tokens, activity["id"]), 409, "published-record-immutable")
    path = f"/api/v1/activities/{activity['id']}/opinions/{first['id']}/disposition"
    etag = client.get(f"/api/v1/activities/{activity['id']}/opinions/{first['id']}", headers=editor).headers["ETag"]
    changed = client.put(path, json={"disposition": "adopted"}, headers=editor | {"If-Match": etag})
    problem(changed, 409, "published-record-immutable")


def test_the_feedback_is_not_published_before_the_activity(client, tokens, today):
    activity = published(client, tokens)
    today["value"] = dt.date(2026, 8, 1)
    problem(_feedback(client, tokens, activity["id"]), 409, "activity-not-ended")


def test_the_public_reads_the_opinions_with_the_feedback_personal_data_as_markers(client, tokens, today):
    activity = published(client, tokens)
    today["value"] = dt.date(2026, 8, 20)
    written = f"请回电{TEXT_PHONE}，建议增加导办人员。"
    made = ok(_opinion(client, tokens, activity["id"], content=written, disposition="adopted"), 201)
    path = f"/api/v1/activities/{activity['id']}"
    assert made["content"] == written and TEXT_PHONE not in made["public_content"]
    assert ok(client.get(f"{path}/opinions")) == []
    assert client.get(f"{path}/opinions/{made['id']}").status_code == 404
    assert client.get(f"{path}/feedback").status_code == 404
    ok(_feedback(client, tokens, activity["id"]))
    [shown] = ok(client.get(f"{path}/opinions"))
    assert shown["content"] == "请回电［已隐去：电话］，建议增加导办人员。" and "public_content" not in shown
    assert ok(client.get(f"{path}/opinions/{made['id']}"))["disposition"] == "adopted"
    assert ok(client.get(f"{path}/feedback"))["published_on"] == "2026-08-20"
    staff = ok(client.get(f"{path}/opinions", headers=auth(tokens["editor"])))
    assert staff[0]["content"] == written


@pytest.mark.parametrize(
    "day, published_on, due_on, status",
    [
        # The Friday before National Day 2026 is the Mid-Autumn Festival (25 September): counted
        # from it, the holidays to 7 October and the make-up Saturday of 10 October.
        ("2026-09-25", "2026-10-22", "2026-10-22", "on_time"),
        ("2026-09-25", "2026-10-23", "2026-10-22", "late"),
        # Across the Spring Festival of 2026 (15 to 23 February, make-up days 14 and 28 February).
        ("2026-02-06", "2026-03-05", "2026-03-05", "on_time"),
        ("2026-02-06", "2026-03-06", "2026-03-05", "late"),
    ],
)
def test_the_feedback_is_due_15_working_days_after_the_activity(
    client, tokens, today, day, published_on, due_on, status
):
    today["value"] = dt.date(2026, 1, 5)
    activity = published(client, tokens, published_on="2026-01-05", **on(day), open_month=False)
    assert activity["feedback"]["due_on"] == due_on and activity["feedback"]["status"] == "pending"
    today["value"] = dt.date.fromisoformat(published_on)
    report = ok(_feedback(client, tokens, activity["id"], published_on=published_on))
    assert report["deadline"]["due_on"] == due_on and report["deadline"]["status"] == status
    assert ok(client.get(f"/api/v1/activities/{activity['id']}"))["feedback"]["status"] == status


def test_an_unpublished_feedback_turns_overdue_after_its_day(client, tokens, today):
    activity = published(client, tokens, **on("2026-02-06"), open_month=False, published_on="2026-01-05")
    today["value"] = dt.date(2026, 3, 5)
    assert ok(client.get(f"/api/v1/activities/{activity['id']}"))["feedback"]["status"] == "pending"
    today["value"] = dt.date(2026, 3, 6)
    assert ok(client.get(f"/api/v1/activities/{activity['id']}"))["feedback"]["status"] == "overdue"


def test_the_setting_names_the_working_days(app, client, tokens, today, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIVITY_FEEDBACK_WORKING_DAYS", 5)
    activity = published(client, tokens, **on("2026-09-25"), open_month=False)
    # 28, 29, 30 September, then 8 and 9 October.
    assert activity["feedback"]["due_on"] == "2026-10-09"


def test_a_feedback_report_past_its_due_day_is_announced_once_in_the_change_feed(client, tokens, today):
    """Due 5 March (6 February across Spring Festival): nothing on the 5th; on the 6th one
    deadline_overdue entry, linking the activity; publishing the feedback late adds none."""

    def overdue_entries():
        entries = ok(client.get("/api/v1/changes?limit=1000"))["entries"]
        return [e for e in entries if e["type"] == "deadline_overdue"]

    activity = published(client, tokens, **on("2026-02-06"), open_month=False)
    today["value"] = dt.date(2026, 3, 5)
    assert overdue_entries() == []
    today["value"] = dt.date(2026, 3, 6)
    [entry] = overdue_entries()
    assert entry["href"].endswith(f"/api/v1/activities/{activity['id']}")
    assert entry["occurred_on"] == "2026-03-06" and entry["decision_id"] is None
    assert "应于2026-03-05前公布" in entry["title"]
    assert len(overdue_entries()) == 1  # read again: announced once
    editor, path = auth(tokens["editor"]), f"/api/v1/activities/{activity['id']}/feedback"
    ok(client.put(path, json={"summary": "专项反馈"}, headers=editor), 201)
    ok(client.post(f"{path}/publication", json={}, headers=editor))
    assert len(overdue_entries()) == 1
    assert ok(client.get(f"/api/v1/activities/{activity['id']}/feedback"))["deadline"]["status"] == "late"
