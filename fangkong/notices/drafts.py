"""The plan's own texts, offered as the first draft of a new notice ("new from the plan").

Each is quoted from the plan (春节期间社区（街道）疫情防控工作方案): the guidance on cold-chain
food and parcels of 三(六), the personal protection of 三(八), the 《致在省外务工人员的一封信》
of 三(二)2 and an 倡议书 built from 三(三) and 三(八). They are the community's starting
point: it edits them (a date, its office's telephone) before submitting. The texts are
Chinese content for residents, not interface words, so they are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTICE = "notice"
LETTER = "letter"
PROPOSAL = "proposal"
GUIDANCE = "guidance"
#: the kinds above are the values of `models.NoticeKind`


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    kind: str
    title: str
    body: str
    #: where in the plan the text comes from
    source: str


COLD_CHAIN = Draft(
    key="cold_chain",
    kind=GUIDANCE,
    title="关于冷链食品和快递包裹的防护提示",
    source="三(六)",
    body="""广大居民朋友：

为保障大家春节期间的生活物资安全，请注意以下几点：

一、积极引导群众购买冷链、海鲜等食品到正规商场、超市购买，购买时注意查验追溯证明、入境货物检验检疫证明、核酸检测证明、消毒证明等“四证”，不购买无合格证的进口冷链食品或网购冷链食品。

二、广大居民应尽量避免海淘、代购国外商品，非必要尽量不选购冷链食品，通过电商、微商等渠道购买的商品，快递外包装如未消毒不要带入室内。

三、在收发邮件快递（特别是来自中高风险地区邮件）前后，要做好个人防护，处理完邮件快递后立即洗手，邮件快递外包装尽量不要带进起居室。

社区居委会
""",
)

PROTECTION = Draft(
    key="protection",
    kind=GUIDANCE,
    title="做好个人防护，养成良好卫生习惯",
    source="三(八)",
    body="""广大居民朋友：

请大家理解和支持疫情防控工作，掌握疫情防控相关知识，做好食、住、行、游、购、娱各环节个人防护，养成“戴口罩、勤洗手、勤通风、少聚集、一米线、用公筷”等良好个人卫生习惯。提倡家庭私人聚会聚餐等控制在10人以下。

请及时关注新冠肺炎疫情防控官宣消息，不信谣、不传谣，共同维护社会和谐稳定。有疑问请向社区咨询。

社区居委会
""",
)

LETTER_TO_WORKERS = Draft(
    key="letter_workers",
    kind=LETTER,
    title="致在省外务工人员的一封信",
    source="三(二)2",
    body="""在外务工的乡亲们：

你们好！春节将至，当前疫情防控形势异常严峻。为减轻两地防控压力，我们提倡大家在务工地过年。

如确实需要返乡，可在返乡前7日内到务工地疾控中心或医疗机构进行核酸检测，返乡后持检测结果到所在村（居）委会报备登记，并核验健康码或国务院大数据通行码。也可在返乡后第一时间在村（社区）报备登记，在村（社区）的安排下24小时内到所在乡镇采样点开展核酸检测。

从高风险地区返（来）乡人员，一律实施“14天集中隔离医学观察+3次核酸检测”；从中风险地区返（来）乡人员，一律实施“14天居家隔离医学观察+2次核酸检测”；从低风险地区返（来）乡人员，持7日内核酸检测证明。

祝大家身体健康，新春愉快！

社区居委会
""",
)

PROPOSAL_FESTIVAL = Draft(
    key="proposal_festival",
    kind=PROPOSAL,
    title="春节期间疫情防控倡议书",
    source="三(三)、三(八)",
    body="""广大居民朋友：

为确保大家过一个健康、安全、祥和的春节，我们倡议：

一、合理安排行程，非必要不出行，鼓励就地过节、错峰返乡，做到少聚集、少外出，减少聚餐、聚会和走亲访友。如果必须出行，务必提前了解途经地和目的地疫情形势和防控政策。

二、中高风险地区暂缓出行，如必须前往，务必提前向所在村（社区）、单位报备，并严格做好个人防护。

三、养成“戴口罩、勤洗手、勤通风、少聚集、一米线、用公筷”等良好个人卫生习惯，家庭私人聚会聚餐等控制在10人以下。

四、不信谣、不传谣，及时关注疫情防控官宣消息。

社区居委会
""",
)

DRAFTS: tuple[Draft, ...] = (COLD_CHAIN, PROTECTION, LETTER_TO_WORKERS, PROPOSAL_FESTIVAL)
BY_KEY = {d.key: d for d in DRAFTS}
