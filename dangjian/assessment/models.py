"""党建工作考核 (R1, policy 二(一)): the year's scheme (three indicator sets from the scoring
engine), one assessment per department with its full-process records, the team's judgements,
feedback to the 党组 and the special report to the 县委."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.grades import Grade
from dangjian.core.text import PlainText
from dangjian.scoring.models import IndicatorSet

PURPOSE = "assessment"  # the scoring engine's purpose key for our indicator sets


class SubjectKind(models.TextChoices):
    LEADING_GROUP = "leading_group", "党组"  # 二(一)1(1)
    SECRETARY = "secretary", "党组书记"  # 1(2) 第一责任人
    MEMBER = "member", "其他党组成员"  # 1(3) 一岗双责


KIND_CLAUSE = {SubjectKind.LEADING_GROUP: "二(一)1(1)", SubjectKind.SECRETARY: "二(一)1(2)",
               SubjectKind.MEMBER: "二(一)1(3)"}

EVIDENCE_METHODS = ["听取汇报", "民主测评", "个别谈话", "实地察看", "平时掌握"]


def subject_key(kind: str, pk: int) -> str:
    """The scoring engine's key: a department by its unit, a leader by their person."""
    return f"body:{pk}" if kind == SubjectKind.LEADING_GROUP else f"person:{pk}"


class Scheme(PlainText, models.Model):
    """The year's indicator system: one scoring set per subject kind."""

    year = models.OneToOneField("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                                related_name="assessment_scheme")
    title = models.CharField("名称", max_length=200)
    owner_body = models.ForeignKey("org.Body", verbose_name="制定单位", on_delete=models.PROTECT,
                                   related_name="+")
    set_leading_group = models.ForeignKey("scoring.IndicatorSet", verbose_name="党组指标",
                                          on_delete=models.PROTECT, related_name="+")
    set_secretary = models.ForeignKey("scoring.IndicatorSet", verbose_name="党组书记指标",
                                      on_delete=models.PROTECT, related_name="+")
    set_member = models.ForeignKey("scoring.IndicatorSet", verbose_name="其他党组成员指标",
                                   on_delete=models.PROTECT, related_name="+")
    county_weight = models.DecimalField("年度综合考核权重（%）", max_digits=5, decimal_places=2,
                                        default=Decimal(10))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year__year"]

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.owner_body.path

    def set_of(self, kind: str) -> IndicatorSet:
        return {SubjectKind.LEADING_GROUP: self.set_leading_group,
                SubjectKind.SECRETARY: self.set_secretary,
                SubjectKind.MEMBER: self.set_member}[SubjectKind(kind)]


class Team(PlainText, models.Model):
    """A 考核组: the users who assess the departments put in its charge."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("名称", max_length=100)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="组长", null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="成员",
                                     related_name="assessment_teams")

    class Meta:
        verbose_name = "考核组"
        verbose_name_plural = "考核组"
        ordering = ["scheme_id", "id"]

    def __str__(self) -> str:
        return self.name

    def trail_scope_path(self) -> str:
        return self.scheme.owner_body.path


class Assessment(models.Model):
    """One department's 党建考核 in one year."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("org.Body", verbose_name="单位", on_delete=models.PROTECT,
                             related_name="assessments")
    leading_group = models.ForeignKey("org.Body", verbose_name="党组", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name="考核组", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="assessments")
    box = models.ForeignKey("ballots.Box", verbose_name="民主测评", null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "单位考核"
        verbose_name_plural = "单位考核"
        ordering = ["scheme_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.scheme.year}）"

    def trail_scope_path(self) -> str:
        return self.unit.path


class Leader(models.Model):
    """A leader assessed with the department: its 党组书记 or another 党组成员."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="leaders")
    person = models.ForeignKey("org.Person", verbose_name="姓名", on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField("身份", max_length=20, choices=SubjectKind.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assessment_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "person"], name="assessment_leader_1"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"


class _Record(PlainText, models.Model):
    """A full-process record (append-only: corrections are new records)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人",
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def trail_scope_path(self) -> str:
        return self.assessment.unit.path


class Hearing(_Record):
    held_on = models.DateField("汇报日期")
    reporter = models.CharField("汇报人", max_length=100)
    summary = models.TextField("汇报要点")

    class Meta(_Record.Meta):
        verbose_name = "听取汇报"
        verbose_name_plural = "听取汇报"

    def __str__(self) -> str:
        return f"{self.held_on} {self.reporter}汇报"


class Interview(_Record):
    """个别谈话: notes readable only by the team and 工委 leaders."""

    held_on = models.DateField("谈话日期")
    interviewee = models.CharField("谈话对象", max_length=100)
    notes = models.TextField("谈话记录")

    class Meta(_Record.Meta):
        verbose_name = "个别谈话"
        verbose_name_plural = "个别谈话"

    def __str__(self) -> str:
        return f"{self.held_on} 个别谈话"  # never the notes: the trace is widely readable


class SiteVisit(_Record):
    visited_on = models.DateField("察看日期")
    checked = models.TextField("察看内容")
    findings = models.TextField("发现情况")

    class Meta(_Record.Meta):
        verbose_name = "实地察看"
        verbose_name_plural = "实地察看"

    def __str__(self) -> str:
        return f"{self.visited_on} 实地察看"


class Observation(PlainText, models.Model):
    """平时掌握的情况: what 工委 staff noticed about a department during the year."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    unit = models.ForeignKey("org.Body", verbose_name="单位", on_delete=models.PROTECT,
                             related_name="+")
    observed_on = models.DateField("日期")
    content = models.TextField("情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人",
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "平时掌握情况"
        verbose_name_plural = "平时掌握情况"
        ordering = ["observed_on", "id"]

    def __str__(self) -> str:
        return f"{self.observed_on} {self.unit}"

    def trail_scope_path(self) -> str:
        return self.unit.path


class Judgement(PlainText, models.Model):
    """研判: the team's grade for the department (person empty) or one of its leaders."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT,
                                   related_name="judgements")
    kind = models.CharField("对象", max_length=20, choices=SubjectKind.choices)
    person = models.ForeignKey("org.Person", verbose_name="姓名", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("评价等次", max_length=20, choices=Grade.choices)
    reasons = models.TextField("评价理由")
    suggested = models.CharField("建议等次", max_length=20, choices=Grade.choices, blank=True)
    total = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="研判人",
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("研判时间", auto_now=True)

    class Meta:
        verbose_name = "研判意见"
        verbose_name_plural = "研判意见"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind", "person"],
                                    name="assessment_judgement_unique", nulls_distinct=False),
            models.CheckConstraint(condition=~Q(reasons=""), name="judgement_reasons_required"),
        ]

    def __str__(self) -> str:
        who = self.person or self.assessment.unit
        return f"{who} {self.get_grade_display()}"

    def trail_scope_path(self) -> str:
        return self.assessment.unit.path


class FeedbackStatus(models.TextChoices):
    DRAFT = "draft", "拟稿"
    SENT = "sent", "已反馈"
    ACKNOWLEDGED = "acknowledged", "已签收"


# The one transition table: (from, to) -> who may (manage: 工委; receive: the 党组).
FEEDBACK_TRANSITIONS: dict[tuple[str, str], str] = {
    (FeedbackStatus.DRAFT, FeedbackStatus.SENT): "manage",
    (FeedbackStatus.SENT, FeedbackStatus.ACKNOWLEDGED): "receive",
}


class Feedback(PlainText, models.Model):
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT,
                                      related_name="feedback")
    number = models.CharField("文号", max_length=60, blank=True)
    body = models.TextField("反馈意见")
    problems = models.TextField("存在问题（每行一条）", blank=True)
    status = models.CharField("状态", max_length=20, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.DRAFT)
    sent_at = models.DateTimeField("反馈时间", null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签收人",
                                        null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    plan = models.ForeignKey("rectification.Plan", verbose_name="整改方案", null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "反馈意见"
        verbose_name_plural = "反馈意见"

    def __str__(self) -> str:
        return f"{self.assessment.unit.name}党建考核反馈意见"

    def trail_scope_path(self) -> str:
        return self.assessment.unit.path

    def problem_lines(self) -> list[str]:
        return [line.strip() for line in self.problems.splitlines() if line.strip()]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "拟稿"
    ISSUED = "issued", "已印发"


class SpecialReport(PlainText, models.Model):
    """专题报告 to the 县委; the text is edited before issue, the issued .docx kept as sent."""

    scheme = models.OneToOneField(Scheme, on_delete=models.PROTECT, related_name="report")
    number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    overview = models.TextField("总体情况", blank=True)
    highlights = models.TextField("突出单位与经验", blank=True)
    problems = models.TextField("存在问题", blank=True)
    suggestions = models.TextField("意见建议", blank=True)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_docx = models.BinaryField("印发稿", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "专题报告"
        verbose_name_plural = "专题报告"

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.scheme.owner_body.path
