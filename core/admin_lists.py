"""The admin's lists (accounts, the audit log, the security log): one way to declare them."""

from core.auth import requires
from core.pagination import Paged


def admin_list(blp, query_schema, item_schema):
    """A list view's decorators: admins only, filtered by `query_schema` read from the query
    string, each item shown by `item_schema`, paged by flask-smorest over the view's Listing."""

    def decorate(view):
        paged = blp.paginate(Paged)(view)
        return requires("admin")(
            blp.arguments(query_schema, location="query")(blp.response(200, item_schema(many=True))(paged))
        )

    return decorate
