"""Every write of the 两个责任 module (R3). Import from here."""

from dangjian.responsibility.services.lists import (
    item_add,
    item_remove,
    item_update,
    list_start,
    list_transition,
    lists_window_set,
)
from dangjian.responsibility.services.records import record_add
from dangjian.responsibility.services.spotcheck import (
    spotcheck_commit,
    spotcheck_draw,
    target_record,
)
from dangjian.responsibility.services.supervision import (
    case_escalate,
    case_open,
    commendation_add,
    evaluation_set,
    note_add,
)
from dangjian.responsibility.services.verify import duty_chain_verify, duty_checkpoint

__all__ = [
    "case_escalate", "case_open", "commendation_add", "duty_chain_verify", "duty_checkpoint",
    "evaluation_set", "item_add", "item_remove", "item_update", "list_start",
    "list_transition", "lists_window_set", "note_add", "record_add", "spotcheck_commit",
    "spotcheck_draw", "target_record",
]
