"""The documentation's examples run as written.

Every ```python block in README.md and docs/ is executed (matplotlib on its file backend),
and every `gigafactory ...` command line in a code block is parsed by the real command line:
an unknown command or option, a missing argument or a bad choice fails here. README's
commands are run in full by tests/test_readme.py.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from gigafactory.cli import app

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for i, match in enumerate(FENCE.finditer(page.read_text(encoding="utf-8"))):
            if match.group(1) == language:
                out.append((f"{page.name}#{i}", match.group(2)))
    return out


def command_lines() -> list[tuple[str, str]]:
    """Every ``gigafactory ...`` line of the docs' shell blocks (continuations joined)."""
    out = []
    for where, block in _blocks(""):
        text = re.sub(r"\\\n\s*", " ", block)
        for raw in text.splitlines():
            line = raw.strip().removeprefix("$ ")
            if line.startswith("gigafactory "):
                out.append((where, line))
    return out


def test_the_docs_have_examples_of_both_kinds():
    assert len(_blocks("python")) >= 1
    assert len(command_lines()) >= 15


@pytest.mark.parametrize(("where", "block"), _blocks("python"), ids=lambda v: str(v)[:40])
def test_python_examples_run(where, block, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    exec(compile(block, where, "exec"), {"__name__": "__docs__"})


def _parse(line: str) -> None:
    """Parse a command line as the real CLI would, without running the command."""
    # "technologies|sites|accelerators" in a synopsis: each alternative parses alike
    words = [w.split("|")[0] for w in shlex.split(line, comments=True)[1:]]
    group = typer.main.get_command(app)
    ctx = group.context_class(group, info_name="gigafactory")
    name, command, rest = group.resolve_command(ctx, words)  # type: ignore[attr-defined]
    assert command is not None, name
    command.make_context(name or "", rest, parent=ctx)


def _usage_error(line: str) -> str | None:
    """The usage error a command line gets (exit status 2), or None if it parses."""
    try:
        _parse(line)
    except typer.Exit:  # --help and --version end parsing early, as they should
        return None
    except Exception as err:
        if getattr(err, "exit_code", None) != 2:
            raise
        return str(err.format_message())  # type: ignore[attr-defined]
    return None


@pytest.mark.parametrize(("where", "line"), command_lines(), ids=lambda v: str(v)[:60])
def test_command_lines_parse(where, line):
    assert _usage_error(line) is None, f"{where}: {line}"


def test_a_bad_command_line_fails_the_parse():
    assert _usage_error("gigafactory compare korea-southwest --sitez a,b") == (
        "No such option: --sitez (Possible options: --set, --sites)"
    )
    assert _usage_error("gigafactory rnu x") == "No such command 'rnu'. Did you mean 'run'?"
    assert _usage_error("gigafactory run") == "Missing argument 'scenario'."
