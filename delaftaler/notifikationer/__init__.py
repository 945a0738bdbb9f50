"""E-mail notifications: the events the workflows report (``haendelser``), who receives
each (``modtagere``), the e-mails themselves (``epost``, templates/notifikationer/), the
reminders' daily run (``paamindelser``) and each person's settings page (``views``).

Everything is sent by the background worker after the transaction has committed, never
inside a request. The services call the event functions re-exported here.
"""

from delaftaler.notifikationer.haendelser import (
    indstilling_besluttet,
    indstilling_sendt,
    opfoelgning_genaabnet,
    opfoelgning_godkendt,
    opfoelgning_haendelse,
    opfoelgning_sendt,
)

__all__ = [
    "indstilling_besluttet",
    "indstilling_sendt",
    "opfoelgning_genaabnet",
    "opfoelgning_godkendt",
    "opfoelgning_haendelse",
    "opfoelgning_sendt",
]
