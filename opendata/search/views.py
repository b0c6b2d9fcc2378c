"""HTTP view of search: parse, search, answer."""

from flask.views import MethodView

from core.http import api_blueprint
from core.reads import lists
from opendata.search import services
from opendata.search.schemas import SearchArgsSchema, SearchResultSchema

blp = api_blueprint(
    "search",
    __name__,
    description="Search what the public may read: decisions, backgrounds, drafts, results, interpretations, "
    "follow-ups and adoption reports, in Chinese words of any length.",
)


@blp.route("")
class Search(MethodView):
    @blp.doc(operationId="search")
    @lists(blp, SearchResultSchema, SearchArgsSchema, 422, paged=False)
    @blp.paginate()  # the page is the search's own (its total counted with its facets)
    def get(self, args, pagination_parameters):
        """Search decisions and their published records

        Each word (or "phrase") is found as written, inside words too (Chinese has no spaces):
        `q=贴息`, `q=停车`, `q=贴息 小微`. Only what the public may read is found: withdrawn
        and superseded versions never, a corrected record as its current version. Each hit
        has its title and a snippet with the words in `<mark>`, and the counts of each facet
        (year, unit, category, kind, stage) cover every document found; the filters narrow by
        the same fields. Paged as every list: `page`, `page_size`, `X-Pagination`."""
        q = args.pop("q")
        found = services.search(
            q, offset=pagination_parameters.first_item, limit=pagination_parameters.page_size, **args
        )
        pagination_parameters.item_count = found.total
        return found
