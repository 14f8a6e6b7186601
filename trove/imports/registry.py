"""What can be imported: each kind of list is its target fields, the fields it needs, and the action that writes
one row. A kind is registered once; the wizard, the engine and the command read the registry and know nothing else
about it.

To add a kind (support given, activities…), an app writes an ``import_kinds`` module that calls ``register``::

    register(Kind(code="support", label=_("Support given"), permission="support.record",
                  fields=(Field("case_code", _("Case code"), "text", ("ma ho so",)), ...),
                  required=(("case_code",), ("support_type",), ("given_on",)),
                  write=write_support_row))

``write(context, values, person, existing)`` calls the app's action for one row and returns what it made as
``Written`` items (or raises ``Skip`` or the action's ``ValidationError``). Kinds about a person give ``person``, which
turns a row into ``trove.people.actions.PersonData``; the engine then looks for the person in the registry
(the same check as ``find_candidates``, for the whole batch at once) and passes the one it is sure of as ``existing``.

A kind may also give ``write_many(context, rows)``: the rows of one batch (``PendingRow``) written together through a
bulk action, returning for each row a ``WriteResult``, a ``Skip`` or a ``ValidationError``. A row's ``same_as`` is the
position (in ``rows``) of an earlier row of the batch about the same person, new in the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Field:
    """A target field. ``parse`` names a cell parser of ``trove.imports.rows.PARSERS``; ``synonyms`` are column
    headings that mean this field, folded (lower case, no diacritics); ``choices`` and ``aliases`` serve the
    "choice" parser; ``default`` lets the wizard give a value for every row whose cell is empty."""

    name: str
    label: Promise | str
    parse: str = "text"
    synonyms: tuple[str, ...] = ()
    choices: object = None
    aliases: dict[str, str] | None = None
    default: bool = False


@dataclass
class Written:
    record: object
    outcome: str  # trove.imports.models.RecordOutcome


@dataclass
class WriteResult:
    written: list[Written]
    remarks: list[str] = field(default_factory=list)


@dataclass
class PendingRow:
    """A row that passed every check of the engine and is about to be written."""

    number: int
    values: dict
    person: object = None
    existing: object = None
    same_as: int | None = None


class Skip(Exception):  # noqa: N818 - a row left out on purpose, not an error
    """A row that is deliberately not written; the message says why."""


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise | str
    permission: str  # what the importing member needs in the agency (the action checks it again)
    fields: tuple[Field, ...]
    # Each group names fields of which one must be mapped to a column or given a value for every row.
    required: tuple[tuple[str, ...], ...]
    write: Callable[..., WriteResult]
    person: Callable[..., tuple[object, list[str]]] | None = None
    # The field whose date says which unit set an address is in (legacy before 1 July 2025).
    event_date: str = ""
    write_many: Callable[..., list] | None = None
    description: Promise | str = ""
    # Where the kind comes in the list an officer chooses from (lowest first; then as registered): the lists of
    # persons first, the ones most offices bring.
    order: int = 100

    def field(self, name: str) -> Field | None:
        return self._fields_by_name.get(name)

    @cached_property
    def _fields_by_name(self) -> dict[str, Field]:
        found: dict[str, Field] = {}
        for target in self.fields:
            found.setdefault(target.name, target)
        return found


_KINDS: dict[str, Kind] = {}
_discovered = False


def register(kind: Kind) -> Kind:
    _KINDS[kind.code] = kind
    return kind


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("import_kinds")


def get_kind(code: str) -> Kind | None:
    _discover()
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    _discover()
    return sorted(_KINDS.values(), key=lambda kind: kind.order)
