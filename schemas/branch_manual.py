"""驻外临时党支部工作手册: the work manual of a temporary party branch on an overseas project.

The secretary and committee are taken from the roster's roles (the approving organisation appoints
them); duties, exclusions, 三会一课, discipline, reporting line and forms default to standard text.

Context keys added to the loaded data (besides profile_context()'s org_* keys):

- manual_title: 驻巴基斯坦卫星地面站项目临时党支部工作手册
- branch_full_name: 中共…临时支部委员会 (from the profile)
- date_text / established_text / project_start_text / project_end_text: 2026年3月5日
- project_period_text: 2026年3月1日至2027年12月31日
- secretary / secretary_phone: the roster's 书记
- committee: [{role, name, phone}] roster entries other than 党员, in role order
- committee_text: 马骏（书记）、刘赟（组织委员）; "" when the branch has only a secretary
- members (replaces the input): each entry gains no (1, 2, …)
- member_count / full_member_count / probationary_count: int
- duty_items / exclusion_items / discipline_items / reporting_items: [{label: （一）, text}]
- exclusions_text: 临时党支部一般不发展党员，不处分处置党员，……，不进行换届。
- schedule (as input, or the standard 三会一课): [{activity, frequency, content}]
- form_items: [{label: 附件1, text: 临时党支部活动签到表}]
"""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import validates_schema

from schemas.fields import BaseSchema, Choice, Date, DocNumber, List, LongText, Name, Nested, Phone, Text, meta
from schemas.official import base_context, labelled
from schemas.problems import duplicate_names, not_before, raise_problems
from schemas.profile import PROFILE
from service.engine.filters import cn_date, cn_join

ID = "branch-manual"
TITLE = "驻外临时党支部工作手册"
SUMMARY = "驻外项目临时党支部工作手册：支部概况、党员名册、职责、三会一课、纪律和联系方式"
ORDER = 5  # place in lists (home page, docgen kinds): the most used kinds first
FILENAME = "{manual_title}（{date_text}）"
NUMBERING = None

ROLES = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "党员")
STATUSES = ("正式党员", "预备党员")
DUTIES = [
    "组织党员开展政治学习，深入学习贯彻党的创新理论和上级党组织的部署要求。",
    "教育、管理、监督党员，掌握驻外党员思想动态，做好思想政治工作。",
    "对入党积极分子进行培养考察，及时向其原所在党支部反馈现实表现。",
    "组织党员在项目攻坚和现场保障中发挥先锋模范作用，保证项目任务圆满完成。",
]
EXCLUSIONS = ["不发展党员", "不处分处置党员", "不收缴党费", "不选举党代表大会代表", "不进行换届"]
SCHEDULE = [
    {"activity": "支部党员大会", "frequency": "每季度至少1次", "content": "传达学习上级精神，通报项目进展和支部工作"},
    {"activity": "支部委员会", "frequency": "每月1次", "content": "研究党员教育管理和项目攻坚中的重要事项"},
    {"activity": "党小组会", "frequency": "每月1次", "content": "设党小组的，结合现场分组开展学习和组织生活"},
    {"activity": "党课", "frequency": "每季度至少1次", "content": "书记每年至少讲1次党课"},
    {"activity": "主题党日", "frequency": "每月1次", "content": "结合项目现场实际开展"},
]
DISCIPLINE = [
    "严格遵守保密法律法规和中心保密安全管理规定，涉密事项不在境外讨论，不通过互联网和境外通信网络传递；"
    "本手册和支部活动记录不得记载涉密内容。",
    "严格遵守外事纪律，尊重驻在国法律法规、宗教信仰和风俗习惯，未经批准不接受境外媒体采访，不参加与工作无关的涉外活动。",
    "落实安全管理要求，外出实行报备和结伴制度，遇有突发事件第一时间向项目现场负责人和临时党支部书记报告。",
    "严守廉洁纪律，不接受外方礼品礼金；确因礼仪需要接受的，按规定登记上交。",
]


def reporting_texts() -> list[str]:
    """The standard 请示报告 paragraphs, naming the organisation in use."""
    org = PROFILE.organisation.name
    return [
        f"临时党支部在{org}领导下开展工作，党员的组织关系保留在原所在党支部，党费向原所在党支部交纳。",
        f"临时党支部每月向{org}报告一次工作情况和党员思想动态，重大事项随时报告。",
        f"项目结束后，临时党支部经{org}批准即行撤销，并将党员驻外期间的表现反馈原所在党支部。",
    ]


FORMS = ["临时党支部活动签到表", "临时党支部活动记录表"]


def texts(title: str, description: str, default: list[str] | Callable[[], list[str]], max_length: int = 500) -> List:
    """A list of paragraphs that defaults to the standard text ``default`` (or what the function gives now)."""
    return List(LongText(required=True, max_length=max_length, metadata=meta(title, "一段文字")), max_items=30,
                load_default=lambda: list(default() if callable(default) else default),
                metadata=meta(title, f"{description}；不填则使用标准表述"))


class Member(BaseSchema):
    """A member in the roster."""

    name = Name(required=True, metadata=meta("姓名", "如：马骏"))
    home_branch = Choice(lambda: [unit.name for unit in PROFILE.branches], required=True,
                         metadata=meta("原所在党支部", "组织关系所在的党支部"))
    role = Choice(ROLES, load_default="党员", metadata=meta("支部职务", "、".join(ROLES) + "；默认：党员"))
    status = Choice(STATUSES, load_default="正式党员", metadata=meta("党员类别", "正式党员或预备党员"))
    post = Text(load_default="", max_length=50, metadata=meta("项目岗位", "可选，如：现场总师、测控工程师"))
    phone = Phone(required=True, metadata=meta("联系电话", "驻外期间可联系的电话，如：+92 300 1234567"))


class Activity(BaseSchema):
    """One kind of 三会一课 activity and how often it is held."""

    activity = Text(required=True, max_length=30, metadata=meta("活动", "如：支部党员大会、党课"))
    frequency = Text(required=True, max_length=50, metadata=meta("频次", "如：每季度至少1次"))
    content = Text(load_default="", max_length=200, metadata=meta("内容和要求", "可选"))


class Contact(BaseSchema):
    """Someone the branch reports to or calls."""

    name = Name(required=True, metadata=meta("姓名", "如：周堃"))
    role = Text(required=True, max_length=50, metadata=meta("职务", "如：中心党总支书记"))
    phone = Phone(required=True, metadata=meta("电话", "如：010-68371234"))


class Schema(BaseSchema):
    """Input of 驻外临时党支部工作手册."""

    branch = Choice(lambda: [unit.name for unit in PROFILE.overseas_branches], required=True,
                    metadata=meta("临时党支部", "须先在组织配置中登记"))
    project = Text(required=True, metadata=meta("项目名称", "如：巴基斯坦卫星地面站建设项目"))
    country = Text(required=True, max_length=50, metadata=meta("国家", "如：巴基斯坦"))
    site = Text(required=True, metadata=meta("驻地", "如：伊斯兰堡卫星地面站项目营地"))
    approving_org = Text(load_default=lambda: PROFILE.organisation.full_name,
                         metadata=meta("批准成立的党组织", "默认：本组织全称（组织配置）"))
    approval_number = DocNumber(required=True, metadata=meta("批复文号", "批准成立的文件，如“机关代字〔2026〕2号”"))
    established = Date(required=True, metadata=meta("成立日期", "如：2026-03-01"))
    project_start = Date(required=True, metadata=meta("项目开始日期", "驻外项目开始日期"))
    project_end = Date(required=True, metadata=meta("项目结束日期", "预计结束日期"))
    members = List(Nested(Member), required=True, min_items=1, max_items=100,
                   metadata=meta("党员名册", "书记、委员和党员，书记须有且只有一名"))
    duties = texts("主要职责", "临时党支部的主要职责", DUTIES)
    exclusions = texts("不开展的工作", "按《中国共产党支部工作条例（试行）》，临时党支部一般不开展的工作", EXCLUSIONS, 50)
    schedule = List(Nested(Activity), max_items=20, load_default=lambda: [dict(row) for row in SCHEDULE],
                    metadata=meta("三会一课安排", "不填则使用标准安排"))
    discipline = texts("纪律要求", "保密、外事纪律和安全要求", DISCIPLINE)
    reporting = texts("请示报告", "领导关系和报告制度", reporting_texts)
    contacts = List(Nested(Contact), required=True, min_items=1, max_items=20,
                    metadata=meta("联系方式", "上级党组织和国内联系人"))
    forms = texts("附表", "手册所附表格的名称", FORMS, 50)
    date = Date(required=True, metadata=meta("印发日期", "手册印发日期，如：2026-03-05"))

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        """Dates in order; one secretary; committee posts held once; nobody listed twice."""
        raise_problems([
            *not_before(data, "project_end", "project_start", "项目结束日期不能早于开始日期"),
            *not_before(data, "project_end", "established", "成立日期不能晚于项目结束日期", at="established"),
            *secretary_problems(data),
            *role_problems(data),
            *duplicate_names(data, "members"),
        ])


def secretary_problems(data: dict) -> list:
    """The roster names exactly one 书记."""
    members = data.get("members")
    count = sum(member.get("role") == "书记" for member in members or [])
    return [] if members is None or count == 1 else [(("members",), f"党员名册中应有且只有一名书记（现有{count}名）")]


def role_problems(data: dict) -> list:
    """Each committee post other than 书记 is held by one member at most."""
    holders: dict[str, str] = {}
    found = []
    for index, member in enumerate(data.get("members") or []):
        role = member.get("role")
        if role in holders and role not in ("书记", "党员"):
            found.append((("members", index, "role"), f"“{role}”已由{holders[role]}担任"))
        holders.setdefault(role, member.get("name"))
    return found


def full_members(data: dict) -> int:
    """How many members are 正式党员."""
    return sum(member["status"] == "正式党员" for member in data["members"])


def secretary(data: dict) -> dict:
    """The roster's 书记."""
    return next(member for member in data["members"] if member["role"] == "书记")


def context(data: dict) -> dict:
    """The template context: the data plus the derived values listed in the module docstring."""
    head = secretary(data)
    committee = sorted((m for m in data["members"] if m["role"] != "党员"), key=lambda m: ROLES.index(m["role"]))
    full = full_members(data)
    return {
        **base_context(data),
        "manual_title": f"{data['branch']}工作手册",
        "branch_full_name": PROFILE.unit(data["branch"]).full_name,
        "date_text": cn_date(data["date"]),
        "established_text": cn_date(data["established"]),
        "project_start_text": cn_date(data["project_start"]),
        "project_end_text": cn_date(data["project_end"]),
        "project_period_text": f"{cn_date(data['project_start'])}至{cn_date(data['project_end'])}",
        "secretary": head["name"],
        "secretary_phone": head["phone"],
        "committee": [{"role": m["role"], "name": m["name"], "phone": m["phone"]} for m in committee],
        "committee_text": cn_join(f"{m['name']}（{m['role']}）" for m in committee) if len(committee) > 1 else "",
        "members": [{**member, "no": n} for n, member in enumerate(data["members"], 1)],
        "member_count": len(data["members"]),
        "full_member_count": full,
        "probationary_count": len(data["members"]) - full,
        "duty_items": labelled(data["duties"]),
        "exclusion_items": labelled(data["exclusions"]),
        "exclusions_text": f"临时党支部一般{'，'.join(data['exclusions'])}。",
        "discipline_items": labelled(data["discipline"]),
        "reporting_items": labelled(data["reporting"]),
        "form_items": [{"label": f"附件{n}", "text": form} for n, form in enumerate(data["forms"], 1)],
    }


def warnings(data: dict) -> list[dict]:
    """Too few full members for a branch; a secretary other than the profile's."""
    found = []
    full = full_members(data)
    if full < 3:
        found.append({"path": "members", "message": f"正式党员只有{full}名，不足3名的一般不单独成立临时党支部"})
    expected, named = PROFILE.unit(data["branch"]).secretary, secretary(data)["name"]
    if expected != named:
        found.append({"path": "members", "message": f"组织配置中该支部书记为“{expected}”，名册中为“{named}”，请核对"})
    return found
