from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "dangjian.assessment"
    verbose_name = "党建工作考核"

    def ready(self) -> None:
        from dangjian.assessment import models as m
        from dangjian.org.scope import Perm, register

        register(m.Scheme, "owner_body__path")
        register(m.Team, "scheme__owner_body__path")
        register(m.Assessment, "unit__path")
        for model in (m.Hearing, m.Interview, m.SiteVisit, m.Judgement, m.Feedback):
            register(model, "assessment__unit__path")
        register(m.Observation, "unit__path")
        register(m.SpecialReport, "scheme__owner_body__path")

        from dangjian.assessment.access import is_team_member
        from dangjian.evidence.registry import attachable

        attachable("assessment_site_visit", "assessment.SiteVisit", Perm.ASSESS_VIEW,
                   lambda user, visit: is_team_member(user, visit.assessment))

        from dangjian.assessment import jobs  # noqa: F401  (registers the batch documents)
        from dangjian.rectification.sources import source_register

        source_register("assessment", "党建工作考核反馈")
        from dangjian.core.menu import Entry, Section, add_section

        add_section(Section("党建工作考核", (
            Entry("考核总览", "assessment:home", Perm.ASSESS_VIEW),
            Entry("指标体系", "assessment:scheme", Perm.ASSESS_VIEW),
            Entry("考核组", "assessment:teams", Perm.ASSESS_MANAGE),
            Entry("平时掌握情况", "assessment:observations", Perm.ASSESS_MANAGE),
            Entry("专题报告", "assessment:report", Perm.ASSESS_MANAGE),
        )))
