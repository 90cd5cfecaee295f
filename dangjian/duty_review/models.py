"""述职评议 (R2): the year's plan, who reports to whom, reports with their review workflow,
评议会 with 点评/询问 and ballots, and the 县委's 综合考评.

States are data: ReportStatus + the one TRANSITIONS table (see workflow.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from dangjian.core.grades import Grade
from dangjian.core.text import PlainText
from dangjian.duty_review.points import Tier


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟中"
    PUBLISHED = "published", "已印发"


class Form(models.TextChoices):
    MEETING = "meeting", "会议述职"
    WRITTEN = "written", "书面述职"


class ReviewPlan(PlainText, models.Model):
    """述职评议工作方案: issued by 工委 once a year."""

    year = models.OneToOneField("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                                related_name="duty_review_plan")
    title = models.CharField("方案名称", max_length=200)
    owner_body = models.ForeignKey("org.Body", verbose_name="制定单位", on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    report_deadline = models.DateField("述职报告报送截止日期")
    meetings_from = models.DateField("述职评议会开始日期", null=True, blank=True)
    meetings_to = models.DateField("述职评议会结束日期", null=True, blank=True)
    rule = models.JSONField("评定规则", default=dict, blank=True)
    require_approved_reports = models.BooleanField(
        "述职报告审定后才能列入评议会议程", default=False,
        help_text="不勾选时，报告未审定的述职人仍可列入议程，页面予以提示")
    notes = models.TextField("工作要求", blank=True)
    published_at = models.DateTimeField("印发时间", null=True, blank=True)

    class Meta:
        verbose_name = "述职评议工作方案"
        verbose_name_plural = "述职评议工作方案"
        ordering = ["-year__year"]

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.owner_body.path


class Assignment(models.Model):
    """One reporter in the year's plan: who reports, for which body, to whom, in what form."""

    plan = models.ForeignKey(ReviewPlan, on_delete=models.PROTECT, related_name="assignments")
    tier = models.CharField("述职层级", max_length=20, choices=Tier.choices)
    reporter = models.ForeignKey("org.Person", verbose_name="述职人", on_delete=models.PROTECT,
                                 related_name="duty_assignments")
    reporter_body = models.ForeignKey("org.Body", verbose_name="述职人所在组织",
                                      on_delete=models.PROTECT, related_name="+")
    upper_body = models.ForeignKey("org.Body", verbose_name="听取述职的上级组织",
                                   on_delete=models.PROTECT, related_name="+")
    form = models.CharField("述职形式", max_length=20, choices=Form.choices, default=Form.MEETING)
    deadline = models.DateField("报告截止日期")
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "述职对象"
        verbose_name_plural = "述职对象"
        ordering = ["plan_id", "tier", "upper_body__path", "reporter_body__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "tier", "reporter"],
                                    name="duty_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter}（{self.reporter_body}）"

    def trail_scope_path(self) -> str:
        return self.reporter_body.path


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "撰写中"
    PRELIM = "prelim", "待基层党组织集体初审"
    LEADING_GROUP = "leading_group", "待部门党组审定"
    WORK_COMMITTEE = "work_committee", "已报工委，待审定意见"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已审定"


class DutyReport(PlainText, models.Model):
    """A reporter's 述职报告. Its text lives in append-only versions; its steps in ReportStep."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT,
                                      related_name="report")
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    with_rectification = models.BooleanField("含上年整改专题", default=False)
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    approval_opinion = models.TextField("工委审定意见", blank=True)

    class Meta:
        verbose_name = "述职报告"
        verbose_name_plural = "述职报告"
        ordering = ["assignment__reporter_body__path", "id"]

    def __str__(self) -> str:
        return f"{self.assignment.reporter}的述职报告"

    def trail_scope_path(self) -> str:
        return self.assignment.reporter_body.path

    def is_late(self, today: dt.date) -> bool:
        return (self.status in {ReportStatus.DRAFT, ReportStatus.RETURNED}
                and self.assignment.deadline < today)


class ReportVersion(models.Model):
    """A saved text of the report. Append-only: a save adds a version, never edits one."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    sections = models.JSONField("内容", default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "述职报告版本"
        verbose_name_plural = "述职报告版本"
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="duty_version_unique"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}版"


class ReportStep(PlainText, models.Model):
    """One workflow step with its opinion. Append-only."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("操作", max_length=20)
    status_from = models.CharField(max_length=20, choices=ReportStatus.choices)
    status_to = models.CharField(max_length=20, choices=ReportStatus.choices)
    opinion = models.TextField("意见", blank=True)
    version = models.PositiveIntegerField("对应版本", default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("经办人", max_length=150)
    body_name = models.CharField("审核组织", max_length=100, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "述职报告流转记录"
        verbose_name_plural = "述职报告流转记录"
        ordering = ["report_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_from_display()} → {self.get_status_to_display()}"


class Meeting(PlainText, models.Model):
    """A 述职评议会 (or a written evaluation: the same ballots without a meeting)."""

    plan = models.ForeignKey(ReviewPlan, on_delete=models.PROTECT, related_name="meetings")
    tier = models.CharField("述职层级", max_length=20, choices=Tier.choices)
    form = models.CharField("形式", max_length=20, choices=Form.choices, default=Form.MEETING)
    title = models.CharField("名称", max_length=200)
    upper_body = models.ForeignKey("org.Body", verbose_name="主持组织", on_delete=models.PROTECT,
                                   related_name="+")
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    members = models.TextField("出席的上级党组织成员", blank=True)
    raters = models.TextField("评议人员", blank=True)
    box = models.OneToOneField("ballots.Box", verbose_name="测评", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="duty_meeting")
    rectification_at = models.DateTimeField("生成整改方案时间", null=True, blank=True)

    class Meta:
        verbose_name = "述职评议会"
        verbose_name_plural = "述职评议会"
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.upper_body.path


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="agenda")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "assignment"], name="duty_agenda_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order + 1}. {self.assignment}"


class RemarkKind(models.TextChoices):
    COMMENT = "comment", "点评"
    QUESTION = "question", "现场询问"


class RemarkFinding(models.TextChoices):
    """What a remark says about the reporter: only a problem becomes a rectification item."""

    PROBLEM = "problem", "指出问题（列入整改）"
    PRAISE = "praise", "肯定成绩"
    QUESTION = "question", "一般询问（不整改）"


class Remark(PlainText, models.Model):
    """点评 or 现场询问 (with the answer), recorded against a reporter. Append-only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="remarks")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="remarks")
    kind = models.CharField("类型", max_length=20, choices=RemarkKind.choices)
    finding = models.CharField("性质", max_length=20, choices=RemarkFinding.choices, blank=True,
                               help_text="只有“指出问题”的意见列入整改方案")
    speaker = models.CharField("点评（询问）人", max_length=60)
    text = models.TextField("内容")
    answer = models.TextField("述职人回答", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "点评与询问"
        verbose_name_plural = "点评与询问"
        ordering = ["assignment_id", "at", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    def trail_scope_path(self) -> str:
        return self.meeting.upper_body.path


class CountyEvaluation(PlainText, models.Model):
    """县委's 综合考评 of a third-tier reporter, on top of the ballots."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT,
                                      related_name="county_evaluation")
    grade = models.CharField("综合考评等次", max_length=20, choices=Grade.choices)
    opinion = models.TextField("考评意见")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("考评时间", auto_now=True)

    class Meta:
        verbose_name = "县委综合考评"
        verbose_name_plural = "县委综合考评"

    def __str__(self) -> str:
        return self.get_grade_display()

    def trail_scope_path(self) -> str:
        return self.assignment.reporter_body.path
