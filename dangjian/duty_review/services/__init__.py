"""Every write of 述职评议. Each service is keyword-only, atomic, scope-checked and traced."""

from dangjian.duty_review.services.batch import report_review_batch
from dangjian.duty_review.services.meetings import (
    county_evaluate,
    meeting_create,
    meeting_rectification,
    remark_add,
)
from dangjian.duty_review.services.plans import (
    assignment_add,
    assignment_remove,
    assignment_update,
    plan_create,
    plan_generate,
    plan_publish,
    plan_update,
)
from dangjian.duty_review.services.reports import report_save, report_transition

__all__ = [
    "assignment_add", "assignment_remove", "assignment_update", "county_evaluate",
    "meeting_create", "meeting_rectification", "plan_create", "plan_generate", "plan_publish",
    "plan_update", "remark_add", "report_review_batch", "report_save", "report_transition",
]
