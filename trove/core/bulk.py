"""Inserting many rows at once: PostgreSQL ``COPY`` (psycopg 3), ``bulk_create`` on other databases.

``bulk_create`` on PostgreSQL sends one ``INSERT`` whose text holds a placeholder for every value; for the thousands
of rows an import or the synthetic-data generator writes at a time, building, splitting and adapting that text costs
more than the database's work. ``COPY`` streams the values instead.

- ``insert(objs)`` writes unsaved instances of one model and gives each its primary key, as ``bulk_create`` does.
  On PostgreSQL the keys are taken from the table's sequence in one query (``nextval``), so that rows written
  afterwards may refer to them, and concurrent writers never collide.
- ``insert_values(model, fields, rows)`` writes rows given as plain values (one tuple per row, in the order of
  ``fields``, foreign keys by their ``_id`` names) without building model instances: for child rows (keys, tokens,
  timeline events) whose ids no one needs back.
- ``write(model, objs)`` writes instances whose keys were already given (or are left to the sequence), for the
  synthetic-data generator; ``next_id`` and ``reset_sequences`` go with it.

Every value becomes its database value through the field's own ``get_db_prep_save`` (encrypted fields are encrypted
by ``trove.core.fields``, JSON is dumped as Django dumps it) except for plain integers, text and booleans, which
psycopg adapts itself. As with ``bulk_create``, no ``save()`` runs and no signal is sent. Everything runs on the
caller's connection and inside the caller's transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models

from trove.core.fields import EncryptedTextField

# Field classes whose Python values psycopg adapts exactly as the field would prepare them.
_PLAIN = (models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField, models.BigIntegerField,
          models.SmallIntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
          models.PositiveBigIntegerField, models.CharField, models.TextField, models.BooleanField)
BATCH_SIZE = 5000


def copy_available() -> bool:
    """Whether this database takes ``COPY`` (PostgreSQL through psycopg 3)."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def _converter(field: models.Field):
    """None when the value goes to psycopg as it is, else the function that prepares it."""
    if type(field) in _PLAIN:
        return None
    if isinstance(field, models.ForeignKey) and type(field.target_field) in _PLAIN:
        return None

    def prepare(value):
        return field.get_db_prep_save(value, connection)

    if type(field) is EncryptedTextField:
        return lambda value: "" if value == "" else prepare(value)  # an empty text is stored as "", not encrypted

    if type(field) is models.DateTimeField:
        # An aware datetime is what the field would send; anything else (naive, a date) goes through the field.
        return lambda value: value if type(value) is datetime.datetime and value.tzinfo is not None else prepare(value)
    if type(field) is models.DateField:
        return lambda value: value if type(value) is datetime.date else prepare(value)
    return prepare


def _needs_pre_save(field: models.Field) -> bool:
    # Fields that compute their value when saved (auto_now, files) must be asked for it.
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                or isinstance(field, models.FileField))


def _copy(model, fields: Sequence[models.Field], rows: Iterable[tuple], *, every_field: bool = False) -> None:
    """Stream ``rows`` into the table; ``every_field`` prepares every value through its field (no shortcut)."""
    converters = [_converter(field) for field in fields] if not every_field else [
        (lambda value, field=field: field.get_db_prep_save(value, connection)) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        if not any(converters):
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            copy.write_row([value if convert is None or value is None else convert(value)
                            for convert, value in zip(converters, row, strict=True)])


def _sequence(model) -> str:
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
        return cursor.fetchone()[0]


_sequences: dict[tuple[str, str], str] = {}


def allocate_ids(model, count: int) -> list[int]:
    """``count`` new primary keys from the table's sequence (PostgreSQL only), in increasing order."""
    if count <= 0:
        return []
    key = (connection.settings_dict["NAME"], model._meta.db_table)
    if key not in _sequences:
        _sequences[key] = _sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [_sequences[key], count])
        return sorted(row[0] for row in cursor.fetchall())


def _fields_of(model) -> list[models.Field]:
    return [field for field in model._meta.local_concrete_fields if not field.generated]


def insert(objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances of one model (multi-table inheritance not supported) and set their primary keys."""
    if not objs:
        return objs
    model = type(objs[0])
    if model._meta.parents:
        raise ValueError("bulk.insert does not write models with parent tables.")
    if not copy_available():
        return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    pk = model._meta.pk
    missing = [obj for obj in objs if obj.pk is None]
    for obj, value in zip(missing, allocate_ids(model, len(missing)), strict=True):
        setattr(obj, pk.attname, value)
    fields = _fields_of(model)
    computed = {position for position, field in enumerate(fields) if _needs_pre_save(field)}
    relations = [field for field in fields if field.is_relation]
    for obj in objs:
        # What bulk_create does first: a related object assigned before it had its key gives its key now (or
        # refuses, when it still has none).
        if any(getattr(obj, field.attname) is None and field.is_cached(obj) for field in relations):
            obj._prepare_related_fields_for_save(operation_name="bulk.insert")
    attnames = [field.attname for field in fields]

    def values(obj):
        if computed:
            return tuple(field.pre_save(obj, True) if position in computed else getattr(obj, field.attname)
                         for position, field in enumerate(fields))
        return tuple(getattr(obj, name) for name in attnames)

    _copy(model, fields, (values(obj) for obj in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_values(model, field_names: Sequence[str], rows: list[tuple]) -> int:
    """Insert rows of plain values, one tuple per row in the order of ``field_names`` (attribute names: ``person_id``
    for a foreign key). The primary key comes from the sequence; every other field not named takes its default, as
    it would in a model instance."""
    if not rows:
        return 0
    if not copy_available():
        model.objects.bulk_create([model(**dict(zip(field_names, row, strict=True))) for row in rows],
                                  batch_size=BATCH_SIZE)
        return len(rows)
    by_attname = {field.attname: field for field in _fields_of(model)}
    fields = [by_attname[name] for name in field_names]
    rest = [field for field in _fields_of(model) if field.attname not in field_names and not field.primary_key]
    if rest:
        # Django keeps defaults in Python, not in the table: each row gets them as an instance would.
        fields += rest
        rows = [(*row, *(field.get_default() for field in rest)) for row in rows]
    _copy(model, fields, rows)
    return len(rows)


# For the synthetic-data generator ----------------------------------------------------------------------------------


def write(model, objs: list, *, batch_size: int = BATCH_SIZE) -> int:
    """Write unsaved instances as they are: with their primary keys when the first has one (the generator numbers
    its rows itself and calls ``reset_sequences`` afterwards), else with keys from the sequence, not set on the
    instances."""
    if not objs:
        return 0
    if not copy_available():
        model.objects.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    with_pk = objs[0].pk is not None
    fields = [field for field in _fields_of(model) if with_pk or not field.primary_key]
    # Every value through its field, as this writer always did for the generator (its values are not checked here).
    _copy(model, fields, (tuple(getattr(obj, field.attname) for field in fields) for obj in objs), every_field=True)
    return len(objs)


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models_) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
