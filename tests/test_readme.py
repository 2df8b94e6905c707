"""Every command in README's "Use" list runs as written, without a traceback.

Each runs in its own process through the installed ``gigafactory`` script, in a fresh
folder of its own, as a new user would after ``make demo``; two run at a time (each LP is
solved on one thread). ``my.yaml`` is a small scenario written
there; ``serve`` is started on a free port and asked for its home page; ``make bench`` is
the benchmarks' own target (it installs PyPSA and runs for minutes) and is left out.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import small_scenario

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "gigafactory"
TIMEOUT_S = 600


def readme_commands() -> list[str]:
    """The ``gigafactory ...`` lines of README's "Use" block, comments removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use\n\n```\n(.*?)```", text, re.DOTALL)
    assert block is not None, "README has no Use block"
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line.startswith("gigafactory ")]


def _expand(line: str) -> list[list[str]]:
    """``catalog technologies|sites|accelerators`` stands for three commands."""
    words = shlex.split(line)[1:]
    for i, word in enumerate(words):
        if "|" in word:
            return [[*words[:i], alt, *words[i + 1 :]] for alt in word.split("|")]
    return [words]


def test_the_use_block_lists_the_commands():
    commands = [" ".join(w[:1]) for line in readme_commands() for w in _expand(line)]
    assert {"run", "validate", "compare", "sweep", "faults", "serve", "catalog"} <= set(commands)


COMMANDS = [w for line in readme_commands() for w in _expand(line)]


def _scenario_folder(root: Path, name: str) -> Path:
    """A fresh folder holding ``my.yaml``, as a user's folder after ``make demo``."""
    home = root / name
    home.mkdir(parents=True)
    (home / "my.yaml").write_text(yaml.safe_dump(small_scenario()), encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def finished(request, tmp_path_factory):
    """Every README command but ``serve``, run two at a time, each in its own folder."""
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("readme")
    chosen = [  # only the commands this session runs
        item.callspec.params["words"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_readme_command_runs"
    ]
    chosen = [w for w in chosen if w[0] != "serve"]

    def one(i_words: tuple[int, list[str]]) -> subprocess.CompletedProcess[str]:
        i, words = i_words
        return subprocess.run(
            [str(SCRIPT), *words],
            cwd=_scenario_folder(root, f"c{i}"),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(one, enumerate(chosen)))
    return {" ".join(w): d for w, d in zip(chosen, done, strict=True)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(workdir: Path, words: list[str]) -> None:
    port = _free_port()
    env = {**os.environ, "GIGAFACTORY_HOME": str(workdir / "web")}
    server = subprocess.Popen(
        [str(SCRIPT), *words, "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    assert "Presets" in page.read().decode()
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.time() < deadline, "serve did not answer within 60 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err


@pytest.mark.slow
@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w)[:50])
def test_readme_command_runs(words, finished, tmp_path):
    if words[0] == "serve":
        _serve(_scenario_folder(tmp_path, "serve"), words)
        return
    done = finished[" ".join(words)]
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "printed nothing"
