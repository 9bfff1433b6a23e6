"""The Chinese texts for the failures of making a document, written once for the API, the CLI and batch jobs."""

from __future__ import annotations

from .store.errors import NumberTaken

INVALID = "提交的数据有误，请按提示修改。"
IDEMPOTENCY_CONFLICT = "该 Idempotency-Key 已用于另一份不同的请求。"
ROW_CONFLICT = "这一行与先前生成的文书冲突"
TEMPLATE_FAILED = "模板无法写入这一行的数据，请检查特殊字符"
PDF_UNAVAILABLE = "本服务未安装 PDF 转换组件"
AUTOMATIC_NUMBER = "留空则自动编号"


def number_taken(taken: NumberTaken, hint: str = "") -> str:
    """A supplied number already issued or voided, with an optional hint after a semicolon (a full stop if none)."""
    said = f"编号已被{'作废' if taken.voided else '使用'}，不能重复使用"
    return f"{said}；{hint}" if hint else f"{said}。"
