"""Writing many rows fast for the benchmarks: PostgreSQL ``COPY`` (psycopg 3) or ``bulk_create`` elsewhere.

``write(model, objs)`` takes unsaved model instances and turns each field into its database value with the field's own
``get_db_prep_save`` — so encrypted fields are encrypted by ``trove.core.fields`` and JSON is dumped as Django dumps
it — then streams them with ``COPY``. Instances whose primary key is None get it from the table's sequence; give
explicit keys when other rows refer to them, and call ``reset_sequences`` afterwards. No model ``save()`` runs and no
signal fires, exactly as with ``bulk_create``. Synthetic data only.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection


def write(model, objs: list, *, batch_size: int = 5000) -> int:
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    with_pk = objs[0].pk is not None
    fields = [f for f in model._meta.local_concrete_fields if with_pk or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row(tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields))
    return len(objs)


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
