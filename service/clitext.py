"""The docgen command's help and usage errors in Chinese (click's own wording is English)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

SECTIONS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}
# The bracketed notes click appends to an option's help: [default: 8000], [required], [env var: X; default: 8000].
NOTE = re.compile(r"\[([^\[\]]*)\]$")
NOTE_WORDS = (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填"), ("; ", "；"))
# The usage error click raises as a plain UsageError, known only by its wording: words after the last argument.
EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra arguments? \((.*)\)", re.S)


class Formatter(click.HelpFormatter):
    """Help pages with Chinese headings and notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, headed 用法."""
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """A section under its Chinese heading."""
        with super().section(SECTIONS.get(name, name)):
            yield

    def write_heading(self, heading: str) -> None:
        """A heading followed by a Chinese colon: 选项："""
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, *args, **kwargs) -> None:
        """The options and commands, their bracketed notes in Chinese."""
        super().write_dl([(term, NOTE.sub(_note, text)) for term, text in rows], *args, **kwargs)


def _note(match: re.Match) -> str:
    """One bracketed note in Chinese."""
    text = match.group(1)
    for english, chinese in NOTE_WORDS:
        text = text.replace(english, chinese)
    return f"［{text}］"


class Context(click.Context):
    """A context that formats help in Chinese."""

    formatter_class = Formatter


class UsageError(click.UsageError):
    """A usage error told in Chinese, with the usage line and where to find help."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the usage, the error and the help hint to stderr."""
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), file=file, err=True)
            click.echo(f"错误：{self.message}", file=file, err=True)
            click.echo(f"运行 {self.ctx.command_path} --help 查看说明。", file=file, err=True)
        else:
            click.echo(f"错误：{self.message}", file=file, err=True)


def chinese(error: click.UsageError) -> UsageError:
    """The same usage error, told in Chinese."""
    return UsageError(_message(error), error.ctx)


def _message(error: click.UsageError) -> str:
    """What went wrong, in Chinese; a missing parameter whose type has a listing() (the kinds) adds it."""
    param = getattr(error, "param", None)
    name = _name(error, param)
    if isinstance(error, click.MissingParameter):
        listing = getattr(param.type, "listing", None) if param is not None else None
        what = "参数" if isinstance(param, click.Argument) else "选项"
        return f"缺少{what} {name}" + (f"。{listing()}" if listing else "。")
    if isinstance(error, click.NoSuchOption):
        guess = f"，是不是 {'、'.join(error.possibilities)}？" if error.possibilities else "。"
        return f"没有选项 {error.option_name}{guess}"
    if isinstance(error, click.exceptions.NoSuchCommand):
        guess = f"，是不是 {'、'.join(error.possibilities)}？" if error.possibilities else "。"
        return f"没有命令 {error.command_name}{guess}"
    if isinstance(error, click.BadOptionUsage):
        return f"选项 {error.option_name} 用法有误（需要一个值，或不接受值）。"
    if isinstance(error, click.BadParameter):
        return f"{name} 的值无效：{_bad_value(param, error)}"
    extra = EXTRA_ARGUMENTS.fullmatch(error.message)
    if extra:
        return f"多余的参数：{extra.group(1)}。"
    return f"用法有误：{error.message}"


def _name(error: click.UsageError, param: click.Parameter | None) -> str:
    """How the parameter is written on the command line: KIND, --scope."""
    hint = getattr(error, "param_hint", None)
    if isinstance(hint, str):
        return hint
    if param is None:
        return ""
    return param.make_metavar(error.ctx) if isinstance(param, click.Argument) else " / ".join(param.opts)


def _bad_value(param: click.Parameter | None, error: click.BadParameter) -> str:
    """Why a value was refused; our own types already speak Chinese."""
    kind = param.type if param is not None else None
    if isinstance(kind, click.Choice):
        return f"应为以下之一：{'、'.join(map(str, kind.choices))}"
    if isinstance(kind, click.IntRange):
        return f"应为 {kind.min} 到 {kind.max} 之间的整数"
    if isinstance(kind, click.types.IntParamType):
        return "应为整数"
    if isinstance(kind, click.Path):
        return "找不到这个文件（或它是一个目录）"
    if isinstance(kind, click.types.FuncParamType) or kind is None or kind.__module__.startswith("click"):
        return "取值无效"
    return error.message


class Command(click.Command):
    """A command with Chinese help."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        """Options shown as [选项] in the usage line."""
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """--help, described in Chinese."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本说明并退出。"
        return option


class Group(Command, click.Group):
    """A group of commands with Chinese help; its commands and subgroups are of these classes too."""

    command_class = Command
    group_class = type

    def __init__(self, *args, **kwargs):
        """Subcommands shown as 命令 … in the usage line."""
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


class Main(Group):
    """The top-level group: every usage error below it is told in Chinese."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the top-level options."""
        with _in_chinese():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Find and run the command; parsing its arguments happens in here."""
        with _in_chinese():
            return super().invoke(ctx)


@contextmanager
def _in_chinese() -> Iterator[None]:
    """Re-raise click's usage errors in Chinese (a group called bare still shows its help)."""
    try:
        yield
    except (UsageError, click.exceptions.NoArgsIsHelpError):
        raise
    except click.UsageError as error:
        raise chinese(error) from None
