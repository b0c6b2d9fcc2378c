"""What the open-activity tests share: an activity planned and published through the API."""

import datetime as dt

from tests.conftest import auth

PLAN = {
    "unit": "jd-fgw",
    "theme": "走进一网通办：区行政服务中心开放日",
    "field": "government_services_online",
    "form": "on_site",
    "place": "嘉定区行政服务中心",
    "starts_at": "2026-08-14T09:30:00+08:00",
    "ends_at": "2026-08-14T11:30:00+08:00",
    "capacity": 2,
    "open_month": True,
}


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def problem(response, status, slug):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"https://juece.example/problems/{slug}", body
    return body


def planned(client, tokens, **fields):
    """An activity of jd-fgw planned by its editor (on 14 August 2026 unless `fields` say)."""
    return ok(client.post("/api/v1/activities", json=PLAN | fields, headers=auth(tokens["editor"])), 201)


def published(client, tokens, published_on="2026-04-01", **fields):
    """An activity planned and published."""
    made = planned(client, tokens, **fields)
    body = {"published_on": published_on}
    return ok(client.post(f"/api/v1/activities/{made['id']}/publication", json=body, headers=auth(tokens["editor"])))


def on(day: str, hour: str = "09:30") -> dict:
    """starts_at and ends_at of an activity on `day` (Asia/Shanghai), two hours long."""
    start = dt.datetime.fromisoformat(f"{day}T{hour}:00+08:00")
    return {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat()}
