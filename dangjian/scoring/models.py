"""The scoring engine: indicator trees with points or weights, scores by assessors with reasons,
deductions, and thresholds that turn a total into a grade (好/较好/一般/差).

It knows nothing of the modules that use it. A set names its `purpose` (the module's key) and the
body that maintains it; a score or deduction names its subject by a free `subject_key`
("body:12", "person:34", …) and carries the subject's tree path so the trace and the scope gate
can place it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from dangjian.core.grades import Grade
from dangjian.core.text import PlainText


class SetStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class Method(models.TextChoices):
    POINTS = "points", "按分值（各项得分相加）"
    WEIGHTS = "weights", "按权重（各项百分制得分×权重）"


# The one transition table for a set's status.
SET_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({(SetStatus.DRAFT, SetStatus.PUBLISHED)})

WEIGHTED_MAX = Decimal("100")  # a leaf of a weighted set is scored out of 100


class IndicatorSet(PlainText, models.Model):
    """One indicator system (指标体系 / 测评体系) for one kind of subject in one year."""

    purpose = models.CharField("用途", max_length=60)
    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="indicator_sets")
    title = models.CharField("名称", max_length=200)
    owner_body = models.ForeignKey("org.Body", verbose_name="制定单位", on_delete=models.PROTECT,
                                   related_name="indicator_sets")
    method = models.CharField("计分方式", max_length=10, choices=Method.choices,
                              default=Method.POINTS)
    status = models.CharField("状态", max_length=10, choices=SetStatus.choices,
                              default=SetStatus.DRAFT)
    copied_from = models.ForeignKey("self", verbose_name="复制自", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="copies")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["-year__year", "purpose", "id"]

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.owner_body.path

    @property
    def is_draft(self) -> bool:
        return self.status == SetStatus.DRAFT


class Indicator(PlainText, models.Model):
    """A node of the tree. Leaves are scored; a parent's maximum is the sum of its leaves."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", verbose_name="上级指标", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    code = models.CharField("编号", max_length=20)
    title = models.CharField("指标", max_length=300)
    max_points = models.DecimalField("分值", max_digits=7, decimal_places=2, default=Decimal(0),
                                     validators=[MinValueValidator(Decimal(0))])
    weight = models.DecimalField("权重（%）", max_digits=6, decimal_places=2, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0))])
    guidance = models.TextField("评分说明", blank=True)
    evidence_methods = models.JSONField("考核方式", default=list, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    # Lineage across years: the indicator this one was copied from (for replay and comparison).
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["set_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["set", "code"], name="scoring_indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def trail_scope_path(self) -> str:
        return self.set.owner_body.path


class GradeThreshold(models.Model):
    """The lowest total that earns a grade; below every threshold the grade is 差."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="thresholds")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)
    min_total = models.DecimalField("最低分", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "等次线"
        verbose_name_plural = "等次线"
        ordering = ["set_id", "-min_total"]
        constraints = [
            models.UniqueConstraint(fields=["set", "grade"], name="scoring_threshold_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()}≥{self.min_total}"


class Score(PlainText, models.Model):
    """One assessor's score for one subject on one leaf indicator, with the reason."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    subject_key = models.CharField("评分对象", max_length=60)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评分人",
                                 on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("得分", max_digits=7, decimal_places=2,
                                validators=[MinValueValidator(Decimal(0))])
    reason = models.TextField("评分理由")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "subject_key", "assessor"],
                                    name="scoring_score_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="scoring_score_nonneg"),
        ]
        indexes = [models.Index(fields=["set", "subject_key"])]

    def __str__(self) -> str:
        return f"{self.subject_key} {self.indicator.code}={self.value}"

    def trail_scope_path(self) -> str:
        return self.scope_path


class Deduction(PlainText, models.Model):
    """Points taken off a subject's total (扣分), optionally against one indicator."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="deductions")
    indicator = models.ForeignKey(Indicator, verbose_name="相关指标", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="deductions")
    subject_key = models.CharField("扣分对象", max_length=60)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    points = models.DecimalField("扣分", max_digits=7, decimal_places=2)
    reason = models.TextField("扣分理由")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "扣分"
        verbose_name_plural = "扣分"
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="scoring_deduction_positive"),
        ]
        indexes = [models.Index(fields=["set", "subject_key"])]

    def __str__(self) -> str:
        return f"{self.subject_key} -{self.points}"

    def trail_scope_path(self) -> str:
        return self.scope_path
