"""A chain's head row, and what names a chain and where it stands."""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

GENESIS = "0" * 64
# The columns that hold the chain itself, which the content leaves out.
LINKS = frozenset({"hash", "prev_hash"})


class ChainHead(db.Model):
    """The last entry of a chain: its key and hashes. Moved by every append, under its lock."""

    __tablename__ = "chain_heads"

    chain: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int]  # the last entry's key (seq, id); 0 for an empty chain
    hash: Mapped[str] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))


@dataclasses.dataclass(frozen=True)
class Chain:
    """A chained table and its key, which orders it."""

    table: str
    key: str


PUBLIC_RECORD = Chain("public_record", "seq")
AUDIT_LOG = Chain("audit_log", "id")
CHAINS = (PUBLIC_RECORD, AUDIT_LOG)


@dataclasses.dataclass(frozen=True)
class Head:
    """Where a chain stands: its last entry's key (0 when empty) and hash (GENESIS when empty)."""

    position: int
    hash: str
