"""Check constraints validated with one query per model instead of one per constraint.

Django's ``Model.validate_constraints`` asks the database about each ``CheckConstraint``
on its own, inside a savepoint when a transaction is open: three round trips per
constraint, for every ``full_clean()``. A baseline has seven; loading the Vejle delaftale
made 700 such queries. ``EnForespoergselsKontrol`` puts every check condition of a model
into one ``SELECT`` with Django's own semantics (``Q.check``: a condition that is NULL
passes, one that names an excluded field is skipped, a database error lets the save
decide), and leaves unique constraints to Django.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def _opfyldt(instance, model, tjek: list[CheckConstraint], exclude, using) -> list[bool] | None:
    """Whether each condition holds for ``instance``, from one query; ``None`` for a
    condition that names an excluded field; ``None`` in all if the query fails."""
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    query = Query(None)
    for navn, vaerdi in against.items():
        if not hasattr(vaerdi, "resolve_expression"):
            vaerdi = Value(vaerdi)
        query.add_annotation(vaerdi, navn, select=False)
    kolonner: list[int] = []
    for i, constraint in enumerate(tjek):
        udtryk = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            query.add_annotation(udtryk, f"_tjek_{i}")
        except FieldError:
            continue
        kolonner.append(i)
    svar: list[bool | None] = [None] * len(tjek)
    if not kolonner:
        return svar
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            raekke = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as e:
        logger.warning("Databasefejl ved kontrol af %s: %s", model.__name__, e)
        return None
    for i, vaerdi in zip(kolonner, raekke, strict=True):
        svar[i] = bool(vaerdi)
    return svar


class EnForespoergselsKontrol:
    """Mixin for a model: its check constraints cost one query in ``full_clean()``."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        if not connections[using].features.supports_comparing_boolean_expr:
            return super().validate_constraints(exclude=exclude)
        errors: dict = {}
        for model_class, model_constraints in self.get_constraints():
            tjek = [c for c in model_constraints if isinstance(c, CheckConstraint)]
            svar = _opfyldt(self, model_class, tjek, exclude, using) if tjek else []
            for constraint in model_constraints:
                try:
                    if isinstance(constraint, CheckConstraint) and svar is not None:
                        if svar[tjek.index(constraint)] is False:
                            raise ValidationError(
                                constraint.get_violation_error_message(),
                                code=constraint.violation_error_code,
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as e:
                    if getattr(e, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
