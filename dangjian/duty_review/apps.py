from django.apps import AppConfig


class DutyReviewConfig(AppConfig):
    name = "dangjian.duty_review"
    verbose_name = "述职评议"

    def ready(self) -> None:
        from dangjian.core.menu import Entry, Section, add_section
        from dangjian.duty_review.models import (
            Assignment,
            CountyEvaluation,
            DutyReport,
            Meeting,
            Remark,
            ReviewPlan,
        )
        from dangjian.org.scope import Perm, register

        register(ReviewPlan, "owner_body__path")
        from dangjian.duty_review.services.plans import SOURCE
        from dangjian.rectification.sources import source_register

        source_register(SOURCE, "述职评议")
        register(Assignment, "reporter_body__path", "upper_body__path",
                 self_field="reporter_id")
        register(DutyReport, "assignment__reporter_body__path", "assignment__upper_body__path",
                 self_field="assignment__reporter_id")
        register(Meeting, "upper_body__path")
        register(Remark, "meeting__upper_body__path", "assignment__reporter_body__path",
                 self_field="assignment__reporter_id")
        register(CountyEvaluation, "assignment__upper_body__path",
                 "assignment__reporter_body__path", self_field="assignment__reporter_id")
        add_section(Section("述职评议", (
            Entry("我的述职报告", "duty_review:my_reports", Perm.SELF_VIEW),
            Entry("工作方案", "duty_review:plan_current", Perm.DUTY_VIEW),
            Entry("报告审核", "duty_review:review_queue", Perm.DUTY_REVIEW),
            Entry("评议会", "duty_review:meeting_list", Perm.DUTY_VIEW),
        )))
