"""Lists, paged once for all: a service returns a `Listing`, the view returns it, and
`@blp.paginate(Paged)` counts it and reads one page of it (flask-smorest's documented pager).
"""

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
        # Whether it yields ORM objects, worked out once: SQLAlchemy builds its column
        # descriptions anew on each reading, and a page asks three times.
        described = statement.column_descriptions
        self.selects_objects = len(described) == 1 and isinstance(described[0]["expr"], type)

    def count(self) -> int:
        """How many items the list holds."""
        statement = self.count_statement
        if statement is None:
            statement = self.statement.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
        return self._execute(statement).scalar_one()

    def page(self, offset: int, limit: int) -> list:
        """`limit` items from `offset` on, shaped."""
        result = self._execute(self.statement.limit(limit).offset(offset))
        items = result.scalars().all() if self.selects_objects else records(result.all())
        return items if self.shape is None else [self.shape(item) for item in items]

    def _execute(self, statement):
        if self.selects_objects:
            return db.session.execute(statement, self.params)
        return read_connection().execute(statement, self.params)


class Paged(Page):
    """flask-smorest's pager over a `Listing`: one count, then one page of rows."""

    @property
    def item_count(self) -> int:
        return self.collection.count()

    @property
    def items(self) -> list:
        parameters = self.page_params
        return self.collection.page(parameters.first_item, parameters.page_size)
