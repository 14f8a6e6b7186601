"""``field__any_of=[ids]``: membership in a list of integers sent as one value.

``field__in=[...]`` writes one query parameter (``%s``) per value: for the few thousand records an agency takes
part in, building that text (in Django) and parsing it (in PostgreSQL) cost more than the query itself
(docs/benchmarks.md: the received-referral inbox at 1,000,000 cases). On PostgreSQL ``any_of`` sends the list as one
array (``field = ANY(%s)``), which the planner uses with the field's index as it does an ``IN`` list; other
databases get the ``IN`` list. An empty list matches nothing, as with ``in``.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models


@models.ForeignKey.register_lookup  # person_id__any_of=[...]: the key's column, as for an integer field
@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]
