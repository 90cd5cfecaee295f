"""Every write of 党建考核: scope-checked first, validated, atomic, traced."""

from dangjian.assessment.services.conduct import (
    assessment_ensure,
    hearing_add,
    interview_add,
    judgement_save,
    observation_add,
    poll_create,
    scores_save,
    site_visit_add,
    team_create,
)
from dangjian.assessment.services.feedback import (
    feedback_save,
    feedback_transition,
    report_ensure,
    report_issue,
    report_save,
)
from dangjian.assessment.services.scheme import (
    indicator_add,
    indicator_remove,
    indicator_update,
    scheme_create,
    scheme_publish,
    scheme_weight_set,
    thresholds_save,
)

__all__ = [
    "assessment_ensure",
    "feedback_save",
    "feedback_transition",
    "hearing_add",
    "indicator_add",
    "indicator_remove",
    "indicator_update",
    "interview_add",
    "judgement_save",
    "observation_add",
    "poll_create",
    "report_ensure",
    "report_issue",
    "report_save",
    "scheme_create",
    "scheme_publish",
    "scheme_weight_set",
    "scores_save",
    "site_visit_add",
    "team_create",
    "thresholds_save",
]
