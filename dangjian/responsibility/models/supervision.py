"""督查考评 (R3.4–R3.6): routine notes, annual evaluations, random spot checks, reminders and
talks escalating step by step, commendations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core.grades import Grade
from dangjian.core.text import PlainText


class NoteKind(models.TextChoices):
    ROUTINE = "routine", "平时督查"
    SCHEDULED = "scheduled", "定期检查"
    SPOT = "spot", "随机抽查"


class SupervisionNote(PlainText, models.Model):
    """A routine supervision note on an organisation. Append-only."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    body = models.ForeignKey("org.Body", verbose_name="被督查组织", on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField("方式", max_length=20, choices=NoteKind.choices,
                            default=NoteKind.ROUTINE)
    noted_on = models.DateField("督查日期")
    content = models.TextField("督查情况")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督查记录"
        verbose_name_plural = "督查记录"
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body} {self.noted_on:%Y-%m-%d} {self.get_kind_display()}"

    def trail_scope_path(self) -> str:
        return self.body.path


class Evaluation(PlainText, models.Model):
    """The annual evaluation of an organisation's performance: grade and opinion (形成具体意见)."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    body = models.ForeignKey("org.Body", verbose_name="被考评组织", on_delete=models.PROTECT,
                             related_name="+")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)
    opinion = models.TextField("考评意见")
    evaluated_on = models.DateField("考评日期")
    evaluator_name = models.CharField("考评人", max_length=150)

    class Meta:
        verbose_name = "年度考评"
        verbose_name_plural = "年度考评"
        ordering = ["year", "body__path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "body"], name="resp_evaluation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body}{self.year.year}年度考评：{self.get_grade_display()}"

    def trail_scope_path(self) -> str:
        return self.body.path


class SpotCheck(PlainText, models.Model):
    """A random spot check: the seed is committed (SM3 published) before the draw and revealed
    after it, with the population frozen at commitment, so anyone can re-run the draw."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField("名称", max_length=120)
    conductor = models.ForeignKey("org.Body", verbose_name="组织单位", on_delete=models.PROTECT,
                                  related_name="+")
    strata = models.JSONField("抽取数量（按层）")  # {"primary": 3, "supervisory": 2} or {"all": 5}
    population = models.JSONField("抽取范围")  # {"primary": [body ids], ...}, sorted
    population_digest = models.CharField("范围摘要（SM3）", max_length=64)
    seed_commitment = models.CharField("种子承诺（SM3）", max_length=64)
    seed = models.CharField("种子", max_length=128, blank=True)  # hidden until drawn
    drawn = models.JSONField("抽中", default=dict, blank=True)
    committed_at = models.DateTimeField("承诺时间")
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    created_by_name = models.CharField("组织人", max_length=150)

    class Meta:
        verbose_name = "随机抽查"
        verbose_name_plural = "随机抽查"
        ordering = ["-committed_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def trail_value(cls, field_name: str, value: object) -> str | None:
        """The draw's JSON as the change trace shows it: 主体责任清单：A、B；… with organisation
        names for ids (None: the trail's own rendering)."""
        if field_name not in {"strata", "population", "drawn"} or not isinstance(value, dict):
            return None
        from dangjian.org.models import Body
        from dangjian.responsibility.models.lists import ListKind

        ids = [i for v in value.values() if isinstance(v, list) for i in v]
        names = dict(Body.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        kinds = {**dict(ListKind.choices), "all": "全部"}
        parts = []
        for key, v in value.items():
            shown = "、".join(names.get(i, str(i)) for i in v) if isinstance(v, list) else str(v)
            parts.append(f"{kinds.get(key, key)}：{shown or '—'}")
        return "；".join(parts) or "—"

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None

    def trail_scope_path(self) -> str:
        return self.conductor.path


class TargetResult(models.TextChoices):
    PENDING = "pending", "待检查"
    CLEAN = "clean", "未发现问题"
    PROBLEMS = "problems", "发现问题"


class SpotCheckTarget(PlainText, models.Model):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="targets")
    body = models.ForeignKey("org.Body", verbose_name="被抽查组织", on_delete=models.PROTECT,
                             related_name="+")
    stratum = models.CharField("层", max_length=20)
    result = models.CharField("结果", max_length=20, choices=TargetResult.choices,
                              default=TargetResult.PENDING)
    findings = models.TextField("检查情况", blank=True)
    checked_on = models.DateField("检查日期", null=True, blank=True)
    plan = models.ForeignKey("rectification.Plan", verbose_name="整改方案", null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        ordering = ["spot_check_id", "id"]

    def __str__(self) -> str:
        return f"{self.spot_check}：{self.body}"

    def trail_scope_path(self) -> str:
        return self.body.path


class Stage(models.TextChoices):
    REMIND = "remind", "提醒"
    TALK = "talk", "约谈"
    NOTICE = "notice", "通报"
    ACCOUNT = "account", "追责"
    RESOLVED = "resolved", "整改到位销号"


# The ladder 提醒 → 约谈 → 通报 → 追责: a case starts at 提醒 and goes up one step at a time.
# Starting higher or skipping a step (a serious problem) is allowed only with a recorded reason
# (CaseStep.skip_reason); going back down never. 销号 (resolved) ends a case at any step.
LADDER: tuple[str, ...] = (Stage.REMIND, Stage.TALK, Stage.NOTICE, Stage.ACCOUNT)
START_STAGES = frozenset({Stage.REMIND})
STAGE_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({
    (Stage.REMIND, Stage.TALK), (Stage.TALK, Stage.NOTICE), (Stage.NOTICE, Stage.ACCOUNT),
    (Stage.REMIND, Stage.RESOLVED), (Stage.TALK, Stage.RESOLVED),
    (Stage.NOTICE, Stage.RESOLVED), (Stage.ACCOUNT, Stage.RESOLVED),
})


def skips_ladder(current: str | None, stage: str) -> bool:
    """Whether moving from `current` (None: a new case) to `stage` leaves out a step."""
    if stage not in LADDER:
        return False
    return LADDER.index(stage) > (LADDER.index(current) + 1 if current in LADDER else 0)


def reachable_stages(current: str | None) -> list[str]:
    """The stages a case can go to (a new case: any step of the ladder, the first without a
    reason), in ladder order."""
    if current is None:
        return list(LADDER)
    if current not in LADDER:
        return []
    return [*LADDER[LADDER.index(current) + 1:], Stage.RESOLVED]


class Case(PlainText, models.Model):
    """A problem followed up with an organisation: 提醒 → 约谈 → 通报 → 追责."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    body = models.ForeignKey("org.Body", verbose_name="组织", on_delete=models.PROTECT,
                             related_name="+")
    problem = models.TextField("问题")
    target = models.ForeignKey(SpotCheckTarget, verbose_name="来源抽查", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField("当前阶段", max_length=20, choices=Stage.choices)
    opened_at = models.DateTimeField("立案时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒约谈事项"
        verbose_name_plural = "提醒约谈事项"
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.body}：{self.problem[:30]}"

    def trail_scope_path(self) -> str:
        return self.body.path


class CaseStep(PlainText, models.Model):
    """One step of a case: who, whom, when, content, follow-up. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    held_on = models.DateField("时间")
    by_whom = models.CharField("谈话人/经办人", max_length=100)
    whom = models.CharField("谈话对象", max_length=100, blank=True)
    content = models.TextField("内容")
    follow_up = models.TextField("后续要求", blank=True)
    skip_reason = models.TextField("越级处理的理由", blank=True)
    actor_name = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "提醒约谈记录"
        verbose_name_plural = "提醒约谈记录"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.held_on:%Y-%m-%d}"

    def trail_scope_path(self) -> str:
        return self.case.body.path


class Commendation(PlainText, models.Model):
    """Praise for outstanding performance (考核实绩突出的，给予表扬)."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="+")
    body = models.ForeignKey("org.Body", verbose_name="组织", on_delete=models.PROTECT,
                             related_name="+")
    reason = models.TextField("表扬事由")
    commended_on = models.DateField("日期")
    issuer_name = models.CharField("记录人", max_length=150)

    class Meta:
        verbose_name = "表扬"
        verbose_name_plural = "表扬"
        ordering = ["-commended_on", "-id"]

    def __str__(self) -> str:
        return f"表扬{self.body}"

    def trail_scope_path(self) -> str:
        return self.body.path
