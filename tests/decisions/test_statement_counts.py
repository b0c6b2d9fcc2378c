"""A read issues the same few SQL statements whatever the database holds.

architecture.md: a list is one query for its page plus one for the count, and nothing loads
lazily in a loop. Each test counts the statements of a request on a small district, grows it
twelvefold, and counts again: a statement run per row or per decision would show as a count
that grows.
"""

import datetime as dt
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from core.extensions import db
from decisions.catalogues import services as catalogue_services
from decisions.models import Decision
from tests import factories
from tests.conftest import auth

# Transaction control is not a query. SQLite's BEGIN goes through a cursor (we issue it
# ourselves, see core.extensions.configure_engine); psycopg begins without one.
_TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@contextmanager
def statements():
    """The SQL statements sent to the database meanwhile (transaction control left out)."""
    sent = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        if not _TRANSACTION_CONTROL.match(statement):
            sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def add_published_catalogue(year: int, size: int) -> list[int]:
    """A published catalogue of `size` decisions, led by two units in turn; their ids."""
    catalogue = factories.catalogue(year)
    ids = [
        factories.decision(
            year,
            lead_unit=("jd-fgw", "jd-jyj")[i % 2],
            title=f"嘉定区{year}年第{i + 1}项重大行政决策事项",
            co_units=["jd-gov"],
            legal_basis=["《重大行政决策程序暂行条例》"],
            procedures=["public_participation", "legality_review"],
        ).id
        for i in range(size)
    ]
    published_on = dt.date(year, 3, 10)
    consent = published_on - dt.timedelta(days=10)
    catalogue_services.publish_catalogue(catalogue, party_consent_on=consent, published_on=published_on)
    return ids


def count(client, path: str, headers=None) -> tuple[int, list[str]]:
    with statements() as sent:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return len(sent), sent


LISTS = {
    "everything": "/api/v1/decisions",
    "by year and unit": "/api/v1/decisions?year=2025&unit=jd-fgw&page=1",
    "by unit in capitals": "/api/v1/decisions?year=2025&unit=JD-FGW&page=1",
    "a later page": "/api/v1/decisions?year=2025&page=2&page_size=2",
    "by words": "/api/v1/decisions?q=重大 事项&sort=-updated_at",
}


@pytest.mark.parametrize("path", LISTS.values(), ids=LISTS.keys())
def test_the_public_list_is_two_statements_whatever_its_size(client, tokens, path):
    add_published_catalogue(2025, 5)
    small, sent = count(client, path)
    assert small == 2, sent  # the count and the page

    add_published_catalogue(2024, 55)
    add_published_catalogue(2023, 5)  # 65 decisions now, 28 of them led by jd-fgw in 2024 and 2025
    large, sent = count(client, path)
    assert large == small, sent


def test_the_list_pages_through_a_large_catalogue_in_two_statements(client, tokens):
    add_published_catalogue(2025, 60)
    with statements() as sent:
        response = client.get("/api/v1/decisions?year=2025&unit=jd-fgw&page=2&page_size=20")
    assert len(response.get_json()) == 10
    assert response.headers["X-Pagination"] == (
        '{"total": 30, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 2, "previous_page": 1}'
    )
    assert len(sent) == 2, sent


def test_a_catalogue_with_its_stages_is_the_same_few_statements_whatever_its_size(client, tokens):
    for decision_id in add_published_catalogue(2025, 5):
        factories.background(db.session.get(Decision, decision_id), published_on=dt.date(2025, 4, 1))
    small, sent = count(client, "/api/v1/catalogues/2025?embed=stages")

    for _ in range(55):  # twelve times the items, each with two stages more
        added = factories.catalogued_decision(2025)
        factories.background(added, published_on=dt.date(2025, 4, 1))
    large, sent = count(client, "/api/v1/catalogues/2025?embed=stages")
    items = client.get("/api/v1/catalogues/2025?embed=stages").get_json()["items"]
    assert len(items) == 60
    assert {len(item["stages"]) for item in items} == {2}  # catalogued, background
    assert large == small, sent


def test_one_decision_is_one_statement_whatever_the_size(client, tokens):
    first = add_published_catalogue(2025, 5)[0]
    small, sent = count(client, f"/api/v1/decisions/{first}")
    assert small == 1, sent

    last = add_published_catalogue(2024, 60)[-1]
    assert count(client, f"/api/v1/decisions/{first}")[0] == small
    assert count(client, f"/api/v1/decisions/{last}")[0] == small


def test_an_anonymous_read_asks_nothing_about_accounts(client, tokens):
    ids = add_published_catalogue(2025, 5)
    for path in (LISTS["by year and unit"], f"/api/v1/decisions/{ids[0]}"):
        _, sent = count(client, path)
        assert not any("accounts" in statement for statement in sent), sent


def test_a_token_adds_one_statement_its_account(client, tokens):
    ids = add_published_catalogue(2025, 5)
    editor = auth(tokens["editor"])
    assert count(client, LISTS["by year and unit"], editor)[0] == 3
    assert count(client, f"/api/v1/decisions/{ids[0]}", editor)[0] == 2

    add_published_catalogue(2024, 60)
    assert count(client, LISTS["by year and unit"], editor)[0] == 3
    assert count(client, f"/api/v1/decisions/{ids[-1]}", editor)[0] == 2
