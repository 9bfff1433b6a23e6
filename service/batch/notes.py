"""The 说明 sheet: how to fill a kind's workbook, written from its layout."""

from __future__ import annotations

from .layout import EXAMPLE_KEY, KEY_HEADER, Column, Layout, SubSheet

KIND_HINTS = {
    "date": "日期，如 2026-03-05（也可写 2026年3月5日、2026/3/5）",
    "datetime": "日期和时间，如 2026-03-05 14:30（也可写 2026年3月5日14:30）",
    "integer": "整数",
    "lines": "可填多项：每行一项（单元格内按 Alt+Enter 换行）",
    "names": "可填多项：每行一项，或用顿号“、”分隔",
}


def rules(layout: Layout) -> list[str]:
    """The general rules of the workbook."""
    found = [
        f"每份文书填写“{layout.name}”表中的一行；列名带 * 的为必填项，鼠标移到列名上可看到填写说明。",
        f"第2行为示例（{KEY_HEADER}为“{EXAMPLE_KEY}”），上传时自动跳过，可以删除或保留。",
        "有下拉箭头的列请从列表中选择；日期写成 2026-03-05 或 2026年3月5日 均可。",
        "公式按计算结果读取；没有计算结果的公式或错误值（如 #REF!）会被当作该单元格的错误。",
        "合并单元格的值适用于合并区域内的每一行；不认识的列、隐藏的其他工作表会被忽略。",
        "上传后有错误的行不会生成文书，其余行照常生成；下载的错误报告只含未生成的行，"
        "标红的单元格批注中写明了原因，改正后可直接上传（“错误”列和批注不会被读取）。",
        "以 = + - @ 开头的文字在导出时会加上英文单引号 '，上传时自动去掉。",
    ]
    if layout.subsheets:
        names = "、".join(f"“{sheet.name}”" for sheet in layout.subsheets)
        found.insert(1, f"{names}表中的每一行，通过“{KEY_HEADER}”对应到主表中{KEY_HEADER}相同的那份文书；"
                        f"请为主表的每份文书填写不同的{KEY_HEADER}（如1、2、3）。")
    return found


def column_help(column: Column) -> str:
    """A column's help text: what it holds, how to write it, whether it is required."""
    parts = [column.description, KIND_HINTS.get(column.kind, "")]
    if column.choices:
        parts.append("可选：" + "、".join(column.choices) if len(column.choices) <= 12 else "请从下拉列表中选择")
    parts.append("必填" if column.required else "")
    return "；".join(part for part in parts if part)


def sheet_rules(sheet: SubSheet) -> list[str]:
    """How a sub-sheet's rows make up the list, level by level."""
    requirement = "必填，至少一行" if sheet.required else "可选"
    found = [f"“{sheet.name}”表：{sheet.description}（{requirement}）。每行先填{KEY_HEADER}。"]
    if len(sheet.levels) > 1:
        order = " → ".join(level.title for level in sheet.levels)
        found.append(
            f"本表分层填写（{order}）：每行填到最内一层；同一上级的后续各行，上级各列留空即表示“同上”"
            "（也可重复填写相同内容或合并单元格）。一行填到哪一层，就在那一层新增一项。"
        )
    found.extend(f"“{level.title}号”列用于区分不同的{level.title}：同一{level.title}的各行填同一个号或留空，"
                 f"下一{level.title}换一个号；文书中的“第…{level.title}”按顺序自动编号。"
                 for level in sheet.levels if level.shape == "list")
    return found


def notes(layout: Layout) -> tuple[list[tuple[str, str, str]], tuple[int, ...]]:
    """The rows of the 说明 sheet, (sheet, column, help), and which of them are headings."""
    rows = [(f"{layout.name}批量生成表格 填写说明", "", "")]
    rows += [("", "", f"{n}. {rule}") for n, rule in enumerate(rules(layout), 1)]
    rows += [("", "", ""), ("工作表", "列", "说明")]
    headings = (0, len(rows) - 1)
    rows += [(layout.name, column.label, column_help(column)) for column in layout.main_columns]
    for sheet in layout.subsheets:
        rows += [(sheet.name, "", rule) for rule in sheet_rules(sheet)]
        rows += [(sheet.name, column.label, column_help(column)) for column in sheet.columns]
    return rows, headings
