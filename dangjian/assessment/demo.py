"""Demo data for 党建工作考核: last year complete (published system, the four kinds of records,
民主测评, scores, judgements, feedback acknowledged, special report issued) and this year in
progress (system copied and published, some departments recorded and scored). Deterministic
for a seed."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.assessment import documents, selectors
from dangjian.assessment.models import Assessment, Leader, Scheme, SubjectKind
from dangjian.assessment.services import (
    feedback_save,
    feedback_transition,
    hearing_add,
    interview_add,
    judgement_save,
    observation_add,
    poll_create,
    report_ensure,
    report_issue,
    report_save,
    scheme_create,
    scheme_publish,
    scores_save,
    site_visit_add,
    team_create,
)
from dangjian.ballots.services import ballot_submit, box_close, box_open, codes_issue
from dangjian.core.grades import GRADE_ORDER
from dangjian.cycles.models import Year
from dangjian.demo.catalog import COUNTY
from dangjian.evidence.services import evidence_attach
from dangjian.org.models import Body, BodyKind, Role
from dangjian.scoring.selectors import leaves

PROBLEMS = ("党组专题研究机关党建工作次数偏少", "中心组学习研讨深度不够",
            "党务干部配备不足、兼职较多", "支部“三会一课”记录不够规范",
            "对所属党支部督促指导不够", "党建品牌特色不够鲜明", "发展党员工作计划性不强")
FINDINGS = ("党员活动室阵地建设规范，制度上墙", "“三会一课”记录齐全，个别记录过于简单",
            "党建工作台账分类清楚，佐证材料完整", "主题党日活动开展正常，形式较单一")

# The working committee's 发文字号: the county's first character, 直工 (青直工〔2026〕1号).
NUMBER_PREFIX = f"{COUNTY[0]}直工"


def _account(role: str) -> User | None:
    return User.objects.filter(role_assignments__role=role, is_active=True).order_by("pk").first()


def _photo(rng: random.Random) -> bytes:
    """A small generated JPEG standing in for a site photo (no bundled images)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow is a dependency
        from dangjian.testing import TINY_PNG

        return TINY_PNG
    image = Image.new("RGB", (320, 240), (rng.randint(150, 230), rng.randint(150, 230), 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 280, 200), outline=(183, 28, 28), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def _units() -> list[Body]:
    return list(Body.objects.filter(kind=BodyKind.UNIT, valid_to__isnull=True,
                                    children__kind=BodyKind.LEADING_GROUP,
                                    children__valid_to__isnull=True).distinct().order_by("path"))


def _day(year: Year, rng: random.Random, month_from: int = 10) -> dt.date:
    today = timezone.localdate()
    day = dt.date(year.year, rng.randint(month_from, 12), rng.randint(1, 28))
    return min(day, today)


def _poll(actor: Any, assessment: Assessment, rng: random.Random, quality: float) -> None:
    poll_create(actor=actor, assessment=assessment)
    assessment.refresh_from_db()
    box = assessment.box
    assert box is not None
    raters = rng.randint(12, 20)
    codes = codes_issue(actor=actor, box=box, count=raters)
    box_open(actor=actor, box=box)
    weights = [quality, 1 - quality / 2, (1 - quality) / 2, (1 - quality) / 6]
    candidates = list(box.candidates.values_list("pk", flat=True))
    for code in codes[: raters - rng.randint(0, 2)]:
        ballot_submit(box_id=box.pk, code=code, grades={
            str(c): str(rng.choices(GRADE_ORDER, weights)[0]) for c in candidates})
    box_close(actor=actor, box=box)


def _conduct(actor: Any, a: Assessment, rng: random.Random, quality: float, *,
             full: bool) -> None:
    year = a.scheme.year
    hearing_add(actor=actor, assessment=a, held_on=_day(year, rng), reporter="党组书记",
                summary="汇报全年机关党建工作开展情况、主要做法和存在问题。")
    if not full:
        return
    interview_add(actor=actor, assessment=a, held_on=_day(year, rng), interviewee="机关党委书记",
                  notes=f"谈话反映：{rng.choice(PROBLEMS)}；对党组书记抓党建评价较好。")
    visit = site_visit_add(actor=actor, assessment=a, visited_on=_day(year, rng),
                           checked="党员活动室、党建工作台账、“三会一课”记录",
                           findings=rng.choice(FINDINGS))
    evidence_attach(actor=actor, record=visit, name="现场照片.jpg", data=_photo(rng))
    observation_add(actor=actor, year=year, unit=a.unit, observed_on=_day(year, rng, 3),
                    content="按时报送党建信息，参加工委组织的活动积极。")
    _poll(actor, a, rng, quality)
    subjects: list[tuple[str, Any]] = [(SubjectKind.LEADING_GROUP, None)]
    subjects += [(lead.kind, lead.person) for lead in
                 Leader.objects.filter(assessment=a).select_related("person")]
    for kind, person in subjects:
        entries = []
        for leaf in leaves(a.scheme.set_of(kind)):
            share = min(1.0, max(0.4, rng.gauss(quality, 0.06)))
            entries.append((leaf, str(round(float(leaf.max_points) * share, 1)),
                            "对照评分说明，结合汇报和查阅材料评分"))
        scores_save(actor=actor, assessment=a, kind=kind, person=person, entries=entries)


def _judge(actor: Any, scheme: Scheme, a: Assessment) -> None:
    rows = [r for r in selectors.results(user=actor, scheme=scheme) if r.assessment.pk == a.pk]
    for s in [rows[0].dept, *rows[0].leaders]:
        grade = s.total.grade if s.total else "average"
        judgement_save(actor=actor, assessment=a, kind=s.kind, person=s.person, grade=grade,
                       reasons=f"综合得分{s.total.total if s.total else '—'}分、民主测评"
                               f"“{s.poll_label}”和平时掌握情况，评为该等次。")


def _year(year: Year, admin: User, staff: User, rng: random.Random, *, complete: bool) -> None:
    scheme = Scheme.objects.filter(year=year).first() or scheme_create(actor=admin, year=year)
    scheme = scheme_publish(actor=admin, scheme=scheme)
    units = _units()
    half = (len(units) + 1) // 2
    team_create(actor=admin, scheme=scheme, name="第一考核组", leader=admin,
                members=[admin, staff], units=units[:half])
    team_create(actor=admin, scheme=scheme, name="第二考核组", leader=staff, members=[staff],
                units=units[half:])
    assessments = list(Assessment.objects.filter(scheme=scheme).select_related(
        "team", "unit", "scheme__year").order_by("unit__path"))
    for i, a in enumerate(assessments):
        actor = a.team.leader if a.team and a.team.leader else staff
        quality = rng.uniform(0.62, 0.97)
        if not complete and i % 3 == 2:
            continue  # not visited yet this year
        _conduct(actor, a, rng, quality, full=complete or i % 3 == 0)
        if not complete:
            continue
        _judge(actor, scheme, a)
        feedback = feedback_save(
            actor=admin, assessment=a, number=f"{NUMBER_PREFIX}〔{year.year + 1}〕{i + 1}号",
            body=f"根据县委部署，县直机关工委对你单位{year.year}年度机关党建工作进行了考核，"
                 "现将有关情况反馈如下。",
            problems="\n".join(rng.sample(PROBLEMS, 2)))
        feedback = feedback_transition(actor=admin, feedback=feedback, to="sent")
        receiver = _receiver(a)
        if receiver is not None and rng.random() < 0.8:
            feedback_transition(actor=receiver, feedback=feedback, to="acknowledged")
    if complete:
        rows = selectors.results(user=admin, scheme=scheme)
        report = report_ensure(actor=admin, scheme=scheme,
                               summary=selectors.report_summary(rows))
        report = report_save(actor=admin, report=report,
                             fields={"number": f"{NUMBER_PREFIX}〔{year.year + 1}〕20号"})
        report_issue(actor=admin, report=report, docx=documents.report_docx(report, rows))


def _receiver(a: Assessment) -> User | None:
    from dangjian.assessment.access import can_receive

    for user in User.objects.filter(role_assignments__role=Role.LEADING_GROUP_SECRETARY,
                                    is_active=True):
        if can_receive(user, a):
            return user
    return None


def build_demo(*, seed: int) -> None:
    rng = random.Random(f"{seed}:assessment")
    current = Year.objects.get(is_current=True)
    admin = _account(Role.WORK_COMMITTEE_ADMIN)
    staff = _account(Role.WORK_COMMITTEE_STAFF) or admin
    if admin is None or staff is None:
        return
    previous = current.previous
    if previous is not None and not Scheme.objects.filter(year=previous).exists():
        _year(previous, admin, staff, rng, complete=True)
    if not Scheme.objects.filter(year=current).exists():
        _year(current, admin, staff, rng, complete=False)
