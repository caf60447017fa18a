"""Coders and the consensus layer, named alike: `--coder consensus` reads the consensus layer.

Every filter that takes a coder's name (`codings`, `retrieve`, `show`, agreement's `--coders`,
the exports) turns it into a WHERE clause here, so the consensus layer is read like one more
coder everywhere. `consensus` is therefore not a name a coder can have.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, case, literal, or_
from sqlalchemy.orm import Session

from qcode.store.models import Coder, Coding, coder_key

CONSENSUS = "consensus"
CODING = "coding"


def is_consensus(name: str) -> bool:
    return coder_key(name) == CONSENSUS


def source_clause(session: Session, name: str) -> ColumnElement[bool]:
    """The codings of the coder `name` (their own layer), or of the consensus layer."""
    if is_consensus(name):
        return Coding.layer == CONSENSUS
    from qcode.coding.coders import find_coder

    return and_(Coding.layer == CODING, Coding.coder_id == find_coder(session, name).id)


def sources_clause(
    session: Session, names: Sequence[str], default_layer: str = CODING
) -> ColumnElement[bool]:
    """Codings of any of `names`; with no names, every coding of `default_layer`."""
    if not names:
        return Coding.layer == default_layer
    clauses = [source_clause(session, name) for name in names]
    return clauses[0] if len(clauses) == 1 else or_(*clauses)


def coder_label() -> ColumnElement[str]:
    """The name a listing shows for a coding: its coder, or `consensus`."""
    return case((Coding.layer == CONSENSUS, literal(CONSENSUS)), else_=Coder.name)
