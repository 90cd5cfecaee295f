"""Batch documents of 党建考核 as background jobs: every department's feedback letter in one
.zip, each letter as its single download makes it."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from dangjian.assessment import documents
from dangjian.assessment.models import Feedback, Judgement, Scheme
from dangjian.assessment.selectors import assessment_list
from dangjian.jobs.models import Job
from dangjian.jobs.registry import JobFailed, Progress, job_kind
from dangjian.org.scope import Perm, has_perm

FEEDBACK_ZIP = "assessment.feedback_zip"


def _safe(name: str) -> str:
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)


@job_kind(FEEDBACK_ZIP, label="打包下载反馈意见", retry=True)
def feedback_zip(job: Job, progress: Progress) -> dict[str, Any]:
    """Reads only: safe to run again. The owner gets the letters their scope reaches."""
    user = job.owner
    if not has_perm(user, Perm.ASSESS_VIEW):
        raise JobFailed("您没有查看党建考核的权限，无法打包反馈意见")
    scheme = Scheme.objects.select_related("year", "owner_body").filter(
        pk=job.params.get("scheme")).first()
    if scheme is None:
        raise JobFailed("该年度的考核已不存在")
    letters = list(Feedback.objects.filter(
        assessment__in=assessment_list(user=user, scheme=scheme).values("pk"))
        .select_related("assessment__unit", "assessment__scheme__year",
                        "assessment__scheme__owner_body")
        .order_by("assessment__unit__sort_order", "assessment__unit_id"))
    if not letters:
        raise JobFailed(f"{scheme.year.year}年度还没有任何单位的反馈意见，无法打包")
    year = scheme.year.year
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, fb in enumerate(letters):
            progress.update(stage="生成反馈意见", done=done, total=len(letters))
            judgements = list(Judgement.objects.filter(assessment=fb.assessment))
            name = _safe(f"{fb.assessment.unit.name}{year}年度党建考核反馈意见.docx")
            archive.writestr(name, documents.feedback_docx(fb, judgements))
    progress.update(stage="生成反馈意见", done=len(letters), total=len(letters))
    job.save_output(f"{year}年度党建考核反馈意见（{len(letters)}份）.zip", buf.getvalue())
    return {"letters": len(letters), "year": year}
