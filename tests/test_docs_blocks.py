"""Every code block in README.md and docs/*.md runs as written, in order, and shows what it prints.

One test per file.  Its blocks run in order in one temporary directory that
holds a copy of ``examples/``, so a file one block writes is there for the
next.  The conventions (docs/writing-docs.md states them for authors):

``python``
    One namespace per file.  Every statement runs.  An expression whose
    comment starts with a *claim* is compared with its value:

    * a number (``# 0.0214``): the value is a plain ``float`` or ``int`` that
      rounds (half-up) to it at the digits shown; ``# 0.949...`` means the
      value's ``repr`` starts with ``0.949``;
    * a bracketed text (``(...)``, ``[...]``, ``{...}``, ``<...>``) or
      ``True``, ``False``, ``None``, a quoted string: the value's ``repr``,
      where ``...`` stands for any text.

    Any other comment is prose.
``sh``
    Each line (``\\`` continues it) runs with bash; ``nnderive`` and
    ``python`` are this interpreter's, not whatever PATH finds.  It must exit
    0, or N when its comment starts with ``exit N``; every decimal number in
    its comment must appear in what it prints.
``console``
    ``$ command`` lines run as ``sh`` lines do; the lines after one are its
    output, compared line by line, where a line ``...`` stands for any lines.
``sh install``
    The install commands: ``.ci/run`` runs them on a clean clone
    (tests/test_project.py checks that it says the same), so not here.
``c``
    Declarations: each one must be in the generated C file, as written.
``text`` and anything else
    Output samples and other text: not run.
"""

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
NUMBER_CLAIM = re.compile(r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(\.\.\.)?(?=[\s:;,)]|$)")
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]?\d+)?")
EXIT = re.compile(r"exit (\d+)\b")
#: external programs some blocks run, and how to tell that a block needs one
TOOLS = {
    "dot": re.compile(r"\|\s*dot\b|--format (svg|png|pdf)"),
    "pdflatex": re.compile(r"\bpdflatex\b"),
    "cc": re.compile(r"\bcc\b|--backend c\b|cbuild|^```c", re.M),
}
#: one command may take this long (the slowest, a 2-16-16-1 graph, takes a few seconds)
TIMEOUT = 300


def blocks(path):
    """(info string, code, line number) of every fenced block of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        yield match[1].strip(), match[2], text.count("\n", 0, match.start()) + 1


# --- python blocks ------------------------------------------------------------------


def claim(comment):
    """The value a comment claims, as ("number", text, prefix) or ("repr", pattern), or None for prose."""
    comment = comment.lstrip("#").strip()
    number = NUMBER_CLAIM.match(comment)
    if number:
        return ("number", number[1], bool(number[2]))
    if comment and comment[0] in "([{<":
        close = {"(": ")", "[": "]", "{": "}", "<": ">"}[comment[0]]
        depth = 0
        for i, c in enumerate(comment):
            depth += (c == comment[0]) - (c == close)
            if depth == 0:
                return ("repr", comment[:i + 1])
    word = re.match(r"(True|False|None|'[^']*')(?=\W|$)", comment)
    if word:
        return ("repr", word[1])
    return None


def check_claim(value, shown, where):
    if shown[0] == "number":
        _, text, prefix = shown
        assert type(value) in (float, int), f"{where}: shows {text}, but the value is {value!r}, not a plain number"
        if prefix:
            assert repr(value).startswith(text), f"{where}: {value!r} does not start with {text}"
            return
        half = Decimal(5) * Decimal(10) ** (Decimal(text).as_tuple().exponent - 1)
        assert abs(Decimal(repr(value)) - Decimal(text)) <= half, f"{where}: {value!r} does not round to {text}"
        return
    pattern = ".*?".join(re.escape(part) for part in shown[1].split("..."))
    assert re.fullmatch(pattern, repr(value), re.S), f"{where}: {value!r} is not {shown[1]}"


def comments(source):
    """Line number -> the comment on that line."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
    return found


def run_python(code, namespace, where):
    tree = ast.parse(code)
    notes = comments(code)
    for statement in tree.body:
        here = f"{where}+{statement.lineno}"
        shown = claim(notes.get(statement.end_lineno, ""))
        if isinstance(statement, ast.Expr):
            value = eval(compile(ast.Expression(statement.value), here, "eval"), namespace)
            if shown is not None:
                check_claim(value, shown, here)
        else:
            assert shown is None, f"{here}: a claim on a statement that is not an expression"
            exec(compile(ast.Module([statement], []), here, "exec"), namespace)


# --- shell blocks -------------------------------------------------------------------


def shim(directory):
    """A bin directory whose nnderive and python are this interpreter's, with this checkout's code."""
    directory.mkdir()
    script = directory / "nnderive"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m derivations "$@"\n')
    script.chmod(0o755)
    for name in ("python", "python3"):
        (directory / name).symlink_to(sys.executable)
    return directory


def run_command(command, cwd, env):
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=TIMEOUT)
    return result.returncode, result.stdout, result.stderr


def command_lines(code):
    """Each command of a sh block, continuation lines joined."""
    lines, pending = [], ""
    for line in code.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def split_comment(line):
    """(command, comment): the comment starts at the first '#' outside quotes after a space."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def run_sh_line(line, cwd, env, where):
    command, comment = split_comment(line)
    status, out, err = run_command(command, cwd, env)
    expected = EXIT.match(comment)
    expected = int(expected[1]) if expected else 0
    assert status == expected, f"{where}: `{command}` exited {status}, not {expected}\n{err[-2000:]}"
    for number in DECIMAL.findall(comment):
        assert number in out + err, f"{where}: `{command}` does not print {number}"
    return out, err


def run_console(code, cwd, env, where):
    sessions = re.split(r"^\$ ", code, flags=re.M)[1:]
    for session in sessions:
        line, _, shown = session.partition("\n")
        out, _ = run_sh_line(line, cwd, env, where)
        pattern = "".join("(?:.*\n)*?" if s.strip() == "..." else re.escape(s.rstrip()) + r"[ \t]*\n"
                          for s in shown.splitlines())
        actual = "".join(s.rstrip() + "\n" for s in out.splitlines())
        assert re.fullmatch(pattern, actual), f"{where}: `{line}` printed\n{out}"


def check_c(code, cwd, env, where):
    status, source, err = run_command("nnderive codegen --target c", cwd, env)
    assert status == 0, err
    flat = " ".join(re.sub(r"/\*.*?\*/", " ", source, flags=re.S).split())
    declarations = re.sub(r"/\*.*?\*/", " ", code, flags=re.S).split(";")
    for declaration in filter(None, (" ".join(d.split()) for d in declarations)):
        assert declaration in flat, f"{where}: {declaration} is not in the generated C"


# --- the test -----------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_runs_as_written(document, tmp_path, monkeypatch):
    found = list(blocks(document))
    every = "\n".join(f"```{info}\n{code}" for info, code, _ in found)
    for tool, needs in TOOLS.items():
        if needs.search(every):
            require_tool(tool)
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    env = dict(os.environ, PATH=f"{shim(tmp_path / 'bin')}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(ROOT), NNDERIVE_CACHE=str(tmp_path / "cache"))
    env.pop("NNDERIVE_REQUIRE_TOOLS", None)
    monkeypatch.chdir(work)
    monkeypatch.syspath_prepend(str(work))
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path / "cache"))
    modules = set(sys.modules)
    namespace = {"__name__": "__docs__"}
    try:
        for info, code, line in found:
            where = f"{document.name}:{line}"
            kind = info.split()[0] if info else ""
            if kind == "python":
                run_python(code, namespace, where)
            elif kind == "sh" and info != "sh install":
                for command in command_lines(code):
                    run_sh_line(command, work, env, where)
            elif kind == "console":
                run_console(code, work, env, where)
            elif kind == "c":
                check_c(code, work, env, where)
    finally:
        # modules a block imported from the temporary directory (article_gradients) go with it
        for name in set(sys.modules) - modules:
            if str(work) in str(getattr(sys.modules[name], "__file__", "") or ""):
                del sys.modules[name]


def test_the_conventions_catch_a_wrong_number():
    namespace = {}
    run_python("x = 0.02146953526581111\nx  # 0.0215\nx  # 0.021469...\n", namespace, "ok")
    with pytest.raises(AssertionError, match="does not round to 0.0214"):
        run_python("0.02146953526581111  # 0.0214\n", {}, "wrong")
    with pytest.raises(AssertionError, match="not a plain number"):
        run_python("import numpy\nnumpy.float64(0.5)  # 0.5\n", {}, "numpy")
    with pytest.raises(AssertionError, match="is not"):
        run_python("(1, 2)  # (1, 3)\n", {}, "tuple")
    run_python("{'w1': 1, 'b3': 2}  # {'w1': 1, ...}\n", {}, "ellipsis")
    assert claim("# the article's network") is None and claim("# 2.985 -> 2.99") == ("number", "2.985", False)


def test_every_document_has_blocks_and_every_example_file_is_named():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for example in sorted((ROOT / "examples").iterdir()):
        assert f"examples/{example.name}" in readme, f"the README does not point at examples/{example.name}"
    for document in DOCUMENTS:
        kinds = {info.split()[0] for info, _, _ in blocks(document) if info}
        assert kinds <= {"python", "sh", "console", "c", "text"}, f"{document.name}: {kinds}"
