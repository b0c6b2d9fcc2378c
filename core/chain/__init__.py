"""The hash chains of the public record and the audit log: each entry carries a SHA-256 over its
content and the hash of the entry before it, so a copy that kept one hash proves any rewrite of
what came before it (ADR 0015).

An entry's hash, the whole definition (README: Verify the record):

    hash = hex(SHA-256(UTF-8(prev_hash + canonical(entry))))

- `prev_hash` is the previous entry's `hash` (64 lowercase hex digits); before the first entry
  of a chain it is `GENESIS`, 64 zeros.
- `canonical(entry)` is one JSON object of the entry's columns but `hash` and `prev_hash`,
  without the columns that are null: keys sorted (by code point), no whitespace (separators
  `,` and `:`), text as itself (not `\\u` escapes) — Python's `json.dumps(content,
  sort_keys=True, separators=(",", ":"), ensure_ascii=False)`. Numbers are integers; a day is
  `YYYY-MM-DD`; an instant is UTC in ISO 8601 as the API writes it
  (`2026-03-10T01:30:00.123456+00:00`, without the fraction when it is zero); a JSON column
  (the audit log's `changes`) is its value, its keys sorted likewise at every depth.

A public record entry's columns are what `/changes` shows of it: `seq`, `decision_id`, `type`,
`occurred_on`, `recorded_at`, `title`, `target`, `amends_seq` (the feed's `amends`) and
`reason`. An audit entry's are its row's, whatever they are: the definition names no column,
so a column added later (null in older rows) leaves every older hash as it was.

The order of a chain is the order of its key (`seq`, `id`), which is the order of commits:
appending takes the chain's head row (`chain_heads`) with a lock held until commit — a row lock
on PostgreSQL, SQLite's single writer elsewhere — so no entry becomes visible behind one that
came after it, and a mirror reading `/changes` with its cursor verifies the chain as it reads.
Each chain's head row repeats its last entry's key and hashes: it is what the next append
reads and moves, and what `verify` compares the last entry with (a truncated tail shows).
"""

from core.chain.appending import append, moved_head_cte, sql_link
from core.chain.canonical import canonical, canonical_around, link
from core.chain.commands import cli
from core.chain.models import AUDIT_LOG, CHAINS, GENESIS, LINKS, PUBLIC_RECORD, Chain, ChainHead, Head
from core.chain.verifying import BATCH, Broken, Verified, head, rechain, verify, verify_all

__all__ = [
    "AUDIT_LOG",
    "BATCH",
    "CHAINS",
    "GENESIS",
    "LINKS",
    "PUBLIC_RECORD",
    "Broken",
    "Chain",
    "ChainHead",
    "Head",
    "Verified",
    "append",
    "canonical",
    "canonical_around",
    "cli",
    "head",
    "link",
    "moved_head_cte",
    "rechain",
    "sql_link",
    "verify",
    "verify_all",
]
