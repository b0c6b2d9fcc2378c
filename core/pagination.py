"""Lists, paged once for all: a service returns a `Listing`, the view returns it, and
`@blp.paginate(Paged)` counts it and reads one page of it (flask-smorest's documented pager).
"""

import functools
from collections.abc import Callable

import sqlalchemy as sa
from flask_smorest import Page

from core.extensions import db, read_connection
from core.serialize import records


class Listing:
    """The rows of `statement` (ordered, not yet limited), counted and paged on demand.

    `count` defaults to the statement's own conditions counted over its FROM (no subquery: a
    count over the index reads no row). A statement selecting one mapped class yields ORM
    objects from the session; any other yields rows from the request's read connection.
    `shape` turns each item into what the schema dumps (e.g. a view with computed fields).
    """

    def __init__(
        self,
        statement: sa.Select,
        *,
        count: sa.Select | None = None,
        params: dict | None = None,
        shape: Callable | None = None,
    ):
        self.statement = statement
        self.count_statement = count
        self.params = params or {}
        self.shape = shape
        self.selects_objects = _selects_objects(statement)

    def count(self) -> int:
        """How many items the list holds."""
        statement = self.count_statement
        if statement is None:
            statement = self.statement.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
        return self._execute(statement).scalar_one()

    def page(self, offset: int, limit: int) -> list:
        """`limit` items from `offset` on, shaped."""
        result = self._execute(_paged(self.statement), {**self.params, "page_limit": limit, "page_offset": offset})
        items = result.scalars().all() if self.selects_objects else records(result.all())
        return items if self.shape is None else [self.shape(item) for item in items]

    def _execute(self, statement, params=None):
        params = self.params if params is None else params
        if self.selects_objects:
            return db.session.execute(statement, params)
        return read_connection().execute(statement, params)


@functools.lru_cache(maxsize=1024)
def _selects_objects(statement: sa.Select) -> bool:
    """Whether `statement` selects one mapped class (ORM objects), worked out once per
    statement: SQLAlchemy builds its column descriptions anew on each reading (an ORM compile
    state with an entity per column), a tenth of a first page's time."""
    described = statement.column_descriptions
    return len(described) == 1 and isinstance(described[0]["expr"], type)


@functools.lru_cache(maxsize=1024)
def _paged(statement: sa.Select) -> sa.Select:
    """`statement` limited to a page whose bounds are bound parameters, built once per statement.

    SQLAlchemy computes a statement's cache key once per statement object (Select memoizes
    it) and that costs more than SQLite takes to read a page: a `.limit(20).offset(40)` built
    on every request costs a new key every time. Services build each shape of list statement
    once (decisions.services._list_statements), so the page statement is built once too.
    Bounded: a statement built per request only passes through."""
    return statement.limit(sa.bindparam("page_limit")).offset(sa.bindparam("page_offset"))


class Paged(Page):
    """flask-smorest's pager over a `Listing`: one count, then one page of rows."""

    @property
    def item_count(self) -> int:
        return self.collection.count()

    @property
    def items(self) -> list:
        parameters = self.page_params
        return self.collection.page(parameters.first_item, parameters.page_size)
