"""First drafts written from the results (R1.4, R1.5): the feedback letter to a department's
党组 from its grade, the reasons and the points lost; the special report from the distribution,
the grades and the problems. The 工委 edits them before sending or issuing."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from dangjian.assessment.models import Assessment, Judgement, Scheme, SubjectKind
from dangjian.assessment.selectors import explain

MAX_PROBLEMS = 6


def _points(value: Any) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def feedback_draft(assessment: Assessment, *, rectify_days: int) -> dict[str, str]:
    """{"body", "problems"} for the department's letter; problems one a line, the indicators
    that cost the most points first, each with what the assessors wrote."""
    year = assessment.scheme.year.year
    ex = explain(assessment=assessment, kind=SubjectKind.LEADING_GROUP, person=None)
    j = ex.judgement
    parts = [f"根据县委部署，县直机关工委对你单位{year}年度机关党建工作进行了考核，"
             "通过听取汇报、民主测评、个别谈话、实地察看等方式，结合平时掌握情况进行了总体研判。"
             "现将考核情况反馈如下。"]
    if j is not None:
        score = f"，得分{_points(j.total)}分" if j.total is not None else ""
        parts.append(f"一、考核等次。你单位党组考核等次为“{j.get_grade_display()}”{score}。"
                     f"主要依据：{j.reasons.strip().rstrip('。')}。")
    else:
        parts.append("一、考核等次。（尚未研判，研判后请重新起草）")
    leaders = (Judgement.objects.filter(assessment=assessment).exclude(person=None)
               .select_related("person").order_by("kind", "person__name"))
    named = [f"{SubjectKind(x.kind).label}{x.person.name}为“{x.get_grade_display()}”"
             for x in leaders if x.person is not None]
    if named:
        parts.append("班子成员考核等次：" + "；".join(named) + "。")
    if ex.poll:
        parts.append(f"民主测评结果为“{ex.poll}”。")
    parts.append(f"二、整改要求。请你单位党组对照反馈问题，认真研究制定整改方案，明确责任人和"
                 f"时限，自收到本意见之日起{rectify_days}日内整改到位，并将整改情况书面报县直机关工委。")
    problems = []
    for row in ex.movers[:MAX_PROBLEMS]:
        said = "；".join(dict.fromkeys(r.split("，", 1)[-1].strip() for r in row.reasons
                                       if r.split("，", 1)[-1].strip()))
        title = row.title.split("，")[0] if len(row.title) > 24 else row.title
        problems.append(f"{title}：失{_points(row.lost)}分" + (f"（{said}）" if said else ""))
    for d in ex.breakdown.deductions[:MAX_PROBLEMS]:
        problems.append(f"{d.reason.strip().rstrip('。')}（扣{_points(d.points)}分）")
    return {"body": "\n".join(parts), "problems": "\n".join(problems)}


def unjudged(scheme: Scheme) -> list[str]:
    """The departments of the scheme whose 党组 has no 研判 yet, in tree order of their names."""
    judged = Judgement.objects.filter(assessment=OuterRef("pk"), kind=SubjectKind.LEADING_GROUP,
                                      person__isnull=True)
    return list(Assessment.objects.filter(scheme=scheme).exclude(Exists(judged))
                .order_by("unit__path").values_list("unit__name", flat=True))
