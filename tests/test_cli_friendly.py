"""The command line for a new user: help that ends with examples, the nearest valid option suggested,
parameters as arguments, compact output by default, python -m nncore, document titles."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_usage_error, run_cli

from derivations.cli import build_parser
from derivations.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [[]] + [[module.NAME] for module in COMMANDS], ids=lambda c: " ".join(c) or "nnderive")
def test_every_help_ends_with_examples_that_parse(capsys, command):
    status, out, _ = run_cli(capsys, *command, "--help")
    assert status == 0
    examples = out.rstrip().split("\nexamples:\n")
    assert len(examples) == 2, out  # an examples section, and it is the last one
    lines = [line.strip() for line in examples[1].splitlines()]
    assert lines and all(line.startswith("nnderive") for line in lines), lines
    parser = build_parser()
    for line in lines:  # every example is a command this parser accepts
        words = re.split(r"\s{2,}", line)[0].split()[1:]  # the command, without its comment
        if "|" in words or "COMMAND" in words:
            words = words[:words.index("|")] if "|" in words else []
        words = [w.strip('"') for w in words]
        args, extras = parser.parse_known_args(words)
        assert not extras, (line, extras)


@pytest.mark.parametrize("argv, message", [
    (["derive", "--parm", "w1"], "nnderive derive: error: unknown option --parm; did you mean --param? "
                                 "(see nnderive derive --help)"),
    (["derive", "--formt=latex"], "unknown option --formt; did you mean --format?"),
    (["train", "--sead", "0"], "nnderive train: error: unknown option --sead; did you mean --seed? "
                               "(see nnderive train --help)"),
    (["train", "seed", "0"], "unexpected argument 'seed'; did you mean --seed? (see nnderive train --help)"),
    (["trian"], "invalid choice: 'trian'"),
    (["trian"], "did you mean train? (see nnderive --help)"),
    (["graph", "--format", "svgg"], "did you mean svg? (see nnderive graph --help)"),
    (["codegen", "--target", "pyhton"], "did you mean python?"),
    (["check", "--pionts", "3"], "did you mean --points?"),
    (["graph", "--zzzz"], "unknown option --zzzz (see nnderive graph --help)"),
    (["derive", "w1", "--title", "T"], "--title belongs to a document: give --document too"),
    (["overview", "--compact", "--full"], "not allowed with argument"),
])
def test_a_mistake_names_the_nearest_valid_choice_and_the_help(capsys, argv, message):
    assert_usage_error(capsys, *argv, match=message)


def test_parameters_as_arguments(capsys):
    status, positional, _ = run_cli(capsys, "derive", "w1", "b3", "--format", "latex")
    assert status == 0 and r"\partial w_1" in positional and r"\partial b_3" in positional
    assert run_cli(capsys, "derive", "--param", "w1", "--param", "b3", "--format", "latex")[1] == positional
    assert run_cli(capsys, "derive", "w1", "--format", "latex", "b3")[1] == positional
    assert_usage_error(capsys, "derive", "w_1", match="unknown parameter 'w_1'; did you mean 'w1'?")


def test_overview_is_compact_and_full_on_request(capsys):
    status, compact, _ = run_cli(capsys)
    assert status == 0
    status, full, _ = run_cli(capsys, "overview", "--full")
    assert status == 0
    assert compact.count("∂L/∂y_pred = -2(y_true - y_pred)") == 1  # each factor once
    assert compact.count("= -2(y_true - f(") == 1 and full.count("= -2(y_true - f(") == 9  # written out
    assert len(compact.splitlines()) < len(full.splitlines())
    assert run_cli(capsys, "overview")[1] == compact


def test_document_title_and_author(capsys, tmp_path):
    target = tmp_path / "notes.tex"
    status, _, _ = run_cli(capsys, "derive", "--document", "--title", "Lecture 3: backprop & you",
                           "--author", "A. Teacher", "-o", target)
    assert status == 0
    source = target.read_text()
    assert r"\title{Lecture 3: backprop \& you}" in source and r"\author{A. Teacher}" in source
    status, _, _ = run_cli(capsys, "derive", "--document", "-o", tmp_path / "plain.tex")
    assert r"\author{}" in (tmp_path / "plain.tex").read_text()  # nobody named by default
    assert "nnderive}" not in (tmp_path / "plain.tex").read_text()


def test_python_m_nncore_runs_the_articles_script():
    done = subprocess.run([sys.executable, "-m", "nncore", "0"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Epoch 0 loss: ") and len(lines) == 100 + 2
    # seed 0: nncore's own numbers, checked against the generated code in test_train; here the article's
    # script's shape and the predicted genders (the article: Emily 0.951 F, Frank 0.039 M)
    assert re.fullmatch(r"Emily: 0\.9\d\d - F", lines[-2]) and re.fullmatch(r"Frank: 0\.0\d\d - M", lines[-1])
    bad = subprocess.run([sys.executable, "-m", "nncore", "x"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 2 and "Traceback" not in bad.stderr


DOCS = {"overview": "derive.md", "derive": "derive.md", "codegen": "codegen.md", "train": "train.md",
        "check": "check.md", "graph": "graph.md", "html": "page.md", "notebook": "page.md"}


@pytest.mark.parametrize("module", COMMANDS, ids=lambda m: m.NAME)
def test_every_option_is_in_the_reference(module):
    command = build_parser().commands[module.NAME]
    page = (ROOT / "docs" / DOCS[module.NAME]).read_text(encoding="utf-8")
    networks = (ROOT / "docs" / "networks.md").read_text(encoding="utf-8")
    for option in command._option_string_actions:
        if option.startswith("--") and option != "--help":
            assert f"`{option}" in page or f"`{option}" in networks, f"{option} of {module.NAME} is not documented"
