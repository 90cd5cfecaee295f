"""What an .xlsx of bodies, people or posts holds: one column list per kind, shared by the
import template, the importer and the export, so an export re-imports cleanly."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from dangjian.org.models import (
    BodyKind,
    CadreType,
    Education,
    Gender,
    PoliticalStatus,
    PostKind,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
DATE_FORMAT = "YYYY-MM-DD"


class ColType(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    INT = "int"
    ID_NUMBER = "id_number"
    BODY = "body"  # a body named by its name or 机构代码


BOOL_LABELS = {"是": True, "否": False}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    coltype: ColType = ColType.TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    max_length: int | None = None
    width: int = 14
    note: str = ""
    # Shown by the export only; the importer refuses a value in it (an ended record cannot
    # be imported as such).
    export_only: bool = False

    def labels(self) -> list[str]:
        """Allowed values as the sheet shows them: TextChoices labels, the blank choice left out."""
        if self.coltype == ColType.BOOL:
            return list(BOOL_LABELS)
        if self.choices is None:
            return []
        return [str(label) for value, label in self.choices.choices if value]

    def by_label(self) -> dict[str, str]:
        """Label -> stored value; the stored code is accepted too."""
        return _by_label(self.choices)


@functools.cache
def _by_label(choices: type[models.TextChoices] | None) -> dict[str, str]:
    assert choices is not None
    out: dict[str, str] = {}
    for value, label in choices.choices:
        if value:
            out[str(label)] = str(value)
            out[str(value)] = str(value)
    return out


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # bodies / people / posts: the URL's word
    title: str  # the data sheet's name and what a row is
    export_name: str  # the export's file name stem
    columns: tuple[Column, ...]
    examples: tuple[tuple[str, ...], ...]  # shown in the 说明 sheet, never in the data sheet

    @property
    def import_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.export_only)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header_of(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.header
        return ""


_BODY_REF = "填写组织的全称或机构代码（同名组织多于一个时须填机构代码）"

BODIES = SheetSpec(
    kind="bodies",
    title="组织机构",
    export_name="组织机构名单",
    columns=(
        Column("name", "名称", required=True, max_length=100, width=34),
        Column("short_name", "简称", max_length=40, width=14),
        Column("code", "机构代码", max_length=40, width=16, note="全县唯一，可不填"),
        Column("kind", "类型", ColType.CHOICE, required=True, choices=BodyKind, width=18),
        Column("parent", "上级", ColType.BODY, required=True, width=34,
               note=_BODY_REF + "；也可填写本表中排在前面的行所建的组织"),
        Column("valid_from", "成立日期", ColType.DATE, required=True, width=13,
               note="不早于上级的成立日期"),
        Column("sort_order", "排序", ColType.INT, width=8, note="整数，越小越靠前，可不填"),
        Column("valid_to", "撤销日期", ColType.DATE, width=13, export_only=True,
               note="仅导出时显示；导入时须为空"),
    ),
    examples=(
        ("县教育局", "教育局", "JY001", "部门（单位）", "中共示范县委员会", "2020-01-01", "10", ""),
        ("中共县教育局机关委员会", "", "", "机关党委", "JY001", "2020-01-01", "", ""),
        ("县教育局第一党支部", "", "", "党支部", "中共县教育局机关委员会", "2020-01-01", "",
         ""),
    ),
)

PEOPLE = SheetSpec(
    kind="people",
    title="人员",
    export_name="人员名单",
    columns=(
        Column("name", "姓名", required=True, max_length=40, width=10),
        Column("gender", "性别", ColType.CHOICE, required=True, choices=Gender, width=6),
        Column("birth_date", "出生日期", ColType.DATE, width=13,
               note="可不填，按身份证号自动填写；填写时须与身份证号一致"),
        Column("id_number", "身份证号", ColType.ID_NUMBER, width=22,
               note="18位，末位可为X；请以文本格式填写；全县不得重复"),
        Column("education", "学历", ColType.CHOICE, choices=Education, width=11),
        Column("major", "专业", max_length=60, width=14),
        Column("job_title", "行政职务", max_length=60, width=16),
        Column("rank", "职级", max_length=40, width=12),
        Column("political_status", "政治面貌", ColType.CHOICE, required=True,
               choices=PoliticalStatus, width=13),
        Column("party_join_date", "入党日期", ColType.DATE, width=13, note="非党员不填"),
        Column("unit", "所在单位", ColType.BODY, required=True, width=26, note=_BODY_REF),
        Column("branch", "所在党组织", ColType.BODY, width=28,
               note="党员必填；先在所在单位下按名称查找，" + _BODY_REF),
        Column("is_reserve_cadre", "后备干部", ColType.BOOL, width=9, note="不填视为“否”"),
        Column("is_party_cadre", "党务干部", ColType.BOOL, width=9, note="不填视为“否”"),
        Column("cadre_type", "专兼职", ColType.CHOICE, choices=CadreType, width=8,
               note="党务干部必填"),
        Column("phone", "联系电话", max_length=20, width=14),
        Column("left_on", "调离日期", ColType.DATE, width=13, export_only=True,
               note="仅导出时显示；导入时须为空"),
    ),
    examples=(
        ("张三", "男", "", "11010519491231002X", "大学本科", "汉语言文学", "办公室主任",
         "四级主任科员", "中共党员", "2005-07-01", "县教育局", "县教育局第一党支部", "否", "是",
         "兼职", "13800000000", ""),
        ("李四", "女", "1990-05-02", "", "研究生", "", "科员", "", "群众", "", "县教育局", "",
         "是", "否", "", "", ""),
    ),
)

POSTS = SheetSpec(
    kind="posts",
    title="职务任职",
    export_name="职务任职名单",
    columns=(
        Column("person_name", "姓名", required=True, max_length=40, width=10),
        Column("id_number", "身份证号", ColType.ID_NUMBER, width=22,
               note="填写时按身份证号识别人员；不填时按姓名识别，有同名人员时必须填写"),
        Column("body", "组织机构", ColType.BODY, required=True, width=30,
               note="任职所在的党组、党组织或纪检组织；" + _BODY_REF),
        Column("kind", "职务", ColType.CHOICE, required=True, choices=PostKind, width=22),
        Column("portfolio", "分工", max_length=200, width=24),
        Column("start", "任职日期", ColType.DATE, required=True, width=13),
        Column("end", "免职日期", ColType.DATE, width=13, note="仍在任的不填"),
    ),
    examples=(
        ("张三", "11010519491231002X", "县教育局第一党支部", "党组织书记", "", "2021-03-01",
         ""),
        ("王五", "", "中共县教育局党组", "党组成员", "分管党建工作", "2020-06-15", ""),
    ),
)

SPECS: dict[str, SheetSpec] = {s.kind: s for s in (BODIES, PEOPLE, POSTS)}
