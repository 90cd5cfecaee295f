from dangjian.responsibility.models.lists import (
    EDITABLE,
    OWNER,
    RECORDABLE,
    REVIEWER,
    TRANSITIONS,
    LedgerItem,
    ListKind,
    ListReview,
    ListStatus,
    ResponsibilityList,
)
from dangjian.responsibility.models.records import DutyRecord, chain_for
from dangjian.responsibility.models.supervision import (
    LADDER,
    STAGE_TRANSITIONS,
    START_STAGES,
    Case,
    CaseStep,
    Commendation,
    Evaluation,
    NoteKind,
    SpotCheck,
    SpotCheckTarget,
    Stage,
    SupervisionNote,
    TargetResult,
    reachable_stages,
    skips_ladder,
)

__all__ = [
    "EDITABLE", "LADDER", "OWNER", "RECORDABLE", "REVIEWER", "STAGE_TRANSITIONS", "START_STAGES",
    "TRANSITIONS", "Case", "CaseStep", "Commendation", "DutyRecord", "Evaluation",
    "LedgerItem", "ListKind", "ListReview", "ListStatus", "NoteKind", "ResponsibilityList",
    "SpotCheck", "SpotCheckTarget", "Stage", "SupervisionNote", "TargetResult", "chain_for",
    "reachable_stages", "skips_ladder",
]
