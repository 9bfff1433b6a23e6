"""The title_lines filter: long 公文 titles broken between words, as a trapezoid or diamond."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.engine.filters import TITLE_WIDTH, shaped, text_width, title_lines

ORG = "中共航宇体系工程中心总支部委员会"
HONOURS = ["月度之星", "先进团队", "优秀共产党员"]


def test_a_title_that_fits_stays_one_line():
    assert title_lines("关于印发《中心会议管理办法》的通知", ORG) == "关于印发《中心会议管理办法》的通知"


def test_commendation_title_keeps_the_organisation_and_honours_whole():
    """The title the commendation's example makes: three lines, none splitting 优秀共产党员."""
    title = f"{ORG}关于表彰2026年上半年月度之星、先进团队和优秀共产党员的决定"
    assert title_lines(title, ORG, HONOURS).split("\n") == [
        ORG, "关于表彰2026年上半年月度之星、", "先进团队和优秀共产党员的决定"]


def test_a_document_name_in_book_marks_is_not_split():
    lines = title_lines(f"{ORG}关于印发《中心驻外临时党支部工作管理办法》的通知", ORG).split("\n")
    assert any("《中心驻外临时党支部工作管理办法》" in line for line in lines)
    assert shaped([text_width(line) for line in lines])


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    lines = title_lines(f"{ORG}关于印发《中心驻外临时党支部工作管理办法（试行）》的通知", ORG).split("\n")
    assert all(line[0] not in "》”）、，" and line[-1] not in "《“（" for line in lines)
    assert max(text_width(line) for line in lines) <= TITLE_WIDTH


def test_shapes():
    assert shaped([16, 15, 14]) and shaped([10, 18]) and shaped([12, 18, 9])
    assert not shaped([18, 9, 17])


words = st.sampled_from(["关于", "表彰", "印发", "中心", "年度", "和", "、", "先进团队", "优秀共产党员", "2026年",
                         "《会议管理办法》", "的决定", "工作", "党支部"])


@given(st.lists(words, min_size=1, max_size=16))
def test_lines_rejoin_to_the_title_and_fit(parts):
    """Whatever the words: the lines rejoin to the title, fit the line, and keep named honours whole."""
    title = "".join(parts)
    lines = title_lines(title, HONOURS).split("\n")
    assert "".join(lines) == title
    assert all(text_width(line) <= TITLE_WIDTH for line in lines)
    for honour in HONOURS:
        assert title.count(honour) == sum(line.count(honour) for line in lines)


def test_any_value_is_printed_as_text():
    """Like other printed values, a title or kept name that is not a string is taken as its text."""
    assert title_lines(2026) == "2026"
    assert title_lines(f"{ORG}关于表彰{'先进团队' * 4}的决定", 2026, [None]).replace("\n", "") == \
        f"{ORG}关于表彰{'先进团队' * 4}的决定"
