from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "dangjian.rectification"
    verbose_name = "整改"

    def ready(self) -> None:
        from dangjian.org.scope import Perm, register
        from dangjian.rectification.models import Item, Plan

        register(Plan, "owner_body__path", "verifier_body__path", self_field="owner_person_id")
        register(Item, "plan__owner_body__path", "plan__verifier_body__path",
                 self_field="plan__owner_person_id")

        from dangjian.evidence.registry import attachable
        from dangjian.rectification.services import is_owner_side

        attachable("rectification_item", "rectification.Item", Perm.ORG_VIEW,
                   lambda user, item: is_owner_side(user, item.plan))
