"""Bodies: the tree with its history (R0.1), through org.selectors and org.services."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.api.auth import can_structure
from dangjian.api.pagination import Paged, paginate
from dangjian.api.refs import body_or_404, body_ref
from dangjian.api.schemas import (
    ERRORS,
    BodyCreateIn,
    BodyDetailOut,
    BodyDissolveIn,
    BodyMergeIn,
    BodyMoveIn,
    BodyOut,
    BodyRenameIn,
    TreeIn,
    TreeNodeOut,
)
from dangjian.org import selectors, services
from dangjian.org.filters import BodyFilter
from dangjian.org.models import Body
from dangjian.org.scope import Perm, require_perm

router = Router(tags=["组织机构"])


@router.get(
    "", response={200: list[BodyOut], **ERRORS}, url_name="body_list",
    summary="组织机构列表",
    description="您范围内的单位与党组织，可按类型、所在组织（含全部下级）、直接上级、"
                "名称/简称/机构代码筛选；默认不含已撤销的。",
)
@paginate(Paged)
def body_list(request: HttpRequest, filters: Query[BodyFilter]) -> QuerySet[Any]:
    require_perm(request.user, Perm.ORG_VIEW)
    return filters.queryset(request.user)  # the bodies export's filters


@router.get(
    "/tree", response={200: list[TreeNodeOut], **ERRORS}, url_name="body_tree",
    summary="某日的组织树",
    description="按某日的名称与隶属排列的组织树（深度优先），只含您范围内的组织。",
)
def body_tree(request: HttpRequest, filters: Query[TreeIn]) -> list[selectors.TreeNode]:
    require_perm(request.user, Perm.ORG_VIEW)
    return selectors.tree_on(user=request.user, on=filters.on or timezone.localdate())


@router.get(
    "/{int:pk}", response={200: BodyDetailOut, **ERRORS}, url_name="body_detail",
    summary="组织机构详情", description="含名称与隶属的历史版本。范围外的组织返回 404。",
)
def body_detail(request: HttpRequest, pk: int) -> Body:
    return body_or_404(request.user, pk)


@router.post(
    "", response={201: BodyOut, **ERRORS}, url_name="body_create", auth=can_structure,
    summary="新建组织机构",
    description="在上级组织下新建单位或党组织；需要对上级的组织结构维护权限。留痕。",
)
def body_create(request: HttpRequest, data: BodyCreateIn) -> Status:
    parent = body_ref(request.user, data.parent, "上级组织")
    body = services.body_create(
        actor=request.user, name=data.name, kind=data.kind, parent=parent,
        valid_from=data.valid_from, short_name=data.short_name, code=data.code,
        sort_order=data.sort_order,
    )
    return Status(201, body)


@router.post(
    "/{int:pk}/rename", response={200: BodyOut, **ERRORS}, url_name="body_rename",
    auth=can_structure, summary="更名",
    description="自某日起使用新名称；旧名称保留在历史中。留痕。",
)
def body_rename(request: HttpRequest, pk: int, data: BodyRenameIn) -> Body:
    body = body_or_404(request.user, pk)
    return services.body_rename(actor=request.user, body=body, name=data.name, on=data.on)


@router.post(
    "/{int:pk}/move", response={200: BodyOut, **ERRORS}, url_name="body_move",
    auth=can_structure, summary="调整隶属",
    description="自某日起把组织（连同下级）调整到新的上级之下。留痕。",
)
def body_move(request: HttpRequest, pk: int, data: BodyMoveIn) -> Body:
    body = body_or_404(request.user, pk)
    parent = body_ref(request.user, data.parent, "上级组织")
    return services.body_move(actor=request.user, body=body, parent=parent, on=data.on)


@router.post(
    "/{int:pk}/dissolve", response={200: BodyOut, **ERRORS}, url_name="body_dissolve",
    auth=can_structure, summary="撤销",
    description="撤销没有下级组织和在册人员的组织；其在任职务随之结束。留痕。",
)
def body_dissolve(request: HttpRequest, pk: int, data: BodyDissolveIn) -> Body:
    body = body_or_404(request.user, pk)
    return services.body_dissolve(actor=request.user, body=body, on=data.on,
                                  reason=data.reason)


@router.post(
    "/{int:pk}/merge", response={200: BodyOut, **ERRORS}, url_name="body_merge",
    auth=can_structure, summary="合并",
    description="把组织并入另一个同类型的在用组织：人员转入，职务结束，历史保留。留痕。",
)
def body_merge(request: HttpRequest, pk: int, data: BodyMergeIn) -> Body:
    body = body_or_404(request.user, pk)
    into = body_ref(request.user, data.into, "并入的组织")
    return services.body_merge(actor=request.user, body=body, into=into, on=data.on)
