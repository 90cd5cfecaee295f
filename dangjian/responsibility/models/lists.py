"""责任清单 and 工作台账 (R3.1, R3.2): one list a year for each organisation, reviewed upward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangjian.core.text import PlainText


class ListKind(models.TextChoices):
    PRIMARY = "primary", "主体责任清单"
    SUPERVISORY = "supervisory", "监督责任清单"


class ListStatus(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "审核通过"


# The one transition table: (from, to) -> which side may make the move.
OWNER, REVIEWER = "owner", "reviewer"
TRANSITIONS: dict[tuple[str, str], str] = {
    (ListStatus.DRAFT, ListStatus.SUBMITTED): OWNER,
    (ListStatus.RETURNED, ListStatus.SUBMITTED): OWNER,
    (ListStatus.SUBMITTED, ListStatus.RETURNED): REVIEWER,  # 退回, with opinions
    (ListStatus.SUBMITTED, ListStatus.ACCEPTED): REVIEWER,
}
EDITABLE = frozenset({ListStatus.DRAFT, ListStatus.RETURNED})
# Duties can be recorded once the list has been handed in.
RECORDABLE = frozenset({ListStatus.SUBMITTED, ListStatus.RETURNED, ListStatus.ACCEPTED})


class ResponsibilityList(PlainText, models.Model):
    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="responsibility_lists")
    body = models.ForeignKey("org.Body", verbose_name="责任主体", on_delete=models.PROTECT,
                             related_name="responsibility_lists")
    kind = models.CharField("类型", max_length=20, choices=ListKind.choices)
    status = models.CharField("状态", max_length=20, choices=ListStatus.choices,
                              default=ListStatus.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_late = models.BooleanField("逾期报送", default=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_opinion = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "责任清单"
        verbose_name_plural = "责任清单"
        ordering = ["year", "body__path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "body"], name="resp_list_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.body}{self.year.year}年度{self.get_kind_display()}"

    def trail_scope_path(self) -> str:
        return self.body.path


class ListReview(PlainText, models.Model):
    """Each move of a list (报送、退回、通过), with the opinion. Append-only."""

    rlist = models.ForeignKey(ResponsibilityList, on_delete=models.PROTECT,
                              related_name="reviews")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人", max_length=150)
    status_from = models.CharField(max_length=20, choices=ListStatus.choices)
    status_to = models.CharField(max_length=20, choices=ListStatus.choices)
    opinion = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "清单审核记录"
        verbose_name_plural = "清单审核记录"
        ordering = ["rlist_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_from_display()}→{self.get_status_to_display()}"


class LedgerItem(PlainText, models.Model):
    """A line of the 工作台账: content, targets, measures, deadline, responsible person."""

    rlist = models.ForeignKey(ResponsibilityList, verbose_name="清单", on_delete=models.PROTECT,
                              related_name="items")
    order = models.PositiveIntegerField("序号", default=0)
    policy_point = models.CharField("政策条目", max_length=20, blank=True)
    content = models.TextField("责任内容")
    targets = models.TextField("目标要求")
    measures = models.TextField("工作措施")
    deadline = models.DateField("完成时限")
    responsible = models.ForeignKey(
        "org.Person", verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_items",
    )
    # Derived from the records, kept by record_add in the record's transaction so that pages
    # never aggregate the records; the chain verifier recomputes and compares them.
    progress = models.PositiveSmallIntegerField("完成进度（%）", default=0, editable=False)
    n_records = models.PositiveIntegerField("纪实条数", default=0, editable=False)

    class Meta:
        verbose_name = "台账事项"
        verbose_name_plural = "台账事项"
        ordering = ["rlist_id", "order", "id"]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def is_own(self) -> bool:
        """Added by the organisation itself (R6.2), not drafted from the policy."""
        return not self.policy_point

    def trail_scope_path(self) -> str:
        return self.rlist.body.path
