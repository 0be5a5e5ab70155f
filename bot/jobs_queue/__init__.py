"""Where slow document work runs: in-process (embedded shape) or as PostgreSQL jobs (scaled shape).

Embedded (SQLite, ``CARNET_QUEUE=inprocess``): the engine reads documents in its bounded CPU
pool (``bot.bootstrap``, ``CARNET_WORKERS`` threads). Scaled (``CARNET_QUEUE=postgres``): the
engine stores the encrypted original and, in the same transaction, a job of ids
(``ReadingJobs``, ``store.sql.jobs``); a ``carnet worker`` reads it
(``bot.jobs_queue.processing``) and replies to the user.
Across bot instances each user's updates are handled in order (``bot.tg.ordering``).
"""

from bot.jobs_queue.defer import JobDeferrer, ReadingJobs
from bot.jobs_queue.processing import GaveUp, finish_document, load_document

__all__ = ["GaveUp", "JobDeferrer", "ReadingJobs", "finish_document", "load_document"]
