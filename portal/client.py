"""The portal's only way to the data: the public JSON API, over HTTP, as any third party reads it.

In process by default (httpx's WSGI transport calls this very application, no network hop), or
a remote API when PORTAL_API_URL is set, so the portal can be deployed apart from the API. It
never sends a token: what the portal shows is what the public may read. The resident's own
address goes with each call (the transport's remote address in process; X-Forwarded-For to a
remote API behind PROXY_COUNT), so the API's rate limits count each resident, not the portal.
"""

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from flask import current_app, request

if TYPE_CHECKING:
    import httpx

Json = dict[str, Any]

# One line per call would double the log: the API's own request log has each of them.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclasses.dataclass
class ApiError(Exception):
    """The API refused: its status and its problem+json (title, detail, errors …)."""

    status: int
    problem: Json

    def __str__(self):
        return f"{self.status} {self.problem.get('title')}: {self.problem.get('detail')}"


class Api:
    """The calls the portal makes, each returning the API's JSON."""

    def __init__(self, http: "httpx.Client"):
        self.http = http

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.http.close()

    def _get(self, path: str, **params) -> Any:
        return self._answer(self.http.get(path, params={k: v for k, v in params.items() if v is not None}))

    def _answer(self, response: "httpx.Response") -> Any:
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason_phrase}
            raise ApiError(response.status_code, problem)
        return response.json()

    def catalogues(self) -> list[Json]:
        return self._get("/api/v1/catalogues", page_size=100)

    def catalogue(self, year: int) -> Json:
        return self._get(f"/api/v1/catalogues/{year}", embed="stages")

    def unit(self, code: str) -> Json:
        return self._get(f"/api/v1/units/{code}")

    def unit_catalogues(self, code: str) -> list[Json]:
        return self._get(f"/api/v1/units/{code}/catalogues", page_size=100)

    def unit_catalogue(self, code: str, year: int) -> Json:
        return self._get(f"/api/v1/units/{code}/catalogues/{year}", embed="stages")

    def decision(self, decision_id: int) -> Json:
        return self._get(f"/api/v1/decisions/{decision_id}")

    def timeline(self, decision_id: int) -> Json:
        return self._get(f"/api/v1/decisions/{decision_id}/timeline")

    def record(self, decision_id: int, path: str) -> Json:
        """One of the decision's published records by its path under the decision, as its
        timeline links it: `drafts/2`, `background/versions/1`, `interpretations/3` …"""
        return self._get(f"/api/v1/decisions/{decision_id}/{path}")

    def draft_diff(self, decision_id: int, version: int) -> Json:
        return self._get(f"/api/v1/decisions/{decision_id}/drafts/{version}/diff")

    def inquiries(self, decision_id: int) -> list[Json]:
        return self._get(f"/api/v1/decisions/{decision_id}/inquiries", page_size=100)

    def meeting(self, meeting_id: int) -> Json:
        return self._get(f"/api/v1/meetings/{meeting_id}")

    def consultations(self, decision_id: int) -> list[Json]:
        return self._get(f"/api/v1/decisions/{decision_id}/consultations")

    def consultation(self, consultation_id: int) -> Json:
        return self._get(f"/api/v1/consultations/{consultation_id}")

    def comments(self, consultation_id: int, page: int = 1) -> list[Json]:
        return self._get(f"/api/v1/consultations/{consultation_id}/comments", page=page, page_size=50)

    def comment(self, consultation_id: int, body: Json, idempotency_key: str) -> Json:
        """Submit a comment; the same key sent twice stores it once (a double click)."""
        response = self.http.post(
            f"/api/v1/consultations/{consultation_id}/comments",
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return self._answer(response)

    def ask(self, decision_id: int, body: Json) -> Json:
        """Ask a question about a decision (网上咨询): the answer holds its receipt."""
        return self._answer(self.http.post(f"/api/v1/decisions/{decision_id}/inquiries", json=body))

    def receipt(self, receipt: str) -> Json:
        return self._get(f"/api/v1/receipts/{receipt}")

    def compliance(self, year: int) -> Json:
        return self._get("/api/v1/compliance", year=year)

    def search(self, q: str, page: int = 1) -> Json:
        return self._get("/api/v1/search", q=q, page=page, page_size=20)

    def units(self) -> list[Json]:
        return self._get("/api/v1/units", page_size=100)


def api() -> Api:
    """A client for this request: to PORTAL_API_URL when set, else to this application."""
    # Imported here, not with the module: its 5 MB only in a worker that renders a page (issue 12).
    import httpx

    language = {"Accept-Language": "zh-CN,zh;q=0.9"}
    remote = current_app.config["PORTAL_API_URL"].rstrip("/")
    if remote:
        headers = {**language, "X-Forwarded-For": request.remote_addr or ""}
        return Api(httpx.Client(base_url=remote, headers=headers, timeout=10))
    transport = httpx.WSGITransport(
        app=_in_own_context(current_app._get_current_object()), remote_addr=request.remote_addr or ""
    )
    return Api(httpx.Client(transport=transport, base_url=request.host_url.rstrip("/"), headers=language))


def _in_own_context(application):
    """The application as a WSGI callable whose every request has an application context of
    its own. Flask lets a request made inside another request of the same app share that
    one's context: its `g` (who is asking, the read connection, the cache policy's marks)
    and its language would be the portal page's, not the API call's."""

    def call(environ, start_response):
        with application.app_context():
            # Read whole inside it: what the body is made of may need the context.
            return list(application(environ, start_response))

    return call
