"""The 公文 measured by the fidelity tests: each kind's example with bodies of several lengths."""

from __future__ import annotations

from dataclasses import dataclass

from service.engine.filters import cn_numeral
from templates import preview

# A paragraph of 54 ideographs: with its two-character indent, exactly two full lines.
FILLER = ("各党支部认真学习贯彻会议精神结合实际抓好工作推进确保各项任务按期完成" * 3)[:54]


@dataclass(frozen=True)
class Case:
    """A document to measure: a kind, how long its body is, where the body ends."""

    kind: str
    length: int  # paragraphs, names or articles added to the body
    ends: str  # where the body ends: "page 1", "odd page", "even page", "full even page"
    numbered: bool = True  # False: the 纪要 without its number (one line shorter)

    @property
    def id(self) -> str:
        """The case's name in test ids."""
        return f"{self.kind}-{self.ends.replace(' ', '-')}"

    def data(self) -> dict:
        """The kind's example with the body of this length, validated, with its number."""
        kind = preview.CATALOG.get(self.kind)
        data = {**kind.example(), **BODIES[self.kind](self.length)}
        if not self.numbered:
            del data[kind.numbering.field]
        checked = kind.check(data)
        assert not checked.errors, checked.errors
        return kind.with_number(checked.data) if self.numbered else checked.data

    def render(self) -> bytes:
        """The .docx the service makes of the data."""
        return preview.CATALOG.get(self.kind).render(self.data())[0]


def minutes_body(length: int) -> dict:
    """纪要: one topic, one decision, one attendee and `length` discussion paragraphs."""
    return {"discussion": "\n".join([FILLER] * length), "title": "支委会", "place": "本部",
            "topics": ["研究部署下季度党建工作"], "absentees": [], "observers": [],
            "attendees": [{"name": "周堃", "post": "总支书记"}],
            "decisions": [{"content": "报送工作计划。", "owner": "各党支部", "deadline": "2026-03-31"}]}


def policy_body(length: int) -> dict:
    """规章制度: rules of `length` articles, no chapters: three lines and one line long in turn."""
    return {"chapters": [], "articles": [[FILLER if number % 2 else FILLER[:20]] for number in range(length)]}


def commendation_body(length: int) -> dict:
    """表彰决定: two filler paragraphs of background and `length` people in one honour."""
    people = [{"name": f"队员{cn_numeral(number)}"} for number in range(1, length + 1)]
    return {"background": f"{FILLER}\n{FILLER}", "honours": [{"honour": "优秀共产党员", "honourees": people}]}


BODIES = {"meeting-minutes": minutes_body, "policy": policy_body, "commendation": commendation_body}
CASES = [
    Case("meeting-minutes", 0, "page 1", numbered=False),
    Case("meeting-minutes", 4, "even page"),
    Case("meeting-minutes", 9, "full even page"),
    Case("meeting-minutes", 15, "odd page"),
    Case("policy", 3, "even page"),
    Case("policy", 12, "odd page"),
    Case("policy", 28, "full even page"),
    Case("commendation", 8, "odd page"),
    Case("commendation", 25, "even page"),
    Case("commendation", 38, "full even page"),
]
