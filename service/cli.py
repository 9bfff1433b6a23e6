"""The docgen command line: kinds, rendering, template checks, keys, numbers and the server."""

from __future__ import annotations

import errno
import functools
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click
from flask import current_app

from . import create_app, engine, log_service, messages, pdf
from .batch.upload import UnsafeUpload, check_xlsx
from .catalog import Catalog, InvalidExample, Kind, UnknownKind
from .checks import unknown_paths
from .clitext import Main
from .store import keys
from .store.errors import CounterConflict, NumberTaken

if TYPE_CHECKING:
    from .renditions import Renditions

# Commands import the database, batch, spreadsheet and PDF modules they use inside their
# functions: a command then loads only what it needs, which keeps the start-up time and memory
# of every `docgen` run low.


WRITE_ERRORS = {errno.ENAMETOOLONG: "文件名太长", errno.EACCES: "没有写入权限", errno.ENOSPC: "磁盘空间不足",
                errno.EROFS: "只读的文件系统", errno.ENOENT: "不能在这里创建文件"}


FIRST_KEY = (
    "注意：这是第一个有效密钥，访问控制自此启用——网页改为登录页（用密钥登录），"
    "不带密钥的 API 调用（本机的也一样）将得到 401。请为每位使用网页的人各建一个密钥："
    "docgen keys create 姓名 --scope render --scope read"
)


class InputError(click.ClickException):
    """Bad input (data or template): printed in Chinese, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        """Print the message after 错误：."""
        click.echo(f"错误：{self.format_message()}", file=file, err=True)


def _read_json(path: Path) -> object:
    """Read a JSON file, turning a parse error into a clear input error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} 不是有效的 JSON 文件：{exc}") from exc


class KindType(click.ParamType):
    """A document kind, given by its id; a wrong or missing one lists the kinds."""

    name = "kind"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        """Shown as KIND in the usage line."""
        return "KIND"

    def convert(self, value, param, ctx):
        """The kind with this id."""
        if not isinstance(value, str):
            return value
        try:
            return Catalog().get(value)
        except UnknownKind:
            self.fail(f"没有“{value}”这种文书。{self.listing()}", param, ctx)

    @staticmethod
    def listing() -> str:
        """The kinds, to tell a user who gave none or a wrong one."""
        return "可用的文书种类：" + "、".join(f"{kind.id}（{kind.title}）" for kind in Catalog())


KIND = KindType()


def _echo_problems(problems: list[dict], label: str) -> None:
    """Print validation errors or warnings, one per line with its path."""
    for problem in problems:
        click.echo(f"{label} {problem['path'] or '(整体)'}：{problem['message']}", err=True)


def with_appcontext(command: Callable) -> Callable:
    """Run a command inside the app's context (the app configured from the environment)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with create_app().app_context():
            return command(*args, **kwargs)

    return run


def with_profile(command: Callable) -> Callable:
    """Run a command with the profile in use: the one an administrator stored in this instance, else the file's."""

    @functools.wraps(command)
    @with_appcontext
    def run(*args, **kwargs):
        from .documents import services

        services().refresh()
        return command(*args, **kwargs)

    return run


@click.group(cls=Main, help="docgen：党建文书生成服务。")
@click.version_option(package_name="docgen", prog_name="docgen", message="%(prog)s %(version)s",
                      help="显示版本并退出。")
def main() -> None:
    """The docgen command (library logging stays at its default: warnings only)."""


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


@main.command()
@with_profile
def kinds() -> None:
    """列出所有文书种类。"""
    for kind in Catalog():
        click.echo(f"{kind.id}\t{kind.title}\t{kind.summary}")


@main.command()
@click.argument("kind", type=KIND)
@with_profile
def schema(kind: Kind) -> None:
    """输出某种文书输入数据的 JSON Schema（draft 2020-12）。"""
    click.echo(json.dumps(kind.json_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("kind", type=KIND)
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件（默认按文书命名规则）")
@click.option("--pdf", "as_pdf", is_flag=True, help="输出 PDF（Word 文档同时登记）")
@click.option("--preview", is_flag=True, help="只预览：校验并生成，不编号、不登记（文件名以“预览-”开头）")
@with_appcontext
def render(kind: Kind, data: Path, output: Path | None, as_pdf: bool, preview: bool) -> None:
    """校验数据、编号、生成并登记一份文书；数据有误时列出全部错误并以状态 2 退出。"""
    from schemas.checks import MAX_ERRORS

    from .documents import Invalid, services

    payload = _read_json(data)
    try:
        made = services().preview(kind, payload) if preview else services().produce(kind, payload, "cli")
    except Invalid as invalid:
        _echo_problems(invalid.errors, "错误")
        total = f" {len(invalid.errors)} " if len(invalid.errors) <= MAX_ERRORS else f"超过 {MAX_ERRORS} "  # the rest counted above
        raise InputError(f"数据有{total}处错误，未生成文书。") from None
    except NumberTaken as taken:
        raise InputError(messages.number_taken(taken)) from None
    record = made.record  # a preview's is not kept
    _echo_problems(record.warnings, "警告")
    content, filename = made.content, record.filename
    if as_pdf:
        content, filename = _pdf(None if preview else record, content), filename.rsplit(".", 1)[0] + ".pdf"
    target = output or Path(filename)
    target.write_bytes(content)
    if preview:
        click.echo(f"已生成预览 {target}（未编号、未登记）")
    else:
        number = f"，编号 {record.number}" if record.number else ""
        click.echo(f"已生成 {target}{number}（记录 {record.id}）")


def _pdf(record, docx: bytes) -> bytes:
    """The PDF of a just-made document: its stored rendition, or for a preview (no record) a plain conversion."""
    from .documents import services

    if record is None:
        return _converted(lambda converter: converter.converter().convert(docx), "未安装 LibreOffice，无法输出 PDF。")
    return _converted(lambda converter: converter.pdf_of(services().storage, record, docx),
                      "未安装 LibreOffice，无法输出 PDF；Word 文档已登记。")


def _converted(convert: Callable[[Renditions], bytes], unavailable: str) -> bytes:
    """A PDF made with the app's renditions by `convert`, the converter closed after; a clear
    error (`unavailable` when LibreOffice is missing) instead of a traceback."""
    from .renditions import renditions

    converter = renditions()
    if converter is None:
        raise InputError(unavailable)
    try:
        return convert(converter)
    except pdf.PdfError as error:
        raise InputError(error.message) from None
    finally:
        converter.converter().close()


@main.command("check-templates")
def check_templates() -> None:
    """检查每种文书的模板变量是否都能由其数据结构提供。"""
    failed = False
    for kind in Catalog():
        unknown = unknown_paths(kind)
        failed |= bool(unknown)
        click.echo(f"{kind.id}：{'缺少 ' + '、'.join(unknown) if unknown else '通过'}")
    if failed:
        raise InputError("模板引用了数据中不存在的变量。")


@main.group("templates")
def templates_group() -> None:
    """管理各种文书的 Word 模板：起步模板、上传、预览、启用、回退、导出。"""


@templates_group.command("scaffold")
@click.argument("kind", type=KIND)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 .docx 文件")
def templates_scaffold(kind: Kind, output: Path) -> None:
    """按 GB/T 9704 生成某种文书的起步模板，供在 Word 或 WPS 中修改。"""
    from .scaffold.build import scaffold

    scaffold(kind.id, output)
    click.echo(f"已生成 {output}")


def _version_line(version, active) -> str:
    """One version as `docgen templates list` prints it."""
    mark = "*" if active is not None and active.id == version.id else " "
    return (f"{mark} 第{version.seq}版\t{version.uploaded_at:%Y-%m-%d %H:%M}\t{version.uploaded_by}\t"
            f"{version.sha256[:12]}\t{version.note}")


@templates_group.command("list")
@click.argument("kind", type=KIND)
@with_appcontext
def templates_list(kind: Kind) -> None:
    """列出某种文书的模板版本（* 为正在使用的）。"""
    from .documents import services
    from .templating import versions

    found = versions.listing(services(), kind)
    for version in found.versions:
        click.echo(_version_line(version, found.active))
    click.echo(f"{' ' if found.active else '*'} 默认模板\t\t\t{found.shipped_sha256[:12]}\t随系统提供")


@templates_group.command("upload")
@click.argument("kind", type=KIND)
@click.argument("path", metavar="FILE.docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="", help="说明，如“改了红头”")
@click.option("--activate", is_flag=True, help="检查通过后立即启用")
@with_appcontext
def templates_upload(kind: Kind, path: Path, note: str, activate: bool) -> None:
    """检查并上传模板；未通过检查时列出每个问题（所在部件和位置），什么也不保存。"""
    from .documents import services
    from .store.templates import DuplicateVersion
    from .templating import versions
    from .templating.checks import Refused

    try:
        version = versions.upload(services(), kind, path.read_bytes(), filename=path.name, note=note,
                                  uploaded_by="cli", activate=activate)
    except Refused as refused:
        _echo_problems(refused.problems, "错误")
        raise InputError("模板未通过检查，未保存。") from None
    except DuplicateVersion as duplicate:
        raise InputError(f"与第 {duplicate.seq} 版内容完全相同，未重复保存。") from None
    _echo_problems(version.warnings, "提示")
    click.echo(f"已保存为第 {version.seq} 版" + ("并启用" if activate else f"；启用：docgen templates activate {kind.id} {version.seq}"))


def _on_version(function, kind: Kind, ref: str | None, *extra):
    """`function(services, kind, ref, *extra)` from templating.versions; a clear error for a version the kind lacks."""
    from .documents import services
    from .templating import versions

    try:
        return function(services(), kind, ref, *extra)
    except versions.UnknownVersion:
        raise InputError(f"没有第 {ref} 版模板（可用：版本号、active 或 shipped）。") from None
    except InvalidExample as invalid:
        raise InputError(invalid.message) from None


def _version_name(chosen) -> str:
    """A version as the messages name it."""
    return f"第 {chosen.seq} 版" if chosen else "默认模板"


@templates_group.command("preview")
@click.argument("kind", type=KIND)
@click.argument("ref", metavar="[VERSION]", default="active")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的示例文书")
@click.option("--pdf", "as_pdf", is_flag=True, help="输出 PDF（需要 LibreOffice）")
@with_appcontext
def templates_preview(kind: Kind, ref: str, output: Path, as_pdf: bool) -> None:
    """用示例数据填充某一版模板（版本号、active 或 shipped，默认 active），输出 Word 或 PDF。"""
    from .templating import versions

    content = _on_version(versions.preview, kind, ref)[0]
    if as_pdf:
        content = _converted(lambda converter: converter.converter().convert(content), "未安装 LibreOffice，无法输出 PDF。")
    output.write_bytes(content)
    click.echo(f"已生成 {output}")


@templates_group.command("activate")
@click.argument("kind", type=KIND)
@click.argument("ref", metavar="VERSION")
@with_appcontext
def templates_activate(kind: Kind, ref: str) -> None:
    """启用某一版模板（shipped 为默认模板）；所有进程从下一份文书起使用。"""
    from .templating import versions

    click.echo(f"已启用{_version_name(_on_version(versions.activate, kind, ref, 'cli'))}")


@templates_group.command("rollback")
@click.argument("kind", type=KIND)
@click.option("--to", "ref", help="回退到的版本号（默认：上一次使用的版本）")
@with_appcontext
def templates_rollback(kind: Kind, ref: str | None) -> None:
    """回退到上一次使用的模板版本，或 --to 指定的版本。"""
    from .templating import versions

    click.echo(f"已回退到{_version_name(_on_version(versions.rollback, kind, ref, 'cli'))}")


@templates_group.command("export")
@click.argument("kind", type=KIND)
@click.argument("ref", metavar="[VERSION]", default="active")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的模板（.docx）")
@with_appcontext
def templates_export(kind: Kind, ref: str, output: Path) -> None:
    """导出某一版模板（默认为正在使用的），在 Word 或 WPS 中修改后再上传。"""
    from .templating import versions

    output.write_bytes(_on_version(versions.file_of, kind, ref)[0])
    click.echo(f"已导出 {output}")


@main.group("profile")
def profile_group() -> None:
    """组织配置（名称、发文机关标志、机关代字、支部、署名、荣誉称号）的导入和导出。"""


@profile_group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 TOML 文件")
@with_appcontext
def profile_export(output: Path) -> None:
    """导出正在使用的组织配置（TOML），修改后可再导入。"""
    from .documents import services

    output.write_text(services().profiles.stored().text, encoding="utf-8")
    click.echo(f"已导出 {output}")


@profile_group.command("import")
@click.argument("path", metavar="FILE.toml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def profile_import(path: Path) -> None:
    """检查并启用组织配置；所有进程从下一个请求起使用，无需重启。"""
    from schemas.profile import ProfileError

    from .documents import services

    try:
        text = path.read_text(encoding="utf-8")
        found = services().profiles.save(text, "cli")
    except UnicodeDecodeError:
        raise InputError(f"{path} 不是 UTF-8 编码的文本文件。") from None
    except ProfileError as error:
        raise InputError(str(error)) from None
    click.echo(f"已启用组织配置：{found.organisation.name}，{len(found.units)} 个组织，{len(found.honours)} 个荣誉称号")


@main.group("keys")
def keys_group() -> None:
    """管理 API 密钥。"""


@keys_group.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(sorted(keys.SCOPES)), default=["render", "read"],
              help="权限，可重复给出（默认：render 和 read）")
@with_appcontext
def keys_create(name: str, scopes: tuple[str, ...]) -> None:
    """创建密钥；密钥只显示这一次，请妥善保存。"""
    from .api.auth import keys_configured
    from .documents import services
    from .store import db

    first = not keys_configured()
    with db.writing(services().sessions) as session:
        key, token = keys.create_key(session, name, scopes)
    click.echo(f"已创建密钥 {key.name}（{key.prefix}…，权限：{'、'.join(key.scopes)}）")
    click.echo(token)
    if first:
        click.echo(FIRST_KEY, err=True)


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    """列出密钥（不显示密钥本身）。"""
    from .documents import services

    with services().sessions() as session:
        for key in keys.list_keys(session):
            state = f"已吊销 {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "有效"
            click.echo(f"{key.id}\t{key.name}\t{key.prefix}…\t{','.join(key.scopes)}\t{state}")


@keys_group.command("revoke")
@click.argument("key", metavar="ID或名称")
@with_appcontext
def keys_revoke(key: str) -> None:
    """吊销一个密钥（用 keys list 中的编号，或创建时给的名称）。"""
    from .documents import services
    from .store import db

    with db.writing(services().sessions) as session:
        found = keys.find_keys(session, key)
        if not found:
            raise InputError(f"没有编号或名称为 {key} 的密钥。")
        if len(found) > 1:
            ids = "、".join(each.id for each in found)
            raise InputError(f"有 {len(found)} 个名为 {key} 的有效密钥，请用编号吊销其中一个：{ids}")
        revoked = keys.revoke_key(session, found[0].id)
    click.echo(f"已吊销 {revoked.name}（{revoked.id}）")


@main.group("numbers")
def numbers_group() -> None:
    """管理发文字号和证书编号。"""


def _check_series(series: str) -> None:
    """Refuse a series (机关代字) that could not stand in a number."""
    from marshmallow import ValidationError

    from schemas.checks import series_name

    try:
        series_name(series)
    except ValidationError as error:
        raise InputError(error.messages[0]) from None


@numbers_group.command("set-next")
@click.argument("series")
@click.argument("year", type=int)
@click.argument("serial", type=int)
@with_appcontext
def numbers_set_next(series: str, year: int, serial: int) -> None:
    """设定某机关代字某年度下一个序号（年中启用本服务时使用）。"""
    from .documents import services
    from .store import db, numbering

    _check_series(series)
    try:
        with db.writing(services().sessions) as session:
            numbering.set_next_serial(session, series, year, serial)
    except (CounterConflict, ValueError) as exc:
        raise InputError(f"不能设为 {serial}：该序号或更大的序号已使用或作废。") from exc
    click.echo(f"{series}〔{year}〕下一个序号为 {serial}")


@numbers_group.command("void")
@click.argument("series")
@click.argument("year", type=int)
@click.argument("serial", type=int)
@click.option("--reason", required=True, help="作废原因")
@with_appcontext
def numbers_void(series: str, year: int, serial: int, reason: str) -> None:
    """作废一个编号（保留记录，永不重用）。"""
    from .documents import services
    from .store import db, numbering

    _check_series(series)
    try:
        with db.writing(services().sessions) as session:
            numbering.void_number(session, series, year, serial, reason)
    except NumberTaken:
        raise InputError("该编号已作废。") from None
    click.echo(f"已作废 {series}〔{year}〕{serial}号")


@main.command()
@click.argument("kind", type=KIND)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出的 .xlsx（默认：KIND.xlsx）")
@click.option("--example", is_flag=True, help="把示例数据填作第1份文书（用于重新生成 examples/KIND.xlsx）")
@with_profile
def sheet(kind: Kind, output: Path | None, example: bool) -> None:
    """生成批量表格：中文列名（*为必填）、填写说明、下拉选项、日期格式和一行示例。"""
    from .batch.writer import blank_sheet, filled_sheet

    target = output or Path(f"{kind.id}.xlsx")
    target.write_bytes(filled_sheet(kind, [kind.example()]) if example else blank_sheet(kind))
    click.echo(f"已生成 {target}")


@main.command("batch")
@click.argument("kind", type=KIND)
@click.argument("sheet_path", metavar="SHEET.xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="文书压缩包（.zip）")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="错误报告（.xlsx）")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="全部文书合并为一个 PDF（按行顺序，一次打印）")
@click.option("--workers", type=click.IntRange(1, 64), default=len(os.sched_getaffinity(0)),
              help="同时生成文书的进程数（默认：可用 CPU 核数）")
def batch_command(kind: Kind, sheet_path: Path, output: Path, report: Path | None, pdf_path: Path | None,
                  workers: int) -> None:
    """按填好的表格批量生成文书（多个进程并行）；有未生成的行时以状态 2 退出。"""
    content = sheet_path.read_bytes()
    try:
        check_xlsx(content)
    except UnsafeUpload as unsafe:
        raise InputError(unsafe.message) from None
    for target in filter(None, (output, report, pdf_path)):  # refused now, before the work
        if not target.parent.is_dir():
            raise InputError(f"无法写入 {target}：目录 {target.parent} 不存在")
        if len(os.fsencode(target.name)) > os.pathconf(target.parent, "PC_NAME_MAX"):
            raise InputError(f"无法写入 {target}：{WRITE_ERRORS[errno.ENAMETOOLONG]}")
    try:
        with create_app({"HTTP": False}).app_context():  # the store and the batch steps, no API or web page
            gc.freeze()  # the app lasts as long as this process: out of the collector's way, here and in forked workers
            _batch(kind, content, output, report, pdf_path, workers)
    except OSError as error:  # a folder not writable, a full disk, a name too long
        raise InputError(f"无法写入 {error.filename or output}：{WRITE_ERRORS.get(error.errno, error.strerror)}") from None


def _batch(kind, content: bytes, output: Path, report: Path | None, pdf_path: Path | None, workers: int) -> None:
    """Run the batch command's job in the app."""
    from .batch import archive, jobs, local, queue
    from .batch.paths import report_key

    app = current_app._get_current_object()
    batching = queue.batching(app)
    record = jobs.create(batching, kind, "xlsx", content, "cli")
    with local.Run(app, record.id, workers) as run, _replaced(output) as file, \
            archive.Writer(batching.services.storage, file) as zipped:
        if run.elsewhere:
            click.echo("本机的 docgen serve 或 docgen worker 正在处理批量任务，本批由它生成。")
        with click.progressbar(length=1, label="生成文书", show_pos=True) as bar:
            finished = run.wait(lambda handled, total: _advance(bar, handled, total), zipped)
        if finished.state == "failed":
            raise InputError("；".join(problem["message"] for problem in finished.problems))
    if report is not None:
        report.write_bytes(batching.services.storage.get(report_key(record.id)))
    if pdf_path is not None and finished.produced:
        pdf_path.write_bytes(_batch_pdf(record.id))
    click.echo(f"共 {finished.total} 行：已生成 {finished.produced} 份（{output}），未生成 {finished.failed} 行，提示 {finished.warnings} 条。")
    if finished.failed or finished.problems:
        raise InputError(f"有 {finished.failed} 行未生成、{len(finished.problems)} 行未使用，"
                         + (f"详见错误报告 {report}。" if report else "用 --report 文件名 可得到错误报告。"))


@contextmanager
def _replaced(path: Path) -> Iterator[BinaryIO]:
    """A new file that takes the place of `path` once written whole; removed if writing it fails."""
    temporary = path.with_name(f".docgen-{os.getpid()}.part")
    try:
        with temporary.open("wb") as file:
            yield file
        temporary.replace(path)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error  # the file asked for, not the temporary
    finally:
        temporary.unlink(missing_ok=True)


def _batch_pdf(batch_id: str) -> bytes:
    """The combined PDF of a batch, or a clear error."""
    from .documents import services
    from .renditions import of_batch

    return _converted(lambda converter: of_batch(converter, services(), batch_id),
                      "未安装 LibreOffice，无法输出 PDF；文书压缩包已生成。")


def _advance(bar, handled: int, total: int) -> None:
    """Move the progress bar to `handled` of `total` rows."""
    bar.length = max(total, 1)
    bar.update(handled - bar.pos)


@main.command()
@click.option("--threads", type=int, help="处理线程数（默认 DOCGEN_WORKER_THREADS，即 1）")
@with_appcontext
def worker(threads: int | None) -> None:
    """启动任务处理进程（huey consumer）处理批量任务；本机已有一个在运行时退出。"""
    from .batch import consumer

    app = current_app._get_current_object()
    if threads:
        app.config["WORKER_THREADS"] = threads
    if consumer.worker_lock(app) is None:
        raise InputError("本机已有任务处理进程在运行（docgen serve 内置的，或另一个 docgen worker）。")
    log_service()
    click.echo(f"任务处理进程已启动（{app.config['WORKER_THREADS']} 个线程），按 Ctrl+C 停止。")
    consumer.consumer(app).run()


@main.command()
@click.option("--host", default="127.0.0.1", envvar="DOCGEN_HOST", show_default=True, show_envvar=True,
              help="监听地址（对外监听需先创建密钥）")
@click.option("--port", default=8000, envvar="DOCGEN_PORT", show_default=True, show_envvar=True, type=int, help="端口")
@click.option("--workers", default=lambda: os.cpu_count() or 2, type=int, help="工作进程数（默认等于 CPU 核数）")
def serve(host: str, port: int, workers: int) -> None:
    """用 gunicorn 启动服务（默认：SQLite、本地文件、进程内任务）。"""
    from .server import run

    sys.exit(run(host, port, workers))
