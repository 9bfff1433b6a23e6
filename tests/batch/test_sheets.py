"""Workbooks written from schemas and read back: round trips, help, dates, formulas, merges, hidden sheets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from service.batch.cells import NOT_A_DATE
from service.batch.reader import ERROR_VALUE, UNCACHED, Reading, SheetError
from service.batch.writer import Book, blank_sheet, filled_sheet

from .conftest import KINDS, certificates, kind, layout, xlsx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def read(kind_id: str, data: bytes) -> tuple[list, list]:
    """The documents and problems of a workbook."""
    reading = Reading(layout(kind_id), data, 1000)
    return list(reading), reading.problems


def loaded(kind_id: str, payload: dict) -> dict:
    """A payload as the kind's schema loads it (defaults filled in); fails on errors."""
    checked = kind(kind_id).check(payload)
    assert checked.errors == []
    return checked.data


def hand_made(kind_id: str, sheets: dict[str, list[list]]) -> Workbook:
    """A workbook typed by hand: each named sheet gets its layout's header row, then `rows`."""
    found, book = layout(kind_id), Workbook()
    book.remove(book.active)
    columns = {found.name: found.main_columns} | {s.name: s.columns for s in found.subsheets}
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([column.label for column in columns.get(name, [])])
        for row in rows:
            sheet.append(row)
    return book


@pytest.mark.parametrize("kind_id", KINDS)
def test_every_example_round_trips_through_its_sheet(kind_id):
    """The example written into the kind's sheet reads back as the same data, with no errors."""
    documents, problems = read(kind_id, filled_sheet(kind(kind_id), [kind(kind_id).example()]))
    assert problems == [] and len(documents) == 1 and documents[0].errors == []
    assert loaded(kind_id, documents[0].payload) == loaded(kind_id, kind(kind_id).example())


@pytest.mark.parametrize("kind_id", KINDS)
def test_example_files_hold_the_examples(kind_id):
    """examples/<kind>.xlsx (docgen sheet KIND --example) reads as examples/<kind>.json."""
    documents, _ = read(kind_id, (EXAMPLES / f"{kind_id}.xlsx").read_bytes())
    example = json.loads((EXAMPLES / f"{kind_id}.json").read_text(encoding="utf-8"))
    assert [loaded(kind_id, d.payload) for d in documents] == [loaded(kind_id, example)]


def test_blank_sheet_has_help_choices_formats_and_a_skipped_example():
    """Headers with * and comments, a drop-down from the hidden 选项 sheet, date formats, 说明; the example row is not a document."""
    data = blank_sheet(kind("certificate"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["荣誉证书"]
    assert [c.value for c in sheet[1]][:3] == ["序号", "证书编号", "获奖者*"]
    assert "如：王喆" in sheet["C1"].comment.text and "必填" in sheet["C1"].comment.text
    assert sheet["A2"].value == "示例" and sheet["I2"].number_format == "yyyy-mm-dd"
    validation = next(v for v in sheet.data_validations.dataValidation if "E2" in str(v.sqref))
    choices = book["选项"]
    assert book["选项"].sheet_state == "hidden" and validation.formula1.startswith("'选项'!$")
    assert "月度之星" in [c.value for row in choices.iter_rows() for c in row]
    assert "说明" in book.sheetnames and "填写说明" in book["说明"]["A1"].value
    assert read("certificate", data) == ([], [])


def test_documents_join_their_sub_sheet_rows_by_number():
    """Rows of several documents, interleaved in the sub-sheets, go to the document with their 序号."""
    example = kind("meeting-minutes").example()
    second = {**example, "title": "支委会学习会", "attendees": [{"name": "王喆"}, {"name": "陈堃"}],
              "absentees": [], "decisions": [{"content": "落实学习安排", "owner": "王喆", "deadline": "2026-04-01"}]}
    data = filled_sheet(kind("meeting-minutes"), [example, second])
    book = load_workbook(io.BytesIO(data))
    rows = list(book["出席人员"].iter_rows(min_row=2, values_only=True))
    book["出席人员"].delete_rows(2, len(rows))
    for row in rows[-2:] + rows[:-2]:  # the second document's two rows first
        book["出席人员"].append(row)
    documents, problems = read("meeting-minutes", xlsx(book))
    assert problems == []
    assert [loaded("meeting-minutes", d.payload) for d in documents] == [loaded("meeting-minutes", p) for p in (example, second)]


def test_outline_rows_leave_the_parents_blank_or_merged():
    """章名 once (or merged), 条号 per article, a 款 on its own row, its 项 below; 目 one per line."""
    book = hand_made("policy", {"规章制度": [[1, None, "中心保密安全管理办法", None, None, None, None, None, None, None, "2026-03-05"]],
                                "章": [[1, "总则", 1, "为了加强保密管理，制定本办法。", None, None],
                                       [1, None, 2, "保密工作坚持以下原则：", "依法管理。", None],
                                       [1, None, None, None, "积极防范。", "定岗\n定责"],
                                       [1, None, None, "第二款的文字。", None, None],
                                       [1, "附则", 3, "本办法自印发之日起施行。", None, None]]})
    book["章"].merge_cells("B2:B5")
    documents, _ = read("policy", xlsx(book))
    chapters = loaded("policy", documents[0].payload)["chapters"]
    assert [c["title"] for c in chapters] == ["总则", "附则"]
    second = chapters[0]["articles"][1]
    assert [clause["text"] for clause in second] == ["保密工作坚持以下原则：", "第二款的文字。"]
    assert second[0]["items"] == [{"text": "依法管理。", "items": []}, {"text": "积极防范。", "items": ["定岗", "定责"]}]


def test_text_that_looks_like_a_formula_is_guarded_and_read_back_as_typed():
    """= + - @ at the start get a ' in the sheet (no formula ever), and lose it again on reading."""
    payloads = certificates(4)
    for payload, text in zip(payloads, ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "-5分", "+1 事迹"]):
        payload["deed"] = text
    data = filled_sheet(kind("certificate"), payloads)
    sheet = load_workbook(io.BytesIO(data))["荣誉证书"]
    assert [sheet.cell(row, 7).value for row in range(2, 6)] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-5分", "'+1 事迹"]
    assert all(sheet.cell(row, 7).data_type == "s" for row in range(2, 6))
    documents, _ = read("certificate", data)
    assert [d.payload["deed"] for d in documents] == [p["deed"] for p in payloads]


@pytest.mark.parametrize("typed, expected", [
    ("2026年3月5日", "2026-03-05"), ("2026/3/5", "2026-03-05"), ("2026-03-05", "2026-03-05"),
    ("2026.3.5", "2026-03-05"), (" 2026 年 3 月 5 日 ", "2026-03-05"), (46086, "2026-03-05"),
])
def test_dates_typed_any_common_way_are_read(typed, expected):
    """A date column takes text dates, Excel serial numbers and real dates alike."""
    row = [1, None, "王喆", None, "月度之星", "2026年2月", "表现突出", None, typed]
    documents, _ = read("certificate", xlsx(hand_made("certificate", {"荣誉证书": [row]})))
    assert documents[0].payload["date"] == expected and documents[0].errors == []


def test_date_times_and_bad_dates():
    """Date-times take text with a time; text that is no date is that cell's error, in Chinese."""
    example = kind("meeting-minutes").example()
    data = filled_sheet(kind("meeting-minutes"), [example, example])
    book = load_workbook(io.BytesIO(data))
    book["会议纪要"]["F2"] = "2026年3月5日 14:30"
    book["会议纪要"]["F3"] = "下周三下午"
    documents, _ = read("meeting-minutes", xlsx(book))
    assert documents[0].payload["start"] == "2026-03-05T14:30"
    assert documents[1].errors == [{"path": "start", "message": "无法识别的日期时间“下周三下午”：请填写如 2026-03-05 14:30 或 2026年3月5日14:30"}]
    assert NOT_A_DATE.format(text="x").startswith("无法识别的日期")


def test_formulas_without_cached_values_and_error_values_are_cell_errors():
    """openpyxl writes formulas without results: that cell fails; #REF! fails; the others are read."""
    rows = [[1, None, "王喆", None, "月度之星", "2026年2月", "表现突出", None, "=DATE(2026,3,5)"],
            [2, None, "#REF!", None, "月度之星", "2026年2月", "表现突出", None, "2026-03-05"]]
    documents, _ = read("certificate", xlsx(hand_made("certificate", {"荣誉证书": rows})))
    assert documents[0].errors == [{"path": "date", "message": UNCACHED}]
    assert documents[1].errors == [{"path": "recipient", "message": ERROR_VALUE.format(value="#REF!")}]
    assert documents[1].payload["date"] == "2026-03-05"


def test_merged_cells_count_for_every_row_they_span():
    """A date and an honour merged down three rows apply to each of the three documents."""
    rows = [[n, None, name, None, "月度之星" if n == 1 else None, "2026年2月", "表现突出", None, "2026-03-05" if n == 1 else None]
            for n, name in enumerate(["王喆", "陈堃", "林赟"], 1)]
    book = hand_made("certificate", {"荣誉证书": rows})
    book["荣誉证书"].merge_cells("E2:E4")
    book["荣誉证书"].merge_cells("I2:I4")
    documents, _ = read("certificate", xlsx(book))
    assert [(d.payload["honour"], d.payload["date"]) for d in documents] == [("月度之星", "2026-03-05")] * 3


def test_hidden_and_unknown_sheets_are_ignored_and_the_main_sheet_found():
    """Without a sheet named 荣誉证书 the first visible sheet is read; hidden and other sheets are not."""
    row = [1, None, "王喆", None, "月度之星", "2026年2月", "表现突出", None, "2026-03-05"]
    book = hand_made("certificate", {"隐藏": [["x"] * 9], "荣誉证书": [row], "备注": [["随便写"]]})
    book["隐藏"].sheet_state = "hidden"
    book["荣誉证书"].title = "Sheet1"
    documents, problems = read("certificate", xlsx(book))
    assert [d.payload["recipient"] for d in documents] == ["王喆"] and problems == []


def test_columns_are_found_by_header_and_extra_ones_ignored():
    """Reordered columns, an unknown column and the report's 错误 column do not matter."""
    book = Workbook()
    sheet = book.active
    sheet.title = "荣誉证书"
    sheet.append(["颁发日期", "备注", "获奖者*", "错误", "荣誉称号", "评选期间", "事迹"])
    sheet.append(["2026-03-05", "不读", "王喆", "第2行 C列：此项必填", "月度之星", "2026年2月", "表现突出"])
    documents, _ = read("certificate", xlsx(book))
    assert documents[0].payload == {"date": "2026-03-05", "recipient": "王喆", "honour": "月度之星",
                                    "period": "2026年2月", "deed": "表现突出"}


def test_rows_that_belong_to_no_document_are_problems():
    """A sub-sheet row with an unknown or empty 序号 is reported; a repeated 序号 is an error of its row."""
    example = kind("meeting-minutes").example()
    book = load_workbook(io.BytesIO(filled_sheet(kind("meeting-minutes"), [example, example])))
    book["会议纪要"]["A3"] = 1
    book["出席人员"].append([9, "无主"])
    book["出席人员"].append([None, "无号"])
    documents, problems = read("meeting-minutes", xlsx(book))
    assert "与第2行重复" in documents[1].errors[0]["message"]
    assert {p["message"][:6] for p in problems} == {"序号为空或有", "序号“9”在", "序号“2”在"}
    assert [p["row"] for p in problems if p["message"].startswith("序号“9”")] == [book["出席人员"].max_row - 1]


def test_a_workbook_of_another_kind_is_refused_as_a_whole():
    """No known header in the main sheet: a SheetError in Chinese, not a row of errors."""
    data = filled_sheet(kind("certificate"), certificates(1))
    with pytest.raises(SheetError, match="没有可识别的列名"):
        read("meeting-minutes", data)
    with pytest.raises(SheetError, match="已损坏"):
        read("certificate", b"PK\x05\x06" + b"\0" * 18)


def test_report_marks_cells_and_can_be_read_again():
    """Errors fill their cells red with the message as a comment and in 错误; reading ignores both."""
    book = Book(layout("meeting-minutes"), error_column=True)
    example = kind("meeting-minutes").example()
    book.add(7, example, errors=[{"path": "attendees[1].name", "message": "“刘赟”重复了"},
                                 {"path": "decisions", "message": "不能为空"}], origin="原表第8行")
    data = book.save()
    written = load_workbook(io.BytesIO(data))
    marked = written["出席人员"]["B3"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and marked.comment.text == "“刘赟”重复了"
    note = written["会议纪要"].cell(2, len(layout("meeting-minutes").main_columns) + 1).value
    assert note.splitlines() == ["原表第8行", "“出席人员”表第3行 B列（姓名）：“刘赟”重复了", "议定事项：不能为空"]
    assert written["出席人员"]["D3"].value == "“出席人员”表第3行 B列（姓名）：“刘赟”重复了"
    documents, _ = read("meeting-minutes", data)
    assert loaded("meeting-minutes", documents[0].payload) == loaded("meeting-minutes", example)


def test_libreoffice_csv_becomes_documents(tmp_path, convert):
    """A CSV saved as .xlsx by LibreOffice (dates detected or left as text, its own sheet name) reads."""
    header = ",".join(c.label for c in layout("certificate").main_columns)
    lines = [header, "1,,王喆,体系论证处,月度之星,2026年2月,表现突出,,2026-03-05",
             "2,,陈堃,,先进团队,2026年2月,攻坚克难,,2026年3月5日", "3,,林赟,,月度之星,2026年2月,任务完成出色,,2026/3/5"]
    source = tmp_path / "名单.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    documents, problems = read("certificate", convert(source, "xlsx", "CSV:44,34,76,1").read_bytes())
    assert problems == [] and [d.errors for d in documents] == [[], [], []]
    assert [d.payload["date"] for d in documents] == ["2026-03-05"] * 3
    assert documents[1].payload["recipient"] == "陈堃" and "unit" not in documents[1].payload


def test_libreoffice_workbook_keeps_sub_sheets_and_caches_formulas(tmp_path, convert):
    """Our workbook saved by LibreOffice (via .ods) reads the same; formulas now have cached values."""
    example = kind("meeting-minutes").example()
    book = load_workbook(io.BytesIO(filled_sheet(kind("meeting-minutes"), [example])))
    book["会议纪要"]["K2"] = "=3+4"  # 委员人数, a formula LibreOffice will compute
    source = tmp_path / "纪要.xlsx"
    source.write_bytes(xlsx(book))
    ods = convert(source, "ods")
    documents, problems = read("meeting-minutes", convert(ods, "xlsx").read_bytes())
    assert problems == [] and documents[0].errors == []
    assert loaded("meeting-minutes", documents[0].payload) == loaded("meeting-minutes", {**example, "committee_size": 7})
