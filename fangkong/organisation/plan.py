"""The organisation the plan sets up in every community (plan 二、组织领导), as plain data, and
the hours a volunteer served (plan 三(九)). No Django import: a pure rule module.

"成立春节期间防控领导小组 … 组长：书记、主任 … 成员：民兵营长、妇女主任、扶贫专干、驻片民警、
社区卫生室医师 … 防控领导小组下设办公室和七个工作组，办公室设在卫生室。"
The duty text of each working group is the plan's own, the default a community may edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

GROUP_NAME = "春节期间防控领导小组"
OFFICE_LOCATION = "卫生室"

LEADER = "leader"
DEPUTY = "deputy"
MEMBER = "member"
POST_KINDS = (LEADER, DEPUTY, MEMBER)


@dataclass(frozen=True, slots=True)
class PostSpec:
    kind: str
    title: str


#: the posts of the leadership group, in the plan's order
POSTS: tuple[PostSpec, ...] = (
    PostSpec(LEADER, "书记"),
    PostSpec(DEPUTY, "主任"),
    PostSpec(MEMBER, "民兵营长"),
    PostSpec(MEMBER, "妇女主任"),
    PostSpec(MEMBER, "扶贫专干"),
    PostSpec(MEMBER, "驻片民警"),
    PostSpec(MEMBER, "社区卫生室医师"),
    PostSpec(MEMBER, "学校校长"),
    PostSpec(MEMBER, "村民组负责人"),
)


@dataclass(frozen=True, slots=True)
class GroupSpec:
    key: str
    name: str
    duties: str


COORDINATION = "coordination"
MEDICAL = "medical"
LOGISTICS = "logistics"
TRAFFIC = "traffic"
SECURITY = "security"
ENVIRONMENT = "environment"
PUBLICITY = "publicity"

#: the seven working groups, in the plan's order, with the plan's duties
GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        COORDINATION,
        "综合协调组",
        "（1）负责会议组织、综合材料起草及指挥部交办的相关工作；突发疫情防控事务。\n"
        "（2）负责疫情防控应急预案、工作方案起草、申报，负责疫情信息统一上报工作，"
        "协调联防联控机制成员单位信息报送。\n"
        "（3）负责做好疫情防控工作中活禽交易、野生动物管控及疑似病例留置、确诊病例隔离等"
        "相关行政执法监督和法律服务工作。",
    ),
    GroupSpec(
        MEDICAL,
        "卫生医疗组",
        "（1）负责组织制定疫情防控技术方案；组织实施各项预防控制措施；根据预防控制工作需要，"
        "依法提出隔离、封锁、有关地区的建议。\n"
        "（2）负责配合党委政府组织实施学校疫情防控措施，加强学生、教职工的宣传教育和自我防护工作。\n"
        "（3）负责指导督促文化娱乐场所做好疫情防控应急处置工作；必要时协助卫生院做好人员宣传、"
        "登记、观察工作；及时接受卫生健康部门的警示信息，有针对性地做好相关工作。\n"
        "（4）负责协助卫生健康部门依法做好强制隔离等相关应急处置工作。\n"
        "（5）组建突发公共卫生事件咨询组；对确定突发公共卫生事件的级别以及采取相应的重要措施"
        "提出建议；参与制定、修订突发公共卫生事件应急预案和技术方案；对突发公共卫生事件应急"
        "处置进行技术指导。",
    ),
    GroupSpec(
        LOGISTICS,
        "后勤保障组",
        "（1）负责做好疫情防控应急处置药品、医疗器械质量安全的监督和管理工作。\n"
        "（2）负责配合做好防控物资储备。\n"
        "（3）负责安排疫情防控应急处置、药品、物资储备、疫情防控人员补助等所需经费，做好经费"
        "使用的监督管理，配合部门做好捐赠资金使用的监督管理工作。\n"
        "（4）负责按照工伤保险政策有关规定，落实参与疫情防控应急处置工作人员的工伤保险待遇。\n"
        "（5）负责动员社会组织开展社会捐助工作，做好款物管理和发放工作；对符合条件的困难患者"
        "提供医疗救助和临时救助；协调做好死亡人员火化和其他善后工作。",
    ),
    GroupSpec(
        TRAFFIC,
        "交通管控组",
        "（1）负责对乘坐公路交通工具的人员进行检疫、检验工作，防治传染病通过交通运输环节传播；"
        "保障疫情防控应急处置人员以及防治药品、医疗器械等急用物资和有关标本运送，做好疫情区"
        "交通管理，协助交警部门做好道路交通管理工作。\n"
        "（2）做好道路交通管理工作，人群密集场所的人员劝阻和疏散工作。\n"
        "（3）协调组织对乘车的人员进行检疫、检验工作，将发现的传染病人、疑似传染病人及相关"
        "密切接触者移交指定的医疗卫生机构；保障突发公共卫生事件处置人员以及防治药品、医疗器械"
        "等急用物资运送，做好疫区交通管理工作。",
    ),
    GroupSpec(
        SECURITY,
        "治安管理组",
        "由驻片民警负责，密切关注与疫情防控有关的社会治安动态，依法查处打击违法犯罪活动，"
        "维护社会稳定。",
    ),
    GroupSpec(
        ENVIRONMENT,
        "环境治理组",
        "（1）负责组织开展爱国卫生运动。\n"
        "（2）负责组织疫情防控应急处置期间可能与家禽有关的疫情防控，做好相关的检测、流行病"
        "调查和应急处置等工作。\n"
        "（3）负责活禽交易市场管理，根据疫情防控工作需要关停镇活禽交易市场等。\n"
        "（4）会同镇市场监管所做好野生动物交易管控，组织开展野生动物监测、基础调查和样品采集"
        "工作；组织做好快速隔离、病样采集等工作。\n"
        "（5）负责组织环境整治，维护环境安全。",
    ),
    GroupSpec(
        PUBLICITY,
        "新闻宣传组",
        "（1）负责做好疫情防控信息发布和宣传报道工作；做好网上正面宣传和舆论引导，开展疫情"
        "防控知识宣传，及时处置煽动性、谣言类不实信息。\n"
        "（2）负责会同镇党政办及时发布疫情信息。",
    ),
)

GROUP_KEYS = tuple(g.key for g in GROUPS)


# --- volunteers' hours ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    starts_at: dt.datetime
    ends_at: dt.datetime | None


def span_is_valid(span: Span) -> bool:
    """An assignment ends after it starts (an open one, without an end, is valid)."""
    return span.ends_at is None or span.ends_at > span.starts_at


def hours_served(spans: Iterable[Span]) -> float:
    """Hours of the assignments that have an end, each counted once (rounded to 0.1 h);
    an assignment without an end (still on duty) or a bad one counts nothing."""
    seconds = sum(
        (s.ends_at - s.starts_at).total_seconds()
        for s in spans
        if s.ends_at is not None and s.ends_at > s.starts_at
    )
    return round(seconds / 3600, 1)
