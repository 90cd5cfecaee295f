"""The worker's housekeeping thread: every TICK seconds it recovers jobs whose worker died and
submits the daily kinds (once a day, whichever worker gets there first)."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

from dangjian.jobs.services import daily_submit, jobs_recover

logger = logging.getLogger("dangjian.jobs")
TICK = 15.0


def housekeeping() -> None:
    """One round; a busy database (SQLite while a job writes) only postpones it."""
    close_old_connections()
    try:
        jobs_recover()
        daily_submit()
    except Exception:
        logger.warning("job housekeeping postponed", exc_info=True)
    finally:
        connections.close_all()


class Scheduler(threading.Thread):
    def __init__(self, tick: float = TICK) -> None:
        super().__init__(name="jobs-scheduler", daemon=True)
        self.tick = tick
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.tick):
            housekeeping()

    def stop(self) -> None:
        self._stop_event.set()
