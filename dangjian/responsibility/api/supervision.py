"""督查考评 (R3.4–R3.6): notes, the annual evaluation, commendations, 提醒 → 约谈 → 通报 → 追责
step by step, and their documents. Only 县纪委 and 工委 (RESP_OVERSEE) write here."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.org.scope import Perm, require_perm, scope_filter
from dangjian.responsibility import services
from dangjian.responsibility.api.common import (
    DOCX,
    case_or_404,
    commendation_or_404,
    download,
    evaluation_or_404,
    owner_body_or_404,
    step_or_404,
    uploads,
    year_of,
)
from dangjian.responsibility.api.schemas import (
    CaseDetailOut,
    CaseOpenIn,
    CaseOut,
    CommendationOut,
    CommendIn,
    EvaluationIn,
    NoteIn,
    NoteOut,
    ResponsibilityEvaluationOut,
    StepIn,
)
from dangjian.responsibility.filters import CaseFilter, EvaluationFilter, YearFilter
from dangjian.responsibility.models import (
    Case,
    Commendation,
    Evaluation,
)
from dangjian.responsibility.services.common import require_oversee
from dangjian.responsibility.views import exports

router = Router(tags=["两个责任：督查考评"])


def _overseen(request: HttpRequest, pk: int) -> Any:
    body, _ = owner_body_or_404(request.user, pk)
    require_oversee(request.user, body)
    return body


def case_detail_out(case: Case) -> Case:
    return Case.objects.select_related("body", "year").get(pk=case.pk)


@router.post(
    "/orgs/{int:pk}/notes", response={201: NoteOut, **ERRORS}, url_name="responsibility_note_add",
    summary="记录督查情况",
    description="县纪委、县直机关工委对机关党组织或机关纪检的平时督查、定期检查、随机抽查情况。留痕。",
)
def note_add(request: HttpRequest, pk: int, data: NoteIn) -> Status:
    body = _overseen(request, pk)
    note = services.note_add(actor=request.user, year=year_of(request, data.year), body=body,
                             kind=data.kind, content=data.content, noted_on=data.noted_on)
    return Status(201, note)


@router.post(
    "/orgs/{int:pk}/evaluation", response={200: ResponsibilityEvaluationOut, **ERRORS},
    url_name="responsibility_evaluation_set", summary="年度考评",
    description="给出组织本年度落实两个责任的考评等次（好/较好/一般/差）和意见；再次提交即修改"
                "（留痕变更前后）。",
)
def evaluation_set(request: HttpRequest, pk: int, data: EvaluationIn) -> Evaluation:
    body = _overseen(request, pk)
    return services.evaluation_set(actor=request.user, year=year_of(request, data.year),
                                   body=body, grade=data.grade, opinion=data.opinion)


@router.post(
    "/orgs/{int:pk}/commendations", response={201: CommendationOut, **ERRORS},
    url_name="responsibility_commend", summary="表扬",
    description="对履责突出的组织给予表扬（可下载表扬通报）。留痕。",
)
def commend(request: HttpRequest, pk: int, data: CommendIn) -> Status:
    body = _overseen(request, pk)
    praise = services.commendation_add(actor=request.user, year=year_of(request, data.year),
                                       body=body, reason=data.reason)
    return Status(201, praise)


@router.post(
    "/orgs/{int:pk}/cases", response={201: CaseDetailOut, **ERRORS},
    url_name="responsibility_case_open", summary="提醒或约谈",
    description="发现问题，先提醒（严重的可越级，须填写理由）：问题、时间、谈话人、对象、内容、后续要求，"
                "可附佐证材料（Base64）。留痕。",
)
def case_open(request: HttpRequest, pk: int, data: CaseOpenIn) -> Status:
    body = _overseen(request, pk)
    case = services.case_open(
        actor=request.user, year=year_of(request, data.year), body=body, problem=data.problem,
        stage=data.stage, held_on=data.held_on, by_whom=data.by_whom, whom=data.whom,
        content=data.content, follow_up=data.follow_up, files=uploads(data.files),
        skip_reason=data.skip_reason)
    return Status(201, case_detail_out(case))


@router.get(
    "/cases", response={200: list[CaseOut], **ERRORS}, url_name="responsibility_case_list",
    summary="提醒约谈事项",
    description="督查考评汇总中的提醒约谈事项（某年度），可按阶段、组织名称或问题筛选。",
)
@paginate(Paged)
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    require_perm(request.user, Perm.RESP_OVERSEE)
    year = year_of(request, filters.year)
    qs = scope_filter(request.user, Perm.RESP_VIEW, Case.objects.filter(year=year))
    return filters.apply(qs.select_related("body", "year"))


@router.get(
    "/evaluations", response={200: list[ResponsibilityEvaluationOut], **ERRORS},
    url_name="responsibility_evaluation_list", summary="年度考评汇总",
    description="督查考评汇总中的年度考评（某年度），可按等次筛选。",
)
@paginate(Paged)
def evaluation_list(request: HttpRequest, filters: Query[EvaluationFilter]) -> Any:
    require_perm(request.user, Perm.RESP_OVERSEE)
    year = year_of(request, filters.year)
    qs = scope_filter(request.user, Perm.RESP_VIEW, Evaluation.objects.filter(year=year))
    return filters.apply(qs.select_related("body", "year"))


@router.get(
    "/commendations", response={200: list[CommendationOut], **ERRORS},
    url_name="responsibility_commendation_list", summary="表扬汇总",
    description="督查考评汇总中的表扬（某年度）。",
)
@paginate(Paged)
def commendation_list(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    require_perm(request.user, Perm.RESP_OVERSEE)
    year = year_of(request, filters.year)
    qs = scope_filter(request.user, Perm.RESP_VIEW, Commendation.objects.filter(year=year))
    return qs.select_related("body", "year")


@router.get(
    "/cases/{int:pk}", response={200: CaseDetailOut, **ERRORS},
    url_name="responsibility_case_detail", summary="提醒约谈详情",
    description="事项及其每一步（含佐证材料），以及可进入的下一阶段。",
)
def case_detail(request: HttpRequest, pk: int) -> Case:
    return case_detail_out(case_or_404(request.user, pk))


@router.post(
    "/cases/{int:pk}/steps", response={200: CaseDetailOut, **ERRORS},
    url_name="responsibility_case_escalate", summary="下一步（逐级）",
    description="逐级进入下一阶段：提醒→约谈→通报→追责，或整改到位销号；越级须填写理由，不能回退。留痕。",
)
def case_escalate(request: HttpRequest, pk: int, data: StepIn) -> Case:
    case = case_or_404(request.user, pk)
    require_oversee(request.user, case.body)
    case = services.case_escalate(
        actor=request.user, case=case, stage=data.stage, held_on=data.held_on,
        by_whom=data.by_whom, whom=data.whom, content=data.content, follow_up=data.follow_up,
        files=uploads(data.files), skip_reason=data.skip_reason)
    return case_detail_out(case)


@router.get(
    "/steps/{int:pk}/record.docx", response={200: None, **ERRORS},
    url_name="responsibility_step_docx", summary="谈话记录、通报或追责决定（Word）",
    description="与页面相同：提醒谈话记录、约谈记录、情况通报、责任追究决定或销号记录。",
    openapi_extra=download(DOCX, "文书（.docx）"),
)
def step_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return exports.step_docx_response(step_or_404(request.user, pk))


@router.get(
    "/evaluations/{int:pk}/opinion.docx", response={200: None, **ERRORS},
    url_name="responsibility_evaluation_docx", summary="督查意见（Word）",
    description="与页面相同的年度考评督查意见书。",
    openapi_extra=download(DOCX, "督查意见（.docx）"),
)
def evaluation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return exports.evaluation_docx_response(evaluation_or_404(request.user, pk))


@router.get(
    "/commendations/{int:pk}/notice.docx", response={200: None, **ERRORS},
    url_name="responsibility_commendation_docx", summary="表扬通报（Word）",
    description="与页面相同的表扬通报。", openapi_extra=download(DOCX, "表扬通报（.docx）"),
)
def commendation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return exports.commendation_docx_response(commendation_or_404(request.user, pk))
