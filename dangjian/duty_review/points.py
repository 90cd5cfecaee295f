"""The content points of each tier's report, taken from the policy (二(二)1 (1)/(2)/(3)).

A report's sections are these points in order, then the problems section; from the second year
on, a report opens with the special section on last year's rectification (二(二)2(3), R2.9).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Tier(models.TextChoices):
    MEMBER = "member", "机关党员向所属党支部述职"
    PARTY_ORG = "party_org", "党组织书记向县直机关工委述职"
    LEADERSHIP = "leadership", "县直机关工委和机关党组书记向县委述职"


TIER_SHORT = {Tier.MEMBER: "党员述职", Tier.PARTY_ORG: "党组织书记述职",
              Tier.LEADERSHIP: "工委和党组书记述职"}

TIER_POINTS: dict[str, tuple[str, ...]] = {
    # 二(二)1(1): 机关党员向所属党支部述职 — 5 points.
    Tier.MEMBER: (
        "个人学习宣传贯彻习近平新时代中国特色社会主义思想，党的基本理论、基本路线、基本方略和上级党组织"
        "重大决策部署，同以习近平同志为核心的党中央保持高度一致情况",
        "主动参加“三会一课”、民主生活会、组织生活会、谈心谈话、民主评议党员等制度及支部主题党日活动情况",
        "严格党的政治纪律和政治规矩，严格遵守党章和国家法律法规，履行党员义务情况",
        "贯彻党的群众路线，组织群众、宣传群众、凝聚群众、服务群众情况",
        "自觉维护党的形象和群众利益，发挥党员先锋模范作用，完成本单位本部门中心任务情况",
    ),
    # 二(二)1(2): 机关党组织向县直机关工委述职 — 5 points.
    Tier.PARTY_ORG: (
        "组织党员学习宣传贯彻习近平新时代中国特色社会主义思想，党的基本理论、基本路线、基本方略和上级党组织"
        "重大决策部署，同以习近平同志为核心的党中央保持高度一致情况",
        "坚持“三会一课”、民主生活会、组织生活会、谈心谈话、民主评议党员等制度，做好党费收缴和发展党员工作，"
        "开展支部主题党日活动情况",
        "严格党的政治纪律和政治规矩，监督党员严格遵守党章和国家法律法规，保障党员的权利不受侵犯，"
        "督促党员履行义务情况",
        "贯彻党的群众路线，组织群众、宣传群众、凝聚群众、服务群众情况",
        "发挥党支部的战斗堡垒作用和党员先锋模范作用，促进本部门本单位中心任务完成情况",
    ),
    # 二(二)1(3): 县直机关工委、机关党组向县委述职 — 4 points.
    Tier.LEADERSHIP: (
        "组织党员深入学习宣传贯彻习近平新时代中国特色社会主义思想，党的基本理论、基本路线、基本方略和"
        "同以习近平同志为核心的党中央保持高度一致情况",
        "贯彻落实党中央和上级党组织决策部署、履行全面从严治党责任，促进中心工作任务完成情况",
        "加强对机关党建工作的领导，提出加强和改进机关党建工作意见，督促指导所属机关党组织推进政治建设、"
        "思想建设、组织建设、作风建设、纪律建设，把制度建设贯穿其中，推进反腐败斗争情况",
        "对所属机关基层党组织贯彻落实党中央和上级党组织决策部署进行督促检查情况",
    ),
}

PROBLEMS = "problems"
RECTIFICATION = "rectification"
CN_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str


def sections_for(tier: str, *, with_rectification: bool) -> list[Section]:
    """The report's sections for a tier, in order."""
    out = []
    if with_rectification:
        out.append(Section(RECTIFICATION, "上年度整改情况专题汇报",
                           "逐项说明上年度述职评议整改事项的落实情况、成效和尚未完成的原因"))
    for i, text in enumerate(TIER_POINTS[tier], 1):
        out.append(Section(f"p{i}", text, ""))
    out.append(Section(PROBLEMS, "存在的问题及下一步打算",
                       "每行写一个问题；评议会后将据此制定整改方案"))
    return [Section(s.key, f"{CN_NUMBERS[i]}、{s.title}", s.hint) for i, s in enumerate(out)]


def problem_lines(text: str) -> list[str]:
    """The problems section, one problem per non-empty line, list markers stripped."""
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("0123456789.、）)（(一二三四五六七八九十 ").strip()
        if line:
            out.append(line)
    return out
