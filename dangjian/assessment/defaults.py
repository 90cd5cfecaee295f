"""The default indicator system that ships with the product, drafted from the content points
of policy 二(一)1(1)–(3). 工委 edits it in the browser before publishing; from the second year
on, a year starts from a copy of the last one instead.

Note: 1(3) lists five content points in the policy text (the first separated by a colon);
each is an indicator here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dangjian.assessment.models import SubjectKind

HEAR, POLL, TALK, VISIT, DAILY = "听取汇报", "民主测评", "个别谈话", "实地察看", "平时掌握"


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    points: int = 0
    guidance: str = ""
    methods: tuple[str, ...] = ()
    children: tuple[Item, ...] = field(default_factory=tuple)


THRESHOLDS = {"good": 90, "fairly_good": 80, "average": 60}

LEADING_GROUP = (
    Item("1", "加强对本部门本系统机关党建工作领导、听取汇报、研究解决问题", children=(
        Item("1.1", "加强对本部门本系统机关党建工作的领导", 5,
             "查阅党组会议纪要、年度党建工作要点；有专题部署的得满分，无部署的不得分。",
             (HEAR, VISIT)),
        Item("1.2", "听取机关党建工作汇报", 5,
             "党组每年至少两次专题听取机关党建工作汇报，每少一次扣2.5分。", (HEAR, VISIT)),
        Item("1.3", "研究解决机关党建工作问题", 5,
             "查阅议题清单；对机关党组织提出的问题有研究、有答复、有落实。", (HEAR, TALK)),
    )),
    Item("2", "学习贯彻习近平新时代中国特色社会主义思想，落实上级决策部署，做到“两个坚决维护”，"
         "党组中心组学习", 15,
         "查阅中心组学习计划、记录和研讨材料；学习不少于规定次数，专题研讨有成果。",
         (HEAR, VISIT, POLL)),
    Item("3", "加强机关基层党组织领导班子和党务干部队伍建设，解决机构设置、人员编制、经费保障", 15,
         "机关党组织按期换届、党务干部按比例配备、党建经费列入预算的，各计5分。",
         (HEAR, VISIT, TALK)),
    Item("4", "履行全面从严治党主体责任，支持纪检监察机构履行监督责任", 15,
         "查阅主体责任清单和履责纪实；支持派驻（机关）纪检机构开展监督有实例。",
         (HEAR, TALK, DAILY)),
    Item("5", "讨论决定基层党组织设置调整和发展党员、处分党员等重要事项", 10,
         "重要事项经党组会议研究，程序规范、记录完整。", (VISIT,)),
    Item("6", "严格执行新形势下党内政治生活若干准则", 15,
         "民主生活会、组织生活会按要求召开，批评与自我批评见人见事。", (POLL, TALK, VISIT)),
    Item("7", "推进机关党建工作创新发展", 15,
         "有特色品牌、经验做法被上级推广的加分；工作无创新、流于形式的酌情扣分。",
         (HEAR, VISIT, DAILY)),
)

SECRETARY = (
    Item("1", "带头加强对机关党建工作领导，落实机关党建工作责任制，重视支持机关党建工作", 25,
         "履行“第一责任人”职责：亲自部署、亲自过问、亲自协调、亲自督办。", (HEAR, POLL, TALK)),
    Item("2", "带头学习贯彻习近平新时代中国特色社会主义思想和上级重大决策部署，"
         "做到“两个坚决维护”", 25,
         "中心组学习带头发言、撰写研讨材料。", (HEAR, POLL)),
    Item("3", "带头执行党内政治生活若干准则，落实中心组学习制度、书记上党课、参加双重组织生活", 25,
         "每年至少讲一次党课，按时参加所在支部组织生活。", (VISIT, POLL, TALK)),
    Item("4", "带头落实中央八项规定实施细则精神，自觉接受党组织和党员群众监督", 25,
         "结合个别谈话和民主测评情况评分；有违规问题的不得分。", (POLL, TALK, DAILY)),
)

MEMBER = (
    Item("1", "协助党组书记加强对机关党建工作领导，落实全面从严治党主体责任", 20,
         "履行“一岗双责”，对分管领域党建工作有部署、有检查。", (HEAR, POLL, TALK)),
    Item("2", "学习贯彻习近平新时代中国特色社会主义思想和上级重大决策部署，做到“两个坚决维护”", 20,
         "", (POLL, TALK)),
    Item("3", "落实中心组学习制度，参加双重组织生活，在本级党组织或所属支部上党课", 20,
         "每年至少在所在或联系支部讲一次党课。", (VISIT, POLL)),
    Item("4", "结合分工抓分管领域机关党建工作，支持并积极参加机关党组织活动，发挥表率作用", 20,
         "", (HEAR, POLL, TALK)),
    Item("5", "落实中央八项规定实施细则精神，自觉接受党组织和党员群众监督", 20,
         "结合个别谈话和民主测评情况评分；有违规问题的不得分。", (POLL, TALK, DAILY)),
)

DEFAULT_SYSTEM: dict[str, tuple[str, tuple[Item, ...]]] = {
    SubjectKind.LEADING_GROUP: ("党组抓机关党建", LEADING_GROUP),
    SubjectKind.SECRETARY: ("党组书记履行“第一责任人”职责", SECRETARY),
    SubjectKind.MEMBER: ("其他党组成员履行“一岗双责”", MEMBER),
}
