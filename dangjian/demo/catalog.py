"""What the demo county is made of: a fictional county (青禾县) and its departments.

Plain data, no database: the builder turns it into bodies, people and posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

COUNTY = "青禾县"  # fictional: no county of this name exists
ROOT_CODE = "QH-000"  # the root's 机构代码 marks the demo county as built
# Fixed dates keep a seed's county the same whichever day it is built; only the "last year"
# events and the Year rows follow the calendar.
FOUNDED = dt.date(2019, 3, 1)  # the county's organs as set up in the 2019 reform
BASE = dt.date(2024, 1, 1)  # ages, join dates and first terms are taken as of this day
# Fictional 6-digit region codes for ID numbers ("99" county codes are unassigned).
REGIONS = ("360199", "360299", "360399", "361099", "361199")


class Size(StrEnum):
    BIG = "big"  # 机关党委 with several branches, 机关纪委
    MEDIUM = "medium"  # 党总支 with two or three branches, a 纪检委员
    SMALL = "small"  # a single 党支部, a 纪检委员


@dataclass(frozen=True)
class DeptSpec:
    name: str  # full name
    short: str  # 简称 used in the names of its party bodies
    size: Size
    head: str  # the head's job title (the 党组书记 usually holds it)
    majors: tuple[str, ...] = ()
    lg_name: str = ""  # the 党组's name when not "中共<name>党组"
    titles: tuple[str, ...] = ()  # staff job titles when not the general ones
    deputy_title: str = ""  # the deputies' job title when not "副<head>"

    @property
    def deputy(self) -> str:
        if self.deputy_title:
            return self.deputy_title
        return self.head if self.head.startswith("常务副") else f"副{self.head}"

    @property
    def leading_group_name(self) -> str:
        return self.lg_name or f"中共{self.name}党组"


def _d(
    name: str, short: str, size: Size, head: str, *majors: str, titles: tuple[str, ...] = ()
) -> DeptSpec:
    return DeptSpec(f"{COUNTY}{name}", short, size, head, majors, titles=titles)


_COURT = ("审判员", "法官助理", "书记员", "执行员", "办公室主任", "政治处主任")
_PROC = ("检察官", "检察官助理", "书记员", "办公室主任", "政治处主任")
B, M, S = Size.BIG, Size.MEDIUM, Size.SMALL

DEPARTMENTS: tuple[DeptSpec, ...] = (
    _d("教育局", "县教育局", B, "局长", "教育学", "汉语言文学", "数学与应用数学", "体育教育"),
    _d("公安局", "县公安局", B, "局长", "公安学", "侦查学", "治安学", "法学"),
    _d("财政局", "县财政局", B, "局长", "会计学", "财政学", "财务管理", "经济学"),
    _d("卫生健康委员会", "县卫健委", B, "主任", "临床医学", "公共卫生", "护理学", "药学"),
    _d("人力资源和社会保障局", "县人社局", B, "局长", "人力资源管理", "劳动与社会保障"),
    _d("自然资源局", "县自然资源局", B, "局长", "土地资源管理", "测绘工程", "城乡规划"),
    _d("农业农村局", "县农业农村局", B, "局长", "农学", "动物医学", "植物保护", "农林经济管理"),
    _d("住房和城乡建设局", "县住建局", B, "局长", "土木工程", "建筑学", "工程管理"),
    _d("市场监督管理局", "县市场监管局", B, "局长", "食品科学与工程", "药学", "法学"),
    _d("发展和改革局", "县发改局", M, "局长", "经济学", "国民经济管理", "统计学"),
    _d("交通运输局", "县交通运输局", M, "局长", "交通工程", "道路桥梁与渡河工程"),
    _d("水利局", "县水利局", M, "局长", "水利水电工程", "农业水利工程"),
    _d("商务局", "县商务局", M, "局长", "国际经济与贸易", "市场营销", "电子商务"),
    _d("文化广电旅游局", "县文广旅局", M, "局长", "旅游管理", "文化产业管理"),
    _d("民政局", "县民政局", M, "局长", "社会工作", "行政管理"),
    _d("司法局", "县司法局", M, "局长", "法学"),
    _d("应急管理局", "县应急管理局", M, "局长", "安全工程", "消防工程"),
    _d("审计局", "县审计局", M, "局长", "审计学", "会计学"),
    _d("林业局", "县林业局", M, "局长", "林学", "森林保护", "园林"),
    _d("城市管理局", "县城管局", M, "局长", "城市管理", "法学"),
    _d("医疗保障局", "县医保局", M, "局长", "医疗保险", "会计学"),
    _d("人民法院", "县法院", M, "院长", "法学", titles=_COURT),
    _d("人民检察院", "县检察院", M, "检察长", "法学", titles=_PROC),
    _d("人民政府办公室", "县政府办", M, "主任", "汉语言文学", "行政管理"),
    _d("统计局", "县统计局", S, "局长", "统计学", "经济统计学"),
    _d("退役军人事务局", "县退役军人局", S, "局长", "行政管理"),
    _d("信访局", "县信访局", S, "局长", "法学", "汉语言文学"),
    _d("科学技术局", "县科技局", S, "局长", "计算机科学与技术", "生物技术"),
    _d("工业和信息化局", "县工信局", S, "局长", "机械工程", "电子信息工程"),
    _d("乡村振兴局", "县乡村振兴局", S, "局长", "农林经济管理", "社会工作"),
    _d("政务服务和数据管理局", "县数据局", S, "局长", "计算机科学与技术", "软件工程"),
    _d("投资促进局", "县投促局", S, "局长", "投资学", "国际经济与贸易"),
    _d("供销合作社联合社", "县供销社", S, "理事会主任", "市场营销"),
    _d("总工会", "县总工会", S, "主席", "劳动关系"),
    _d("妇女联合会", "县妇联", S, "主席", "社会工作"),
    _d("科学技术协会", "县科协", S, "主席", "科学教育"),
    _d("残疾人联合会", "县残联", S, "理事长", "康复治疗学"),
    _d("文学艺术界联合会", "县文联", S, "主席", "美术学", "音乐学"),
    _d("工商业联合会", "县工商联", S, "主席", "工商管理"),
    _d("红十字会", "县红十字会", S, "常务副会长", "护理学"),
    DeptSpec(f"{COUNTY}人大常委会机关", "县人大机关", S, "人大常委会主任", ("法学",),
             lg_name=f"中共{COUNTY}人民代表大会常务委员会党组"),
    DeptSpec(f"政协{COUNTY}委员会机关", "县政协机关", S, "政协主席", ("汉语言文学",),
             lg_name=f"中共政协{COUNTY}委员会党组"),
)

OFFICES: dict[str, DeptSpec] = {
    "org_dept": DeptSpec(
        f"中共{COUNTY}委组织部", "县委组织部", Size.SMALL, "组织部部长", ("行政管理", "中共党史"),
        titles=("组织科科长", "干部科科长", "干部监督科科长", "组织员", "科员", "科员"),
        deputy_title="组织部副部长",
    ),
    "work_committee": DeptSpec(
        f"中共{COUNTY}直属机关工作委员会", "县直机关工委", Size.SMALL, "工委书记",
        ("思想政治教育", "中共党史"), titles=("组织宣传科科长", "办公室主任", "科员"),
        deputy_title="工委副书记",
    ),
    "discipline_commission": DeptSpec(
        f"中共{COUNTY}纪律检查委员会", "县纪委监委", Size.SMALL, "县纪委书记、县监委主任",
        ("法学", "审计学"),
        titles=("党风政风监督室主任", "纪检监察室主任", "案件审理室主任", "科员", "科员"),
        deputy_title="县纪委副书记",
    ),
    "civilization_office": DeptSpec(
        f"{COUNTY}精神文明建设委员会办公室", "县文明办", Size.SMALL, "主任",
        ("汉语言文学", "新闻学"), titles=("综合科科长", "创建科科长", "科员"),
    ),
}

# Last year's history (R0.1): one department renamed, one merged into another.
RENAMED = (f"{COUNTY}城市管理局", f"{COUNTY}城市管理综合执法局")
MERGED = (f"{COUNTY}乡村振兴局", f"{COUNTY}农业农村局")
# The department whose people hold the demo accounts' posts.
SHOWCASE = f"{COUNTY}教育局"

SIZES: dict[Size, tuple[int, int, int, int]] = {
    # size: (min people, max people, min branches, max branches)
    Size.BIG: (40, 54, 4, 5),
    Size.MEDIUM: (18, 28, 2, 3),
    Size.SMALL: (8, 14, 1, 1),
}

GENERAL_MAJORS = (
    "汉语言文学", "行政管理", "法学", "会计学", "经济学", "计算机科学与技术", "思想政治教育",
    "工商管理", "公共事业管理", "新闻学", "财务管理", "英语", "中共党史", "统计学",
)
STAFF_TITLES = (
    "办公室主任", "办公室副主任", "综合股股长", "财务股股长", "人事股股长", "政策法规股股长",
    "规划股股长", "审批股股长", "监督股副股长", "项目股副股长", "科员", "科员", "科员", "科员",
    "办事员", "专业技术人员",
)
STAFF_RANKS = (
    "一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "四级主任科员",
    "一级科员", "一级科员", "二级科员",
)
ORDINALS = "一二三四五六七八九十"
