"""The scheduler: due timers swept and fired once, reminders and digests through an outbox.

``Sweeper.sweep(as_of)`` fires every timer due by a date (reminders into the outbox,
automatic lapses through the case service); ``DigestWriter.queue`` writes the daily
digests; ``Deliverer.deliver`` sends the outbox by file, e-mail or webhook.
APScheduler (``scheduler.py``, imported on demand) only ticks these.
"""

from workflow.scheduling.delivery import Deliverer, DeliveryReport
from workflow.scheduling.digest import DigestReport, DigestWriter
from workflow.scheduling.notify_config import NotificationConfig, load_notification_config
from workflow.scheduling.sweeper import Sweeper, SweepReport

__all__ = [
    "Deliverer",
    "DeliveryReport",
    "DigestReport",
    "DigestWriter",
    "NotificationConfig",
    "SweepReport",
    "Sweeper",
    "load_notification_config",
]
