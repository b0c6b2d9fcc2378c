"""Searching the index: Chinese words of any length, each found as written in a title or a
text, with highlighted snippets and the counts of each facet.

A word of one or two characters (贴息, 停车) holds no trigram: it is looked up as one token
of the documents' `grams` (each character and each pair in a row), in FTS5 on SQLite and a GIN
index on PostgreSQL. A longer one is looked up in the FTS5 trigram index on SQLite (any three
characters in a row are a token, so a word is found inside a sentence with no spaces), and
with ILIKE served by the pg_trgm GIN indexes on PostgreSQL (migration 0017). A word of
other characters (`3%`) is read with LIKE.
"""

import html
import re
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import defer

from core.errors import Invalid
from core.extensions import db
from opendata.search.models import SearchDocument as D

FACETS = ("year", "unit", "category", "kind", "stage")
MAX_TERMS = 8
SNIPPET_AROUND = 40  # characters of context on each side of the first match
# A hit shows these of its document as they are (its body only as a snippet).
_SHOWN = ("kind", "decision_id", "target", "year", "unit", "category", "stage", "published_on", "title")

_PHRASE = re.compile(r'"([^"]+)"|(\S+)')


def terms_of(q: str) -> list[str]:
    """The words of a query: "quoted phrases" whole, the rest split at spaces."""
    found = [(phrase or word).strip() for phrase, word in _PHRASE.findall(q)]
    found = [term for term in found if term]
    if not found:
        raise Invalid("q", "Give a word to look for, e.g. q=贴息.")
    if len(found) > MAX_TERMS:
        raise Invalid("q", f"Look for at most {MAX_TERMS} words at once.")
    return found


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_WORD = re.compile(r"\w{1,2}")


def _matches(terms: list[str]):
    """A condition on search_documents: every term in its title or its body."""
    sqlite = db.engine.dialect.name == "sqlite"
    conditions, phrases, short = [], [], []
    for term in terms:
        if _WORD.fullmatch(term):
            short.append(term.lower())  # one token of `grams`
        elif sqlite and len(term) >= 3:
            phrases.append(term)
        else:
            conditions.append(sa.or_(D.title.icontains(term, autoescape=True), D.body.icontains(term, autoescape=True)))
    if sqlite:
        for table, column, wanted in (("search_fts", "fts", phrases), ("search_grams", "grams", short)):
            if wanted:
                lookup = sa.text(f"SELECT rowid FROM {table} WHERE {table} MATCH :{column}_query")
                lookup = lookup.bindparams(**{f"{column}_query": " AND ".join(map(_fts_phrase, wanted))})
                conditions.append(D.id.in_(lookup.columns(sa.column("rowid", sa.Integer))))
    elif short:
        # As the GIN index (migration 0017) is written, its separator inlined, not a parameter.
        tokens = sa.func.string_to_array(D.grams, sa.literal_column("' '"))
        conditions.append(tokens.op("@>")(sa.cast(sa.literal(short), ARRAY(sa.Text))))
    return sa.and_(*conditions)


def search(q: str, *, offset: int, limit: int, **filters) -> SimpleNamespace:
    """The documents matching `q` (and `filters`: year, unit, category, kind, stage), a page of
    them from `offset`, how many there are, and each facet's counts over all of them: one query
    for the counts, two for the page."""
    terms = terms_of(q)
    where = [_matches(terms)]
    where += [getattr(D, name) == value for name, value in filters.items() if value is not None]
    # Every facet counted in one statement, over the matches read once (a CTE the database
    # keeps): grouped by all five at once, the combinations were a thousand rows to sum here.
    matched = sa.select(*(getattr(D, name) for name in FACETS)).where(*where).cte("matched").prefix_with("MATERIALIZED")
    counts = sa.union_all(
        *(
            sa.select(
                sa.literal(name).label("facet"),
                sa.cast(matched.c[name], sa.String).label("value"),
                sa.func.count().label("n"),
            ).group_by(matched.c[name])
            for name in FACETS
        )
    )
    facets = {name: [] for name in FACETS}
    for facet, value, count in db.session.execute(counts):
        facets[facet].append(SimpleNamespace(value=value, count=count))
    for counted in facets.values():
        counted.sort(key=lambda c: (-c.count, c.value))
    total = sum(c.count for c in facets["kind"])  # every document has one kind
    title_first = sa.case((D.title.icontains(terms[0], autoescape=True), 0), else_=1)
    # The page's ids first: sorting the matches with their bodies and grams beside them took
    # two thirds of a search of 1,500 matches (bench/search.py); then the page's documents.
    page = db.session.scalars(
        sa.select(D.id)
        .where(*where)
        .order_by(title_first, D.published_on.desc().nulls_last(), D.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    loaded = {d.id: d for d in db.session.scalars(sa.select(D).where(D.id.in_(page)).options(defer(D.grams)))}
    documents = [loaded[i] for i in page]
    hits = [
        SimpleNamespace(
            **{name: getattr(d, name) for name in _SHOWN},
            highlighted_title=highlight(d.title, terms),
            snippet=snippet(d.body, terms),
        )
        for d in documents
    ]
    return SimpleNamespace(query=q, terms=terms, total=total, hits=hits, facets=SimpleNamespace(**facets))


def _pattern(terms: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> str:
    """`text` as HTML with each term found wrapped in <mark>: everything else escaped."""
    pattern, out, last = _pattern(terms), [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[last : match.start()]), "<mark>", html.escape(match.group()), "</mark>"]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(body: str, terms: list[str]) -> str:
    """A few dozen characters of `body` around its first match, highlighted; its start when
    only the title matched."""
    match = _pattern(terms).search(body)
    if match is None:
        piece = body[: 2 * SNIPPET_AROUND]
        return html.escape(piece) + ("…" if len(body) > len(piece) else "")
    start = max(0, match.start() - SNIPPET_AROUND)
    end = min(len(body), match.end() + SNIPPET_AROUND)
    return ("…" if start else "") + highlight(body[start:end], terms) + ("…" if end < len(body) else "")
