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
    detail: str = Field(..., description="错误说明")


class FieldError(Schema):
    field: str = Field(..., description="字段名；__all__ 表示整个请求")
    message: str = Field(..., description="错误说明")


class FieldErrorsOut(Schema):
    detail: list[FieldError]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut,
}


# Me, workbench, changes ----------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_label: str
    body_id: int
    body_name: str
    recursive: bool = Field(..., description="是否含下级")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    person_id: int | None
    roles: list[RoleOut]
    perms: list[str] = Field(..., description="拥有的权限（在至少一个范围内）")


class TaskOut(Schema):
    id: int
    module: str
    title: str
    url: str
    due_at: dt.datetime | None
    urgency: Literal["overdue", "soon", "normal"]
    year: int | None


class ChangeOut(Schema):
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
    subject_type: str = Field("", description="对象类型，如 org.person")
    subject_id: str = Field("", description="对象 id")
    q: str = Field("", description="按对象名称、操作人查找")



# Bodies --------------------------------------------------------------------------------------


class BodyOut(Schema):
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
    name: str
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None


class BodyDetailOut(BodyOut):
    versions: list[BodyVersionOut] = Field(..., description="名称与隶属的历史")

    @staticmethod
    def resolve_versions(obj: Body) -> list[Any]:
        return list(obj.versions.all())


class BodyFilters(Schema):
    kind: BodyKind | None = Field(None, description="类型")
    parent: int | None = Field(None, description="上级组织 id（只列其直接下级）")
    include_ended: bool = Field(False, description="含已撤销的组织")
    q: str = Field("", description="按名称、简称查找")


class TreeIn(Schema):
    on: dt.date | None = Field(None, description="日期（默认今天）：按当日的名称与隶属")



class TreeNodeOut(Schema):
    body_id: int
    name: str = Field(..., description="当日的名称")
    kind: str
    parent_id: int | None = Field(..., description="当日的上级")
    depth: int


class BodyCreateIn(In):
    name: str
    kind: BodyKind
    parent: int = Field(..., description="上级组织 id")
    valid_from: dt.date = Field(..., description="成立日期")
    short_name: str = ""
    code: str | None = Field(None, description="机构代码")
    sort_order: int = 0


class BodyRenameIn(In):
    name: str = Field(..., description="新名称")
    on: dt.date = Field(..., description="自该日起使用新名称")


class BodyMoveIn(In):
    parent: int = Field(..., description="新上级组织 id")
    on: dt.date = Field(..., description="生效日期")


class BodyDissolveIn(In):
    on: dt.date = Field(..., description="撤销日期")
    reason: str = Field(..., description="撤销原因")


class BodyMergeIn(In):
    into: int = Field(..., description="并入的组织 id（同类型、在用）")
    on: dt.date = Field(..., description="合并日期")


# Posts ---------------------------------------------------------------------------------------


class PostOut(Schema):
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


class PostFilters(Schema):
    body: int | None = Field(None, description="组织 id（含下级）")
    kind: PostKind | None = Field(None, description="职务")
    on: dt.date | None = Field(None, description="在该日任职的（给出时忽略 current）")
    current: bool = Field(True, description="只列现任")


class HoldersIn(Schema):
    body: int = Field(..., description="组织 id")
    kind: PostKind = Field(..., description="职务")
    on: dt.date | None = Field(None, description="日期（默认今天）")



class HolderOut(Schema):
    id: int
    name: str


class PostAssignIn(In):
    person: int = Field(..., description="人员 id")
    body: int = Field(..., description="组织 id")
    kind: PostKind
    start: dt.date = Field(..., description="任职日期")
    portfolio: str = Field("", description="分工")
    end: dt.date | None = Field(None, description="免职日期（如已确定）")


class PostEndIn(In):
    end: dt.date = Field(..., description="免职日期")
    reason: str = Field("", description="免职原因")


# People --------------------------------------------------------------------------------------


class PersonListItem(Schema):
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


class PersonFilters(Schema):
    q: str = Field("", description="按姓名、行政职务、电话查找")
    body: int | None = Field(None, description="组织 id（所在单位或党组织，含下级）")
    political_status: PoliticalStatus | None = Field(None, description="政治面貌")
    include_left: bool = Field(False, description="含已调离人员")



class PersonOut(PersonListItem):
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


class PersonPatchIn(In):
    """Only the fields sent are changed."""

    name: str | None = None
    gender: Gender | None = None
    unit: int | None = None
    branch: int | None = None
    political_status: PoliticalStatus | None = None
    birth_date: dt.date | None = None
    id_number: str | None = None
    education: Education | Literal[""] | None = None
    major: str | None = None
    job_title: str | None = None
    rank: str | None = None
    party_join_date: dt.date | None = None
    is_reserve_cadre: bool | None = None
    is_party_cadre: bool | None = None
    cadre_type: CadreType | None = None
    phone: str | None = None


class PersonLeaveIn(In):
    on: dt.date = Field(..., description="调离日期")
    reason: str = Field("", description="原因")
