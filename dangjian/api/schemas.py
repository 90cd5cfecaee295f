"""Request and response schemas. Input field names are the services' own, so a field error
from a service (`{"parent": "..."}`) names the field the client sent."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from dangjian.api.parser import has_nul
from dangjian.org.models import (
    Body,
    BodyKind,
    CadreType,
    Education,
    Gender,
    Person,
    PoliticalStatus,
    Post,
    PostKind,
)
from dangjian.trail.changes import ACTION_LABELS
from dangjian.trail.models import TrailEntry


def example(**values: Any) -> ConfigDict:
    """A schema's example for the OpenAPI document (shown in /api/docs)."""
    return ConfigDict(json_schema_extra={"examples": [values]})


class In(Schema):
    """Input: unknown fields are refused rather than silently ignored, and so is a NUL
    character in any value (the database cannot store one)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise PydanticCustomError("nul_character", "NUL character")
        return value


# Errors --------------------------------------------------------------------------------------


class ErrorOut(Schema):
    model_config = example(
        detail="记录不存在或不在您的权限范围内",
    )

    detail: str = Field(..., description="错误说明")


class FieldError(Schema):
    model_config = example(
        field="valid_from", message="日期格式应为 YYYY-MM-DD",
    )

    field: str = Field(..., description="字段名；__all__ 表示整个请求")
    message: str = Field(..., description="错误说明")


class FieldErrorsOut(Schema):
    model_config = example(
        detail=[{"field": "name", "message": "此项为必填项"}],
    )

    detail: list[FieldError]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut,
}


# Me, workbench, changes ----------------------------------------------------------------------


class RoleOut(Schema):
    model_config = example(
        role="org_secretary", role_label="党组织书记", body_id=12, body_name="县教育局第1党支部",
        recursive=True,
    )

    role: str
    role_label: str
    body_id: int
    body_name: str
    recursive: bool = Field(..., description="是否含下级")


class MeOut(Schema):
    model_config = example(
        id=7, username="zhangsan", full_name="张三", person_id=31,
        roles=[{"role": "org_secretary", "role_label": "党组织书记", "body_id": 12,
                "body_name": "县教育局第1党支部", "recursive": True}],
        perms=["org.view", "org.edit", "self.view"],
    )

    id: int
    username: str
    full_name: str
    person_id: int | None
    roles: list[RoleOut]
    perms: list[str] = Field(..., description="拥有的权限（在至少一个范围内）")


class TaskOut(Schema):
    model_config = example(
        id="duty_review:report:5", module="述职评议", title="撰写并报送2026年度述职报告",
        url="/duty-review/reports/5/", due_at="2026-12-20T18:00:00+08:00", urgency="soon",
        year=2026, count=None, state="已退回",
    )

    id: str = Field(description="待办的键：同一事项始终相同")
    module: str
    title: str
    url: str = Field(description="办理该事项的页面")
    due_at: dt.datetime | None
    urgency: Literal["overdue", "soon", "normal"]
    year: int | None
    count: int | None = Field(None, description="队列中等待办理的件数（单件事项为空）")
    state: str = Field("", description="状态，如“已退回”；为空表示进行中")


class ChangeOut(Schema):
    model_config = example(
        chain="changes:1", seq=118, at="2026-06-01T10:02:03+08:00", actor_name="张三",
        action="update", action_label="修改", subject_type="org.person", subject_id="31",
        subject_label="李四", before={"行政职务": ""}, after={"行政职务": "科长"}, note="",
        digest="9f1c…",
    )

    chain: str = Field(description="所在留痕链（每县一条；changes 为启用分县链之前的总链）")
    seq: int = Field(description="在该链中的序号")
    at: dt.datetime
    actor_name: str
    action: str
    action_label: str
    subject_type: str
    subject_id: str
    subject_label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str
    digest: str

    @staticmethod
    def resolve_action_label(obj: TrailEntry) -> str:
        return ACTION_LABELS.get(obj.action, obj.action)


class ChangeFilters(Schema):
    subject_type: str = Field("", description="对象类型，如 org.person", examples=["org.person"])
    subject_id: str = Field("", description="对象 id", examples=["31"])
    q: str = Field("", description="按对象名称、操作人查找", examples=["李四"])



# Bodies --------------------------------------------------------------------------------------


_BODY = dict(
    id=12, name="县教育局第1党支部", short_name="", code=None, kind="branch",
    kind_label="党支部", parent_id=11, parent_name="中共县教育局机关委员会", depth=3,
    sort_order=0, valid_from="2020-01-01", valid_to=None, end_reason="", merged_into_id=None,
    is_active=True,
)


class BodyOut(Schema):
    model_config = example(**_BODY)

    id: int
    name: str
    short_name: str
    code: str | None
    kind: BodyKind
    kind_label: str
    parent_id: int | None
    parent_name: str | None
    depth: int
    sort_order: int
    valid_from: dt.date
    valid_to: dt.date | None
    end_reason: str
    merged_into_id: int | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Body) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_name(obj: Body) -> str | None:
        return obj.parent.name if obj.parent_id and obj.parent else None


class BodyVersionOut(Schema):
    model_config = example(
        name="县教育局第1党支部", parent_id=11, valid_from="2020-01-01", valid_to=None,
    )

    name: str
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None


class BodyDetailOut(BodyOut):
    model_config = example(
        **_BODY,
        versions=[{"name": "县教育局第1党支部", "parent_id": 11, "valid_from": "2020-01-01",
                   "valid_to": None}],
    )

    versions: list[BodyVersionOut] = Field(..., description="名称与隶属的历史")

    @staticmethod
    def resolve_versions(obj: Body) -> list[Any]:
        return list(obj.versions.all())


class TreeIn(Schema):
    on: dt.date | None = Field(None, description="日期（默认今天）：按当日的名称与隶属",
                               examples=["2026-06-01"])



class TreeNodeOut(Schema):
    model_config = example(
        body_id=12, name="县教育局第1党支部", kind="branch", parent_id=11, depth=3,
    )

    body_id: int
    name: str = Field(..., description="当日的名称")
    kind: str
    parent_id: int | None = Field(..., description="当日的上级")
    depth: int


class BodyCreateIn(In):
    model_config = example(
        name="县教育局第3党支部", kind="branch", parent=11, valid_from="2026-06-01",
    )

    name: str
    kind: BodyKind
    parent: int = Field(..., description="上级组织 id")
    valid_from: dt.date = Field(..., description="成立日期")
    short_name: str = ""
    code: str | None = Field(None, description="机构代码")
    sort_order: int = 0


class BodyRenameIn(In):
    model_config = example(
        name="县教育体育局第1党支部", on="2026-07-01",
    )

    name: str = Field(..., description="新名称")
    on: dt.date = Field(..., description="自该日起使用新名称")


class BodyMoveIn(In):
    model_config = example(
        parent=21, on="2026-07-01",
    )

    parent: int = Field(..., description="新上级组织 id")
    on: dt.date = Field(..., description="生效日期")


class BodyDissolveIn(In):
    model_config = example(
        on="2026-12-31", reason="机构改革撤销",
    )

    on: dt.date = Field(..., description="撤销日期")
    reason: str = Field(..., description="撤销原因")


class BodyMergeIn(In):
    model_config = example(
        into=13, on="2026-12-31",
    )

    into: int = Field(..., description="并入的组织 id（同类型、在用）")
    on: dt.date = Field(..., description="合并日期")


# Posts ---------------------------------------------------------------------------------------


class PostOut(Schema):
    model_config = example(
        id=40, person_id=31, person_name="李四", body_id=12, body_name="县教育局第1党支部",
        kind="org_secretary", kind_label="党组织书记", portfolio="", start="2024-01-01", end=None,
        end_reason="",
    )

    id: int
    person_id: int
    person_name: str
    body_id: int
    body_name: str
    kind: PostKind
    kind_label: str
    portfolio: str
    start: dt.date
    end: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_person_name(obj: Post) -> str:
        return obj.person.name

    @staticmethod
    def resolve_body_name(obj: Post) -> str:
        return obj.body.name

    @staticmethod
    def resolve_kind_label(obj: Post) -> str:
        return obj.get_kind_display()


class HoldersIn(Schema):
    body: int = Field(..., ge=1, le=2**63 - 1, description="组织 id", examples=[12])
    kind: PostKind = Field(..., description="职务", examples=["org_secretary"])
    on: dt.date | None = Field(None, description="日期（默认今天）", examples=["2026-06-01"])



class HolderOut(Schema):
    model_config = example(
        id=31, name="李四",
    )

    id: int
    name: str


class PostAssignIn(In):
    model_config = example(
        person=31, body=12, kind="org_member", start="2026-06-01", portfolio="组织委员",
    )

    person: int = Field(..., description="人员 id")
    body: int = Field(..., description="组织 id")
    kind: PostKind
    start: dt.date = Field(..., description="任职日期")
    portfolio: str = Field("", description="分工")
    end: dt.date | None = Field(None, description="免职日期（如已确定）")


class PostEndIn(In):
    model_config = example(
        end="2026-12-31", reason="换届",
    )

    end: dt.date = Field(..., description="免职日期")
    reason: str = Field("", description="免职原因")


# People --------------------------------------------------------------------------------------


_PERSON_ITEM = dict(
    id=31, name="李四", gender="M", political_status="member",
    political_status_label="中共党员", job_title="科长", unit_id=10, unit_name="县教育局",
    branch_id=12, branch_name="县教育局第1党支部", id_number_masked="410100********123X",
    left_on=None,
)


class PersonListItem(Schema):
    model_config = example(**_PERSON_ITEM)

    id: int
    name: str
    gender: Gender
    political_status: PoliticalStatus
    political_status_label: str
    job_title: str
    unit_id: int
    unit_name: str
    branch_id: int | None
    branch_name: str | None
    id_number_masked: str = Field(..., description="脱敏的身份证号")
    left_on: dt.date | None

    @staticmethod
    def resolve_political_status_label(obj: Person) -> str:
        return obj.get_political_status_display()

    @staticmethod
    def resolve_unit_name(obj: Person) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_branch_name(obj: Person) -> str | None:
        return obj.branch.name if obj.branch_id and obj.branch else None


class PersonOut(PersonListItem):
    model_config = example(
        **_PERSON_ITEM,
        birth_date="1985-03-12", id_number="410100********123X", id_number_is_masked=True,
        education="bachelor", major="汉语言文学", rank="四级主任科员", party_join_date="2008-07-01",
        is_reserve_cadre=False, is_party_cadre=True, cadre_type="part_time", phone="13800000000",
        posts=[{"id": 40, "person_id": 31, "person_name": "李四", "body_id": 12,
                "body_name": "县教育局第1党支部", "kind": "org_secretary",
                "kind_label": "党组织书记", "portfolio": "", "start": "2024-01-01", "end": None,
                "end_reason": ""}],
    )

    birth_date: dt.date | None
    id_number: str = Field(..., description="身份证号；无维护权限时为脱敏值")
    id_number_is_masked: bool
    education: str
    major: str
    rank: str
    party_join_date: dt.date | None
    is_reserve_cadre: bool
    is_party_cadre: bool
    cadre_type: str
    phone: str
    posts: list[PostOut] = Field(..., description="现任职务（在您的范围内）")
    # Read from api.people.PersonView: the view decides id_number and posts through the scope
    # gate (never the unscoped `person.posts` manager).


class PersonCreateIn(In):
    model_config = example(
        name="王五", gender="F", unit=10, branch=12, political_status="member",
        birth_date="1990-05-06", id_number="410100199005060777", party_join_date="2015-07-01",
        job_title="科员",
    )

    name: str
    gender: Gender
    unit: int = Field(..., description="所在单位 id")
    branch: int | None = Field(None, description="所在党组织 id（党员必填）")
    political_status: PoliticalStatus = PoliticalStatus.MEMBER
    birth_date: dt.date | None = None
    id_number: str = ""
    education: Education | Literal[""] = ""
    major: str = ""
    job_title: str = ""
    rank: str = ""
    party_join_date: dt.date | None = None
    is_reserve_cadre: bool = False
    is_party_cadre: bool = False
    cadre_type: CadreType = CadreType.NONE
    phone: str = ""


#: "not sent" for a field that may not be null: the default of a PATCH schema's field, never
#: read (the view takes model_dump(exclude_unset=True)).
def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


_UNSET: Any = Field(None, json_schema_extra=_no_default)


class PersonPatchIn(In):
    """Only the fields sent are changed. Null only where the record may be empty (branch,
    birth_date, party_join_date): a null name or rank is a 422, not a database error."""

    model_config = example(
        job_title="副科长", phone="13800000000",
    )

    name: str = _UNSET
    gender: Gender = _UNSET
    unit: int = _UNSET
    branch: int | None = None
    political_status: PoliticalStatus = _UNSET
    birth_date: dt.date | None = None
    id_number: str = _UNSET
    education: Education | Literal[""] = _UNSET
    major: str = _UNSET
    job_title: str = _UNSET
    rank: str = _UNSET
    party_join_date: dt.date | None = None
    is_reserve_cadre: bool = _UNSET
    is_party_cadre: bool = _UNSET
    cadre_type: CadreType = _UNSET
    phone: str = _UNSET


class PersonLeaveIn(In):
    model_config = example(
        on="2026-09-30", reason="调出县直机关",
    )

    on: dt.date = Field(..., description="调离日期")
    reason: str = Field("", description="原因")
