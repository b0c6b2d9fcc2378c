"""Searching the index: Chinese words of any length, each found as written in a title or a
text, with highlighted snippets and the counts of each facet.

On SQLite a word of three characters or more is looked up in the FTS5 trigram index (any
three characters in a row are a token, so a word is found inside a sentence with no spaces);
a shorter one (贴息, 停车) has no trigram and is read with LIKE, which the FTS5 index cannot
serve. On PostgreSQL every word is an ILIKE served by the pg_trgm GIN indexes (migration
0017); pg_trgm, too, can narrow nothing for one or two characters and reads the table.
"""

import html
import re
from types import SimpleNamespace

import sqlalchemy as sa

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


def _matches(terms: list[str]):
    """A condition on search_documents: every term in its title or its body."""
    conditions = []
    long_terms = []
    for term in terms:
        if db.engine.dialect.name == "sqlite" and len(term) >= 3:
            long_terms.append(_fts_phrase(term))
        else:
            conditions.append(sa.or_(D.title.icontains(term, autoescape=True), D.body.icontains(term, autoescape=True)))
    if long_terms:
        fts = sa.text("SELECT rowid FROM search_fts WHERE search_fts MATCH :fts_query").bindparams(
            fts_query=" AND ".join(long_terms)
        )
        conditions.append(D.id.in_(fts.columns(sa.column("rowid", sa.Integer))))
    return sa.and_(*conditions)


def search(q: str, *, offset: int, limit: int, **filters) -> SimpleNamespace:
    """The documents matching `q` (and `filters`: year, unit, category, kind, stage), a page of
    them from `offset`, how many there are, and each facet's counts over all of them."""
    terms = terms_of(q)
    where = [_matches(terms)]
    where += [getattr(D, name) == value for name, value in filters.items() if value is not None]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(D).where(*where))
    title_first = sa.case((D.title.icontains(terms[0], autoescape=True), 0), else_=1)
    documents = db.session.scalars(
        sa.select(D)
        .where(*where)
        .order_by(title_first, D.published_on.desc().nulls_last(), D.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    facets = {}
    for name in FACETS:
        column = getattr(D, name)
        counted = db.session.execute(
            sa.select(column.label("value"), sa.func.count().label("count"))
            .where(*where)
            .group_by(column)
            .order_by(sa.func.count().desc(), column)
        ).all()
        facets[name] = [SimpleNamespace(value=str(value), count=count) for value, count in counted]
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
