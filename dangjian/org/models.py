"""The organisation registry (R0.1–R0.3): bodies as a tree with history, people, posts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.core.crypto import SealedField
from dangjian.core.text import PlainText
from dangjian.org.id_numbers import CONTEXT, IdNumberDigestField, IdNumberTailField
from dangjian.org.idcard import mask_id_number


class BodyKind(models.TextChoices):
    COUNTY_COMMITTEE = "county_committee", "县委"
    ORGANIZATION_DEPT = "organization_dept", "县委组织部"
    WORK_COMMITTEE = "work_committee", "县直机关工委"
    DISCIPLINE_COMMISSION = "discipline_commission", "县纪委"
    CIVILIZATION_OFFICE = "civilization_office", "县文明办"
    UNIT = "unit", "部门（单位）"
    LEADING_GROUP = "leading_group", "党组"
    ORGAN_COMMITTEE = "organ_committee", "机关党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    ORGAN_DISCIPLINE = "organ_discipline", "机关纪委（纪检）"


UNIT_KINDS = frozenset(
    {
        BodyKind.UNIT,
        BodyKind.ORGANIZATION_DEPT,
        BodyKind.CIVILIZATION_OFFICE,
        BodyKind.DISCIPLINE_COMMISSION,
        BodyKind.WORK_COMMITTEE,
    }
)
# 机关党组织: the grassroots organisations members belong to.
PARTY_ORG_KINDS = frozenset(
    {BodyKind.ORGAN_COMMITTEE, BodyKind.GENERAL_BRANCH, BodyKind.BRANCH}
)

# Which kinds may sit under which: keeps the tree shaped like the county's.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    BodyKind.COUNTY_COMMITTEE: frozenset(UNIT_KINDS),
    BodyKind.WORK_COMMITTEE: frozenset(PARTY_ORG_KINDS | {BodyKind.ORGAN_DISCIPLINE}),
    BodyKind.ORGANIZATION_DEPT: frozenset(
        PARTY_ORG_KINDS | {BodyKind.LEADING_GROUP, BodyKind.ORGAN_DISCIPLINE}
    ),
    BodyKind.DISCIPLINE_COMMISSION: frozenset(
        PARTY_ORG_KINDS | {BodyKind.LEADING_GROUP, BodyKind.ORGAN_DISCIPLINE}
    ),
    BodyKind.CIVILIZATION_OFFICE: frozenset(PARTY_ORG_KINDS | {BodyKind.ORGAN_DISCIPLINE}),
    BodyKind.UNIT: frozenset(
        PARTY_ORG_KINDS | {BodyKind.LEADING_GROUP, BodyKind.ORGAN_DISCIPLINE}
    ),
    BodyKind.LEADING_GROUP: frozenset(),
    BodyKind.ORGAN_COMMITTEE: frozenset(
        {BodyKind.GENERAL_BRANCH, BodyKind.BRANCH, BodyKind.ORGAN_DISCIPLINE}
    ),
    BodyKind.GENERAL_BRANCH: frozenset({BodyKind.BRANCH}),
    BodyKind.BRANCH: frozenset(),
    BodyKind.ORGAN_DISCIPLINE: frozenset(),
}


class BodyQuerySet(models.QuerySet["Body"]):
    def active_on(self, day: dt.date) -> BodyQuerySet:
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))

    def current(self) -> BodyQuerySet:
        return self.filter(valid_to__isnull=True)


class Body(PlainText, models.Model):
    """A unit or party organisation. Identity survives renames and moves (see BodyVersion)."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("机构代码", max_length=40, unique=True, null=True, blank=True)
    kind = models.CharField("类型", max_length=32, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids, "/1/5/12/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    valid_from = models.DateField("成立日期")
    valid_to = models.DateField("撤销日期", null=True, blank=True)
    end_reason = models.CharField("撤销原因", max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="body_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def is_unit(self) -> bool:
        return self.kind in UNIT_KINDS

    def trail_scope_path(self) -> str:
        return self.path

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class BodyVersion(PlainText, models.Model):
    """What a body was called and where it sat, for a span of dates."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or ''})"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中及以下"


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", "中共党员"
    PROBATIONARY = "probationary", "中共预备党员"
    MASSES = "masses", "群众"
    OTHER = "other", "其他"


class CadreType(models.TextChoices):
    NONE = "", "—"
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class Person(PlainText, models.Model):
    """A member of staff; party members carry their branch."""

    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # Sealed at rest (SM4-GCM under DATA_KEY); found and kept unique by its keyed digest; its
    # last 4 characters (shown masked anyway) for the picker's search. See org/id_numbers.py.
    id_number = SealedField("身份证号", context=CONTEXT, null=True, blank=True)
    id_number_digest = IdNumberDigestField(
        "身份证号摘要", max_length=44, unique=True, null=True, blank=True, editable=False
    )
    id_number_tail = IdNumberTailField("身份证号后4位", max_length=4, blank=True, default="",
                                       editable=False)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    major = models.CharField("专业", max_length=60, blank=True)
    job_title = models.CharField("行政职务", max_length=60, blank=True)
    rank = models.CharField("职级", max_length=40, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices,
        default=PoliticalStatus.MEMBER,
    )
    party_join_date = models.DateField("入党日期", null=True, blank=True)
    unit = models.ForeignKey(
        Body, verbose_name="所在单位", on_delete=models.PROTECT, related_name="staff"
    )
    branch = models.ForeignKey(
        Body, verbose_name="所在党组织", null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    is_reserve_cadre = models.BooleanField("后备干部", default=False)
    is_party_cadre = models.BooleanField("党务干部", default=False)
    cadre_type = models.CharField(
        "专兼职", max_length=20, choices=CadreType.choices, blank=True, default=""
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    left_on = models.DateField("调离日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["unit__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_party_cadre=True, cadre_type=""),
                name="person_cadre_type_set",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def trail_scope_path(self) -> str:
        return (self.branch or self.unit).path

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def is_party_member(self) -> bool:
        return self.political_status in {PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY}


class PostKind(models.TextChoices):
    LEADING_GROUP_SECRETARY = "lg_secretary", "党组书记"
    LEADING_GROUP_MEMBER = "lg_member", "党组成员"
    PARTY_BUILDING_MEMBER = "lg_party_building", "分管党建工作的党组成员"
    ORG_SECRETARY = "org_secretary", "党组织书记"
    ORG_DEPUTY_SECRETARY = "org_deputy", "党组织副书记"
    ORG_COMMITTEE_MEMBER = "org_member", "党组织委员"
    DISCIPLINE_SECRETARY = "disc_secretary", "纪检书记"
    DISCIPLINE_MEMBER = "disc_member", "纪检委员"
    FULL_TIME_CADRE = "cadre_full", "专职党务干部"
    PART_TIME_CADRE = "cadre_part", "兼职党务干部"


# Posts held by one person at a time in a body.
SINGLE_HOLDER_POSTS = frozenset(
    {
        PostKind.LEADING_GROUP_SECRETARY,
        PostKind.ORG_SECRETARY,
        PostKind.DISCIPLINE_SECRETARY,
    }
)


class PostQuerySet(models.QuerySet["Post"]):
    def held_on(self, day: dt.date) -> PostQuerySet:
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gt=day))

    def current(self) -> PostQuerySet:
        """The posts held today: begun (a post starting later is not yet held) and not ended."""
        return self.held_on(timezone.localdate())

    def upcoming(self) -> PostQuerySet:
        return self.filter(start__gt=timezone.localdate())


class Post(PlainText, models.Model):
    """A person holding a post in a body for a term: [start, end)."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="posts"
    )
    body = models.ForeignKey(
        Body, verbose_name="组织机构", on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField("职务", max_length=32, choices=PostKind.choices)
    portfolio = models.CharField("分工", max_length=200, blank=True)
    start = models.DateField("任职日期")
    end = models.DateField("免职日期", null=True, blank=True)
    end_reason = models.CharField("免职原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "职务任职"
        verbose_name_plural = "职务任职"
        ordering = ["body__path", "kind", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="post_term_range",
            ),
        ]
        indexes = [models.Index(fields=["body", "kind", "start"])]

    def __str__(self) -> str:
        return f"{self.body} {self.get_kind_display()} {self.person}"

    def trail_scope_path(self) -> str:
        return self.body.path


class Role(models.TextChoices):
    WORK_COMMITTEE_ADMIN = "wc_admin", "县直机关工委管理员"
    WORK_COMMITTEE_STAFF = "wc_staff", "县直机关工委工作人员"
    ORGANIZATION_DEPT = "org_dept", "县委组织部"
    COUNTY_COMMITTEE = "county", "县委"
    DISCIPLINE_COMMISSION = "discipline", "县纪委"
    CIVILIZATION_OFFICE = "civilization", "县文明办"
    LEADING_GROUP_SECRETARY = "lg_secretary", "部门党组书记"
    ORG_SECRETARY = "org_secretary", "党组织书记"
    DISCIPLINE_MEMBER = "disc_member", "机关纪检委员"
    MEMBER = "member", "党员"
    # Reads the security log only; granted on the server (`dangjian grant-auditor`), never
    # by the 工委 administrator, and held by no account that holds another role.
    AUDIT_ADMIN = "audit_admin", "安全审计员"


class RoleAssignment(models.Model):
    """A user acts as a role over a body (and, if recursive, everything below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    body = models.ForeignKey(
        Body, verbose_name="范围", on_delete=models.PROTECT, related_name="role_assignments"
    )
    recursive = models.BooleanField("含下级", default=True)
    valid_from = models.DateField("生效日期", default=timezone.localdate)
    valid_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "body"],
                condition=Q(valid_to__isnull=True),
                name="role_assignment_unique_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.body}"

    def trail_scope_path(self) -> str:
        return self.body.path
