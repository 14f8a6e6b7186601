"""Writing many rows fast for the benchmarks: PostgreSQL ``COPY`` (psycopg 3) or ``bulk_create`` elsewhere.

The writer lives in ``trove.core.bulk`` (the import writes its rows with it too); this module keeps the names the
generator and the benchmarks use. ``write(model, objs)`` takes unsaved model instances and turns each field into its
database value with the field's own ``get_db_prep_save`` — so encrypted fields are encrypted by
``trove.core.fields`` and JSON is dumped as Django dumps it — then streams them with ``COPY``. Instances whose
primary key is None get it from the table's sequence; give explicit keys when other rows refer to them, and call
``reset_sequences`` afterwards. No model ``save()`` runs and no signal fires, exactly as with ``bulk_create``.
Synthetic data only.
"""

from __future__ import annotations

from trove.core.bulk import next_id, reset_sequences, write

__all__ = ["next_id", "reset_sequences", "write"]
