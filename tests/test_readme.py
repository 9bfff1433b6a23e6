"""The README's commands as written: the run and test commands in a fresh clone, the curl line, the
system-package script they share with .ci/run and the Dockerfile, and the Docker build context."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import docx
import pytest
from docker.utils.build import exclude_paths

from service.store.db import writing
from service.store.keys import create_key

from .web.live import LiveServer

ROOT = Path(__file__).resolve().parents[1]
INSTALL_SCRIPT = ".ci/install-system-packages"
APT_FLAGS = "apt-get install -y -q --no-install-recommends"


def readme_block(readme: str, heading: str, containing: str = "") -> str:
    """The first ```sh block after `heading` (holding `containing`), as written."""
    section = readme[readme.index(f"{heading}\n"):]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return next(block for block in blocks if containing in block).strip()


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def user_environment(**extra: str) -> dict:
    """The environment of a user at a shell: none of this run's docgen or virtualenv settings; pip skips
    compiling the installed modules to bytecode (Python does it on import), which shortens the installs."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DOCGEN_", "PYTEST_", "VIRTUAL_ENV")) and key not in ("DATABASE_URL", "PYTHONPATH")}
    return {**env, "PIP_NO_COMPILE": "1", **extra}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of this repository, carrying the working tree's uncommitted changes to tracked files."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("the README test clones the repository: it needs a git checkout and git")
    target = tmp_path_factory.mktemp("readme") / "docgen"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    changes = subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--binary"], capture_output=True, check=True).stdout
    if changes:
        subprocess.run(["git", "-C", str(target), "apply", "--binary", "-"], input=changes, check=True)
    return target


def answer(url: str) -> tuple[int, bytes]:
    """Status and body of a GET."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def wait_until_served(process: subprocess.Popen, url: str, log: Path, seconds: float = 300) -> None:
    """Wait for /healthz to answer 200; fail with the command's output if it stops or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the command stopped (status {process.returncode}):\n{log.read_text()}")
        try:
            if answer(f"{url}/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the service did not answer within {seconds} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop the command and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.timeout(600)
def test_the_run_command_installs_and_starts_the_service(clone, tmp_path):
    """The README's run command, run as written in the clone (no stdin; system packages already there are
    skipped): the service answers on the port given by DOCGEN_PORT, quietly, with its own control socket."""
    command = readme_block((clone / "README.md").read_text(encoding="utf-8"), "## Run it")
    assert command.startswith(f"{INSTALL_SCRIPT} && ") and "sudo" not in command
    port, log = free_port(), tmp_path / "run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(["bash", "-c", command], cwd=clone, env=user_environment(DOCGEN_PORT=str(port)),
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(process, url, log)
        status, page = answer(f"{url}/")
        assert status == 200 and "会议纪要".encode() in page
        assert b'"id":"meeting-minutes"' in answer(f"{url}/api/v1/kinds")[1]
        control = clone / "instance" / "gunicorn.ctl"  # gunicorn opens it once its workers are spawned
        deadline = time.monotonic() + 30
        while not control.is_socket() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert control.is_socket()
    finally:
        stop(process)
    said = log.read_text()
    assert "未配置 API 密钥：服务只监听本机回环地址" in said
    served = said[said.index("未配置 API 密钥"):]  # what the service printed, after pip's output
    assert "alembic" not in served and "Running upgrade" not in served


@pytest.mark.timeout(600)
def test_the_test_command_installs_the_test_tools_and_runs_pytest(clone, tmp_path):
    """The README's test command, run as written in the clone; PYTEST_ADDOPTS picks one small test file
    (the whole suite would run this test again)."""
    command = readme_block((clone / "README.md").read_text(encoding="utf-8"), "## Test it")
    env = user_environment(PYTEST_ADDOPTS="-p no:cacheprovider tests/test_schemas_certificate.py")
    result = subprocess.run(["bash", "-c", command], cwd=clone, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=550)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ passed", result.stdout)


def test_the_curl_line_saves_the_document_under_an_ascii_name(tmp_path):
    """The README's curl line (its address pointed at a live server) saves kind-date-serial.docx; with a
    wrong key it fails and saves nothing."""
    line = readme_block((ROOT / "README.md").read_text(encoding="utf-8"), "Over HTTP:", "curl")
    assert "--fail" in line and "-OJ" in line
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    with LiveServer(tmp_path / "instance") as live:
        with writing(live.app.extensions["docgen"].sessions) as session:
            token = create_key(session, "oa-system", ["render"])[1]
        command = line.replace("http://127.0.0.1:8000", live.url)
        run = lambda key: subprocess.run(["bash", "-c", command], cwd=tmp_path, env={**os.environ, "KEY": key},
                                         capture_output=True, text=True, timeout=60)
        refused = run("dg_wrong")
        assert refused.returncode == 22 and "401" in refused.stderr
        assert not list(tmp_path.glob("*.docx"))
        made = run(token)
    assert made.returncode == 0, made.stderr
    saved = tmp_path / "certificate-2026-03-05-no1.docx"
    assert "王喆" in "".join(p.text for p in docx.Document(io.BytesIO(saved.read_bytes())).paragraphs)


def fake_machine(tmp_path: Path, uid: int, missing: str, sudo: bool) -> tuple[dict, Path]:
    """A PATH with stand-ins for id, dpkg-query (one package missing), apt-get and, if asked, sudo;
    each records how it was called. Used because the test cannot become another user."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    stand_ins = {
        "id": f"echo {uid}",
        "dpkg-query": f'for last; do :; done; [ "$last" = {missing} ] && echo not-installed || echo installed',
        "apt-get": f'echo "apt-get $*" >> {calls}',
    }
    if sudo:
        stand_ins["sudo"] = f'echo "sudo $*" >> {calls}; exec "$@"'
    for name, body in stand_ins.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for tool in ("cat", "dirname", "env", "sh"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    return {"PATH": str(bin_dir)}, calls


@pytest.mark.parametrize(("uid", "sudo", "prefix"), [(0, False, ""), (1000, True, "sudo env DEBIAN_FRONTEND=noninteractive ")])
def test_the_install_script_works_for_root_without_sudo_and_for_a_user_with_sudo(tmp_path, uid, sudo, prefix):
    """Root installs directly, a user through sudo; only the missing package, with the same flags everywhere."""
    env, calls = fake_machine(tmp_path, uid, "poppler-utils", sudo)
    result = subprocess.run([str(ROOT / INSTALL_SCRIPT)], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    expected = ["apt-get update -q", f"{APT_FLAGS} poppler-utils"]
    recorded = calls.read_text().splitlines()
    if sudo:
        assert recorded == [f"{prefix}{expected[0]}", expected[0], f"{prefix}{expected[1]}", expected[1]]
    else:
        assert recorded == expected


def test_the_install_script_tells_a_user_without_sudo_what_to_do(tmp_path):
    """A normal user without sudo gets a Chinese message naming the missing packages and status 1."""
    env, calls = fake_machine(tmp_path, 1000, "poppler-utils", sudo=False)
    result = subprocess.run([str(ROOT / INSTALL_SCRIPT)], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "需要以 root 身份（或用 sudo）安装系统软件包" in result.stderr and "poppler-utils" in result.stderr
    assert not calls.exists()


def test_ci_and_the_dockerfile_install_system_packages_with_the_same_script():
    """.ci/run and the Dockerfile call the script the README's run command calls; none runs apt-get install itself."""
    ci, dockerfile = (ROOT / ".ci" / "run").read_text(), (ROOT / "Dockerfile").read_text()
    assert f"\n{INSTALL_SCRIPT} apt-packages.txt apt-packages-test.txt\n" in ci
    assert "RUN /tmp/ci/install-system-packages" in dockerfile
    assert "apt-get install" not in ci + dockerfile
    assert APT_FLAGS in (ROOT / INSTALL_SCRIPT).read_text()


def test_the_docker_build_context_holds_no_local_state(tmp_path):
    """What .dockerignore leaves of a working copy: the project's files, without instance/ (secret key,
    SQLite file with key hashes), .venv, .git and caches."""
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    local = ["instance/secret_key", "instance/docgen.sqlite3", "instance/files/documents/a.docx", ".venv/bin/python",
             ".git/HEAD", "service/__pycache__/cli.cpython-311.pyc", ".pytest_cache/README.md", ".hypothesis/examples/x",
             "docgen.egg-info/PKG-INFO"]
    for path in [*tracked, *local]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).touch()
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    context = set(exclude_paths(str(tmp_path), patterns))
    assert not [path for path in context if path.split("/")[0] in ("instance", ".venv", ".git", ".pytest_cache", ".hypothesis")]
    assert not [path for path in context if "__pycache__" in path or path.endswith((".pyc", ".egg-info"))]
    needed = ["pyproject.toml", "README.md", "service/__init__.py", "schemas/certificate.py", "templates/docx/certificate.docx",
              "examples/certificate.json", ".ci/install-system-packages", ".ci/apt-packages.txt"]
    assert set(needed) <= context
