"""How an overall grade follows from a candidate's tally. A rule is data (stored on the box)
so the result page can show it beside the result."""

from __future__ import annotations

from typing import Any

from dangjian.core.grades import GRADE_ORDER, Grade

DEFAULT_RULE: dict[str, Any] = {"kind": "threshold", "good": 0.6, "fairly_good": 0.6,
                                "poor": 1 / 3}
SCORE_POINTS = {Grade.GOOD: 100, Grade.FAIRLY_GOOD: 80, Grade.AVERAGE: 60, Grade.POOR: 40}


def describe(rule: dict[str, Any]) -> str:
    rule = rule or DEFAULT_RULE
    if rule.get("kind") == "plurality":
        return "得票最多的档次为综合评价（票数相同取较低档次）"
    if rule.get("kind") == "score":
        return (f"按好100、较好80、一般60、差40分计算平均分：≥{rule['good']}分为好，"
                f"≥{rule['fairly_good']}分为较好，≥{rule['average']}分为一般，其余为差")
    return (f"“好”票占比≥{rule['good']:.0%}为好；“好”与“较好”合计≥{rule['fairly_good']:.0%}为较好；"
            f"“差”票占比≥{rule['poor']:.0%}为差；其余为一般")


def overall(counts: dict[str, int], rule: dict[str, Any]) -> str | None:
    """The overall grade for one candidate's counts, or None if nobody graded them."""
    rule = rule or DEFAULT_RULE
    total = sum(counts.get(g, 0) for g in GRADE_ORDER)
    if total == 0:
        return None
    share = {g: counts.get(g, 0) / total for g in GRADE_ORDER}
    kind = rule.get("kind", "threshold")
    if kind == "plurality":
        best = max(GRADE_ORDER, key=lambda g: (counts.get(g, 0), GRADE_ORDER.index(g)))
        return str(best)
    if kind == "score":
        score = sum(SCORE_POINTS[g] * counts.get(g, 0) for g in GRADE_ORDER) / total
        for grade, key in ((Grade.GOOD, "good"), (Grade.FAIRLY_GOOD, "fairly_good"),
                           (Grade.AVERAGE, "average")):
            if score >= rule[key]:
                return str(grade)
        return str(Grade.POOR)
    if share[Grade.GOOD] >= rule["good"]:
        return str(Grade.GOOD)
    if share[Grade.GOOD] + share[Grade.FAIRLY_GOOD] >= rule["fairly_good"]:
        return str(Grade.FAIRLY_GOOD)
    if share[Grade.POOR] >= rule["poor"]:
        return str(Grade.POOR)
    return str(Grade.AVERAGE)


def validate(rule: dict[str, Any]) -> list[str]:
    problems = []
    kind = rule.get("kind")
    if kind not in {"threshold", "plurality", "score"}:
        problems.append("评定规则类型应为 threshold、plurality 或 score")
    keys: tuple[str, ...] = {
        "threshold": ("good", "fairly_good", "poor"),
        "score": ("good", "fairly_good", "average"),
    }.get(str(kind), ())
    for key in keys:
        value = rule.get(key)
        if not isinstance(value, int | float):
            problems.append(f"评定规则缺少数值：{key}")
    return problems
