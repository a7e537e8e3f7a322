"""The README is true: every shell block in it (```sh, ```bash, ```shell, ```console) runs as
written, with the installed ``rexdecl`` on PATH, in a temporary folder holding a copy of
``examples/`` — one folder per section of the README (``## …``), so that the blocks of a
section run in sequence on what the earlier ones wrote. A ```toml block whose first line is a
comment naming a file (``# my-schemes.toml``) is written to that file first.

A block passes when it ends with the exit status the README gives: 0, unless the line just
above the block says otherwise (``*… — exit status 1:*``, in the Indonesian guide
``*… — status keluar 1:*``). A ```console block shows commands after ``$ `` and what they
print below them: each line shown must be printed, in that order (``...`` stands for lines
left out). A block that sets up the machine, is for another platform or takes minutes is
skipped only when the line just above it says so (``*… — not run by the tests:*``, in the
Indonesian guide ``*… — tidak dijalankan oleh tes:*``); the Development section of the README
describes these markers. Any other block that does not pass fails the test, so a command the
README shows and rexdecl no longer accepts is found. The commands written in the text
(`rexdecl register list`) must name commands and options rexdecl has.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
SKIP_MARKER = re.compile(r"^\*.+ — (?:not run by the tests|tidak dijalankan oleh tes):\*$")
STATUS_MARKER = re.compile(r"^\*.+ — (?:exit status|status keluar) (\d+):\*$")
ELISION = "..."


@dataclass(frozen=True)
class Block:
    """A fenced block of the README: its language, text, line number, section and the line
    just above it (where a marker stands)."""

    language: str
    text: str
    line: int
    section: str
    above: str

    @property
    def skipped(self) -> bool:
        return bool(SKIP_MARKER.match(self.above))

    @property
    def status(self) -> int:
        match = STATUS_MARKER.match(self.above)
        return int(match.group(1)) if match else 0


def parse_blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    section = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line[3:].strip()
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence:
            end = index + 1
            while end < len(lines) and lines[end].rstrip() != "```":
                end += 1
            above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            blocks.append(Block(fence.group(1), "\n".join(lines[index + 1 : end]), index + 1, section, above.strip()))
            index = end
        index += 1
    return blocks


BLOCKS = parse_blocks(README.read_text(encoding="utf-8"))
SECTIONS = list(dict.fromkeys(b.section for b in BLOCKS if b.language in SHELL_LANGUAGES and not b.skipped))


def console_steps(text: str) -> list[tuple[str, list[str]]]:
    """The commands of a ```console block, each with the lines it is shown to print."""
    steps: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"console block: output {line!r} before any '$ ' command"
            steps[-1][1].append(line.rstrip())
    return steps


def printed_in_order(shown: list[str], printed: str) -> bool:
    """Whether each line shown (but ``...``) is a line printed, in the order shown."""
    lines = iter(line.rstrip() for line in printed.splitlines())
    return all(any(line == wanted for line in lines) for wanted in shown if wanted != ELISION)


def folder_for(tmp_path: Path) -> Path:
    """The folder a section's blocks run in: a copy of the examples, as in this project's folder."""
    folder = tmp_path / "work"
    shutil.copytree(ROOT / "examples", folder / "examples", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return folder


def environment(tmp_path: Path) -> dict[str, str]:
    """The installed ``rexdecl`` first on PATH; messages in English, no colour; a TMPDIR of
    its own, to see that nothing is left in it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("REXDECL_", "LC_", "LANG"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(LANG="C.UTF-8", NO_COLOR="1", TMPDIR=str(tmp_path / "tmp"), COLUMNS="80")
    (tmp_path / "tmp").mkdir()
    assert shutil.which("rexdecl", path=env["PATH"]), "the rexdecl command is not installed beside this Python"
    return env


def run(command: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("section", SECTIONS)
def test_readme_blocks_run_as_written(tmp_path: Path, section: str) -> None:
    folder = folder_for(tmp_path)
    env = environment(tmp_path)
    for block in (b for b in BLOCKS if b.section == section):
        where = f"README.md line {block.line} ({section})"
        if block.language == "toml":
            name = re.match(r"#\s*(\S+\.toml)\s*$", block.text.splitlines()[0])
            if name:
                (folder / name.group(1)).write_text(block.text + "\n", encoding="utf-8")
            continue
        if block.language not in SHELL_LANGUAGES or block.skipped:
            continue
        if block.language == "console":
            steps = console_steps(block.text)
            for number, (command, shown) in enumerate(steps, 1):
                result = run(command, folder, env)
                last = number == len(steps)
                expected = block.status if last else 0
                assert result.returncode == expected, (
                    f"{where}: `{command}` ended {result.returncode}:\n{result.stdout}"
                )
                assert printed_in_order(shown, result.stdout), (
                    f"{where}: `{command}` does not print what the README shows:\n{result.stdout}"
                )
        else:
            result = run(block.text, folder, env)
            assert result.returncode == block.status, (
                f"{where}: ended with {result.returncode}, the README says {block.status}:\n{result.stdout}"
            )
    assert list((tmp_path / "tmp").iterdir()) == [], "a command left a file in TMPDIR"


def test_every_shell_block_is_run_or_marked() -> None:
    """The blocks left out are the marked ones, and they are what the markers are for: the
    machine's set-up and the benchmark."""
    shell = [b for b in BLOCKS if b.language in SHELL_LANGUAGES]
    skipped = [b for b in shell if b.skipped]
    assert len(shell) - len(skipped) >= 8, "the README's commands are run"
    for block in skipped:
        assert "apt-get" in block.text or "pip install" in block.text or "bench/" in block.text, (
            f"README.md line {block.line}: marked as not run, but it neither sets up the machine nor runs the benchmark"
        )
    assert "Panduan singkat (Bahasa Indonesia)" in SECTIONS
    indonesian_setup = [b for b in skipped if b.section == "Panduan singkat (Bahasa Indonesia)"]
    assert indonesian_setup and "apt-get" in indonesian_setup[0].text


def test_markers_and_console_blocks_are_read_as_described() -> None:
    (plain, skipped, failing, console) = parse_blocks(
        "## A\n\n```\nrexdecl nothing\n```\n\n*Set-up — not run by the tests:*\n\n```sh\napt-get x\n```\n"
        "*Empty — exit status 1:*\n```sh\nfalse\n```\n```console\n$ a\nb\n...\nc\n$ d\n```\n"
    )
    assert (plain.language, plain.skipped, plain.status) == ("", False, 0)
    assert (skipped.skipped, skipped.status) == (True, 0)
    assert (failing.skipped, failing.status, failing.text) == (False, 1, "false")
    assert console_steps(console.text) == [("a", ["b", "...", "c"]), ("d", [])]
    assert printed_in_order(["b", "...", "c"], "x\nb\ny\nc\n")
    assert not printed_in_order(["c", "b"], "b\nc\n")


def _options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)} | {"--help", "-h"}


def test_every_command_the_readme_names_in_passing_exists_with_its_options() -> None:
    """The commands written in the README's text (`rexdecl register export --format csv`, the
    table of commands) name commands and options rexdecl has."""
    from rexdecl.cli import prepare

    root = prepare([])
    spans = re.findall(r"(?<!`)`(rexdecl [^`]+)`(?!`)", README.read_text(encoding="utf-8"))
    assert len(spans) >= 30
    for span in spans:
        words = span.replace("\\|", "|").split()[1:]
        while words[:1] == ["--lang"]:
            words = words[2:]
        command: click.Command = root
        while words and isinstance(command, click.Group) and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        assert command is not root or words[:1] in (["--version"], ["--help"]), f"README: `{span}` names no command"
        for word in words:
            option = re.match(r"\[?(--?[a-z][a-z-]*)", word)
            if option:
                assert option.group(1) in _options(command) | _options(root), (
                    f"README: `{span}`: {command.name} has no option {option.group(1)}"
                )
