"""The docgen command line: fill templates, and (as issues land) render kinds and run the service."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import engine


class InputError(click.ClickException):
    """Bad input (data or template): printed in Chinese, exit status 2."""

    exit_code = 2


def _read_json(path: Path) -> object:
    """Read a JSON file, turning a parse error into a clear usage error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} 不是有效的 JSON 文件：{exc}") from exc


@click.group()
def main() -> None:
    """docgen：党建文书生成服务。"""


@main.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 .docx 文件")
def fill(template: Path, data: Path, output: Path) -> None:
    """用任意 JSON 对象填充任意 Word 模板（供模板作者使用）。"""
    context = _read_json(data)
    if not isinstance(context, dict):
        raise InputError("数据必须是一个 JSON 对象")
    try:
        document = engine.load(template).render(context)
    except engine.DataError as exc:
        raise InputError(f"数据错误 {exc.path}：{exc.message}") from exc
    except engine.TemplateSyntaxError as exc:
        raise InputError(f"模板错误 {exc.part} 第{exc.line}行：{exc.message}（{exc.text}）") from exc
    except engine.EngineError as exc:
        raise InputError(f"无法生成文档：{exc}") from exc
    output.write_bytes(document)
    click.echo(f"已生成 {output}")
