"""Integer lookups that treat an out-of-range number as "no such row" on every database.

PostgreSQL compares a 30-digit id with a bigint column and finds nothing; SQLite cannot
bind it and raises OverflowError, which reached users as a 500 (e.g. an admin
many-to-many choice of 10^30 is checked with ``pk__in``). Django already handles
``exact`` and the comparisons this way; this does the same for ``in``.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class HeltalIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            # As Django's IntegerFieldOverflow does for exact, gt, lt, …
            intern = self.lhs.output_field.get_internal_type()
            laveste, hoejeste = connection.ops.integer_field_range(intern)
            self.rhs = [
                v
                for v in self.rhs
                if not isinstance(v, int)
                or ((laveste is None or v >= laveste) and (hoejeste is None or v <= hoejeste))
            ]
        return super().process_rhs(compiler, connection)


def registrer() -> None:
    IntegerField.register_lookup(HeltalIn)
