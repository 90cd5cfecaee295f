from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "dangjian.responsibility"
    verbose_name = "两个责任"

    def ready(self) -> None:
        from dangjian.core import menu
        from dangjian.evidence.registry import attachable
        from dangjian.org.scope import Perm, allows, register
        from dangjian.responsibility import models as m
        from dangjian.responsibility.services import verify, verify_spotcheck
        from dangjian.responsibility.services.common import can_view_item, covers

        register(m.ResponsibilityList, "body__path")
        register(m.ListReview, "rlist__body__path")
        register(m.LedgerItem, "rlist__body__path")
        register(m.DutyRecord, "body__path")
        register(m.SupervisionNote, "body__path")
        register(m.Evaluation, "body__path")
        register(m.Commendation, "body__path")
        register(m.SpotCheck, "conductor__path")
        register(m.SpotCheckTarget, "body__path")
        register(m.Case, "body__path")
        register(m.CaseStep, "case__body__path")
        # 纪实 evidence is fixed with the record (its SM3 is on the chain): never added later.
        attachable("duty_record", "responsibility.DutyRecord",
                   lambda user, record: allows(user, Perm.RESP_VIEW, record)
                   or can_view_item(user, record.item),  # as the record's own page
                   lambda user, record: False)
        attachable("case_step", "responsibility.CaseStep", Perm.RESP_VIEW,
                   lambda user, step: covers(user, Perm.RESP_OVERSEE, step.case.body))
        verify.register()  # its 纪实 records, checked by `verify-trail` and 纪实校验
        verify_spotcheck.register()
        from dangjian.trail.chains import body_name, chain_register

        chain_register("duty:", lambda pk: f"{body_name(pk) or pk}履责纪实链")
        from dangjian.rectification.sources import source_register
        from dangjian.responsibility.services.spotcheck import SOURCE

        source_register(SOURCE, "两个责任随机抽查")
        menu.add_section(menu.Section("两个责任", (
            menu.Entry("责任清单", "responsibility:index", Perm.RESP_VIEW),
            menu.Entry("我的履责事项", "responsibility:my_items", Perm.SELF_VIEW),
            menu.Entry("督查考评", "responsibility:oversight", Perm.RESP_OVERSEE),
            menu.Entry("随机抽查", "responsibility:spotcheck_list", Perm.RESP_SPOT_CHECK),
            menu.Entry("纪实校验", "responsibility:chains", Perm.RESP_OVERSEE),
        )))
