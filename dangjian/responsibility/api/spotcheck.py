"""随机抽查 (R3.4) and 纪实校验 (R3.3): commit a seed, draw, publish, record each result; verify
the chains in the background (the same job as the page's), take checkpoints, check one."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.org.scope import Perm, is_county_wide, scope_filter
from dangjian.responsibility import services
from dangjian.responsibility.api.common import (
    XLSX,
    download,
    spotcheck_or_404,
    target_or_404,
    year_of,
)
from dangjian.responsibility.api.schemas import (
    ChainsOut,
    CheckpointCheckIn,
    CheckpointMatchOut,
    ResponsibilityJobOut,
    SpotCheckDetailOut,
    SpotCheckIn,
    SpotCheckOut,
    TargetOut,
    TargetRecordIn,
    VerifyIn,
)
from dangjian.responsibility.filters import YearFilter
from dangjian.responsibility.models import SpotCheck
from dangjian.responsibility.services.common import covers
from dangjian.responsibility.services.spotcheck import published
from dangjian.responsibility.services.verify import latest_checkpoints
from dangjian.responsibility.views import chains as chain_pages
from dangjian.trail.jobs import checkpoints_submit, recent_jobs, verify_submit
from dangjian.trail.services import checkpoint_check

router = Router(tags=["两个责任：随机抽查与纪实校验"])


def _require_county_reader(user: Any) -> None:
    if not is_county_wide(user, Perm.RESP_VIEW):
        raise PermissionDenied("仅全县范围的监督人员可以查看抽查")


def _require_spot_checker(user: Any) -> None:
    if not is_county_wide(user, Perm.RESP_SPOT_CHECK):
        raise PermissionDenied("只有县纪委可以组织随机抽查")


def spotcheck_detail_out(check: SpotCheck) -> SpotCheck:
    return SpotCheck.objects.select_related("year", "conductor").get(pk=check.pk)


@router.get(
    "/spotchecks", response={200: list[SpotCheckOut], **ERRORS},
    url_name="responsibility_spotcheck_list", summary="随机抽查列表",
    description="某年度的随机抽查（全县范围的监督人员可查看）。抽取前不公开种子。",
)
@paginate(Paged)
def spotcheck_list(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    _require_county_reader(request.user)
    year = year_of(request, filters.year)
    return scope_filter(request.user, Perm.RESP_VIEW, SpotCheck.objects.filter(year=year)) \
        .select_related("year", "conductor")


@router.post(
    "/spotchecks", response={201: SpotCheckDetailOut, **ERRORS},
    url_name="responsibility_spotcheck_commit", summary="组织抽查（公布承诺）",
    description="县纪委冻结抽取范围（应编制清单的全部组织，按层），公布种子的 SM3 承诺和范围摘要；"
                "抽取之后才公开种子。留痕。",
)
def spotcheck_commit(request: HttpRequest, data: SpotCheckIn) -> Status:
    _require_spot_checker(request.user)
    check = services.spotcheck_commit(actor=request.user, year=year_of(request, data.year),
                                      title=data.title, strata=data.strata, seed=data.seed)
    return Status(201, spotcheck_detail_out(check))


@router.get(
    "/spotchecks/{int:pk}", response={200: SpotCheckDetailOut, **ERRORS},
    url_name="responsibility_spotcheck_detail", summary="随机抽查详情",
    description="承诺、范围、抽中的组织及各自检查结果；抽取后核对种子与承诺、重新抽取的结果。",
)
def spotcheck_detail(request: HttpRequest, pk: int) -> SpotCheck:
    return spotcheck_detail_out(spotcheck_or_404(request.user, pk))


@router.get(
    "/spotchecks/{int:pk}/data", response={200: dict[str, Any], **ERRORS},
    url_name="responsibility_spotcheck_data", summary="抽查公开数据",
    openapi_extra={"responses": {200: {"content": {"application/json": {"schema": {
        "examples": [{
            "抽查": "2026年度两个责任纪实随机抽查",
            "算法": "SM3(种子:层:组织编号) 十六进制升序取前N个",
            "抽取数量": {"primary": 3, "supervisory": 2},
            "抽取范围": {"primary": [3, 7, 9, 12], "supervisory": [21, 22, 25]},
            "范围摘要SM3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
            "种子承诺SM3": "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
        }]}}}}}},
    description="与页面公开的数据相同：算法、抽取数量、范围、两个 SM3；抽取后另含种子和抽中名单，"
                "任何人可据此重算。",
)
def spotcheck_data(request: HttpRequest, pk: int) -> dict[str, Any]:
    return published(spotcheck_or_404(request.user, pk))


@router.post(
    "/spotchecks/{int:pk}/draw", response={200: SpotCheckDetailOut, **ERRORS},
    url_name="responsibility_spotcheck_draw", summary="抽取",
    description="按已承诺的种子抽取并公开种子；只能抽取一次。留痕。",
)
def spotcheck_draw(request: HttpRequest, pk: int) -> SpotCheck:
    check = spotcheck_or_404(request.user, pk)
    if not is_county_wide(request.user, Perm.RESP_SPOT_CHECK):
        raise PermissionDenied("只有县纪委可以抽取")
    return spotcheck_detail_out(services.spotcheck_draw(actor=request.user, check=check))


@router.post(
    "/targets/{int:pk}/record", response={200: TargetOut, **ERRORS},
    url_name="responsibility_target_record", summary="记录抽查结果",
    description="记录被抽中组织的检查情况；发现的问题各生成一条整改事项（整改方案由县纪委验收），"
                "须给出整改时限。每个组织只记录一次。留痕。",
)
def target_record(request: HttpRequest, pk: int, data: TargetRecordIn) -> Any:
    target = target_or_404(request.user, pk)
    if not covers(request.user, Perm.RESP_SPOT_CHECK, target.body):
        raise PermissionDenied("只有县纪委可以记录抽查结果")
    target = services.target_record(actor=request.user, target=target, findings=data.findings,
                                    problems=data.problems, deadline=data.deadline)
    return target


def _require_verifier(user: Any) -> None:
    if not is_county_wide(user, Perm.RESP_OVERSEE):
        raise PermissionDenied("仅县纪委、县直机关工委可以校验纪实留痕")


@router.get(
    "/chains", response={200: ChainsOut, **ERRORS}, url_name="responsibility_chains",
    summary="纪实校验",
    description="有纪实记录的每个组织的纪实链及其最近的检查点，以及您最近提交的校验、检查点任务。",
)
def chains(request: HttpRequest) -> dict[str, Any]:
    _require_verifier(request.user)
    bodies = chain_pages.bodies_with_records()
    marks = latest_checkpoints(bodies)
    return {
        "rows": [{"body_id": b.pk, "body_name": b.name, "chain": f"duty:{b.pk}",
                  "checkpoint": marks.get(b.pk)}
                 for b in bodies],
        "recent_jobs": recent_jobs(request.user),
    }


@router.get(
    "/chains/checkpoints.xlsx", response={200: None, **ERRORS},
    url_name="responsibility_checkpoints_xlsx", summary="导出检查点（Excel）",
    description="与页面相同：各组织纪实链的全部检查点。",
    openapi_extra=download(XLSX, "纪实留痕检查点（.xlsx）"),
)
def checkpoints_xlsx(request: HttpRequest) -> HttpResponse:
    _require_verifier(request.user)
    return chain_pages.checkpoints_xlsx_response()


@router.post(
    "/chains/verify", response={202: ResponsibilityJobOut, **ERRORS},
    url_name="responsibility_chains_verify",
    summary="开始校验（后台）",
    description="提交与页面“开始校验”相同的后台任务：重算每条留痕链的 SM3，逐条比对纪实记录"
                "（可选核对佐证文件）。同一校验仍在进行时返回该任务。结果在任务页面查看。",
)
def chains_verify(request: HttpRequest, data: VerifyIn) -> Status:
    _require_verifier(request.user)
    return Status(202, verify_submit(actor=request.user, files=data.files))


@router.post(
    "/chains/checkpoints", response={202: ResponsibilityJobOut, **ERRORS},
    url_name="responsibility_chains_checkpoint", summary="为全部链保存检查点（后台）",
    description="提交与页面相同的后台任务：在一个事务中记录每条链的链头（县级统一检查点）。",
)
def chains_checkpoint(request: HttpRequest) -> Status:
    _require_verifier(request.user)
    return Status(202, checkpoints_submit(actor=request.user, note=chain_pages.COUNTY_NOTE))


@router.post(
    "/chains/check", response={200: CheckpointMatchOut, **ERRORS},
    url_name="responsibility_checkpoint_check", summary="核对检查点",
    description="核对报告上打印的检查点编码是否仍与链中记录一致（此前的记录均未被改动）。",
)
def checkpoint_check_(request: HttpRequest, data: CheckpointCheckIn) -> Any:
    _require_verifier(request.user)
    found = chain_pages.CODE.match(data.code)
    if found is None:
        raise ValidationError({"code": chain_pages.CODE_FORMAT})
    return checkpoint_check(chain=found["chain"], seq=int(found["seq"]), digest=found["digest"])

