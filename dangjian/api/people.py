"""People (R0.2), through org.selectors and org.services. ID numbers are masked; the detail gives
the full number only when asked (`reveal_id=true`) to those who may maintain the person, and
each such look is traced, as on the page."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from dangjian.api.auth import can_edit
from dangjian.api.pagination import Paged, paginate
from dangjian.api.refs import body_ref, person_or_404, unit_ref
from dangjian.api.schemas import (
    ERRORS,
    PersonCreateIn,
    PersonLeaveIn,
    PersonListItem,
    PersonOut,
    PersonPatchIn,
)
from dangjian.org import selectors, services
from dangjian.org.filters import PersonFilter
from dangjian.org.models import Body, Person, Post
from dangjian.org.scope import Perm, allows, require_body, require_perm

router = Router(tags=["人员"])


class RevealQuery(Schema):
    reveal_id: bool = Field(False, description="显示完整身份证号（须有维护权限；每次查看留痕）",
                            examples=[True])


class PersonView:
    """A person as one user may see them: the ID number and posts decided by the scope gate."""

    def __init__(self, user: Any, person: Person, *, reveal: bool = False) -> None:
        self._person = person
        full = reveal and bool(person.id_number) and allows(user, Perm.ORG_EDIT, person)
        self.id_number = (services.person_id_reveal(actor=user, person=person) if full
                          else person.id_number_masked)
        self.id_number_is_masked = not full and bool(person.id_number)
        self.posts: list[Post] = list(
            selectors.post_list(user=user).filter(person=person).order_by("start", "pk")
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._person, name)


def _placement(user: Any, data: dict[str, Any], person: Person | None = None) -> dict[str, Any]:
    """Resolve unit/branch ids to bodies the user can see, then check the user may edit where
    the person will sit — before any validation, so a request outside scope changes nothing
    and learns nothing."""
    fields = dict(data)
    if "branch" in fields:
        fields["branch"] = (
            body_ref(user, fields["branch"], "所在党组织") if fields["branch"] is not None
            else None
        )
    branch: Body | None = fields.get("branch", person.branch if person else None)
    if fields.get("unit") is not None:
        fields["unit"] = unit_ref(user, fields["unit"], branch)
    unit: Body | None = fields.get("unit", person.unit if person else None)
    place = branch or unit
    if place is not None:
        require_body(user, Perm.ORG_EDIT, place)
    return fields


@router.get(
    "", response={200: list[PersonListItem], **ERRORS}, url_name="person_list",
    summary="人员列表",
    description="您范围内的人员，可按姓名/职务/电话、组织（含下级）、政治面貌筛选；"
                "身份证号一律脱敏。",
)
@paginate(Paged)
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> QuerySet[Any]:
    require_perm(request.user, Perm.ORG_VIEW)
    return filters.queryset(request.user)  # the page's and the export's filters


@router.get(
    "/{int:pk}", response={200: PersonOut, **ERRORS}, url_name="person_detail",
    summary="人员详情",
    description="范围外的人员返回 404。身份证号脱敏；有维护权限者加 reveal_id=true "
                "可见完整号码，每次查看留痕。",
)
def person_detail(request: HttpRequest, pk: int, ask: Query[RevealQuery]) -> PersonView:
    return PersonView(request.user, person_or_404(request.user, pk), reveal=ask.reveal_id)


@router.post(
    "", response={201: PersonOut, **ERRORS}, url_name="person_create", auth=can_edit,
    summary="新增人员",
    description="需要对其所在党组织（无党组织时为所在单位）的维护权限。身份证号校验；留痕。",
)
def person_create(request: HttpRequest, data: PersonCreateIn) -> Status:
    fields = _placement(request.user, data.model_dump())
    person = services.person_create(actor=request.user, **fields)
    return Status(201, PersonView(request.user, person))


@router.patch(
    "/{int:pk}", response={200: PersonOut, **ERRORS}, url_name="person_detail",
    auth=can_edit, summary="修改人员信息",
    description="只修改提交的字段。调入其他组织时，对新旧两处都须有维护权限。留痕。",
)
def person_update(request: HttpRequest, pk: int, data: PersonPatchIn) -> PersonView:
    person = person_or_404(request.user, pk)
    require_body(request.user, Perm.ORG_EDIT, person.branch or person.unit)
    fields = _placement(request.user, data.model_dump(exclude_unset=True), person)
    person = services.person_update(actor=request.user, person=person, **fields)
    return PersonView(request.user, person)


@router.post(
    "/{int:pk}/leave", response={200: PersonOut, **ERRORS}, url_name="person_leave",
    auth=can_edit, summary="调离",
    description="人员调离县直机关；其现任职务同日结束。留痕。",
)
def person_leave(request: HttpRequest, pk: int, data: PersonLeaveIn) -> PersonView:
    person = person_or_404(request.user, pk)
    person = services.person_leave(actor=request.user, person=person, on=data.on,
                                   reason=data.reason)
    return PersonView(request.user, person)
