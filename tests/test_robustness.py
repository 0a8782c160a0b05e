"""What a new user runs into: odd arguments, odd files, odd terminals, wrong types in Python.

Every mistake is one line on stderr with exit status 2 (or a typed Python
exception whose message says what to pass); nothing the user had is lost and
nothing is left behind.  The real-process cases (a reader that went away, an
ASCII terminal) run ``python -m derivations`` in a subprocess; the rest call
``main()`` in-process, which is the same code without the start-up cost.
"""

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_one_line_error, assert_usage_error
from conftest import nnderive_process as nnderive
from conftest import run_cli as run_main

from derivations import Network, NetworkError, derive
from derivations.codegen import generate, load
from derivations.commands.common import UsageError, write_file
from derivations.numeric import InputError
from derivations.training import DataError, TrainingError, read_samples, train

ARTICLE_BACKPROP = Path(__file__).parent / "check_inputs" / "article_backprop.py"


# --- real processes ------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["derive"], ["check", "--article"]], ids=" ".join)
def test_a_reader_that_went_away_is_not_an_error(tmp_path, args):
    # `nnderive derive | head -1`: the pipe closes; Python used to report the failed final
    # flush ("Exception ignored ... BrokenPipeError") and exit 120
    read, write = os.pipe()
    os.close(read)
    try:
        result = nnderive(*args, cwd=tmp_path, stdout=write)
    finally:
        os.close(write)
    assert result.returncode == 0 and result.stderr == b""


def test_an_ascii_terminal_gets_dot_as_utf8(tmp_path):
    # DOT is UTF-8 whatever the terminal: `nnderive graph | dot -Tsvg` used to be a traceback
    result = nnderive("graph", cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "∂" in result.stdout.decode("utf-8") and result.stderr == b""


def test_an_ascii_terminal_gets_the_check_report_of_a_non_ascii_file(tmp_path):
    user_file = tmp_path / "rückprop.py"
    shutil.copy(ARTICLE_BACKPROP, user_file)
    text = nnderive("check", f"{user_file.name}:backprop", cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert text.returncode == 0 and text.stderr == b"", text.stderr
    assert b"r\\xfcckprop.py:backprop" in text.stdout  # escaped, as Python escapes it on stderr
    as_json = nnderive("check", f"{user_file.name}:backprop", "--format", "json", cwd=tmp_path,
                       env={"PYTHONIOENCODING": "ascii"})
    assert as_json.returncode == 0 and as_json.stderr == b"", as_json.stderr
    assert "rückprop.py:backprop" in json.loads(as_json.stdout.decode("ascii"))["target"]


def test_an_ascii_terminal_trains_on_a_non_ascii_file_name(tmp_path):
    (tmp_path / "Übung.csv").write_text("-2,-1,1\n25,6,0\n", encoding="utf-8")
    result = nnderive("train", "--data", "Übung.csv", "--epochs", "2", "--seed", "1", "--every", "0",
                      cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    assert b"\\xdcbung.csv" in result.stdout


@pytest.mark.parametrize("args, match", [
    # used to run for ever (or, with the c backend, die in numpy with a traceback)
    (["train", "--epochs", "99999999999999999999"], "at most 10,000,000"),
    # used to take minutes and gigabytes before anything was said
    (["derive", "--net", "1000-1000-1"], "1,002,001 parameters"),
])
def test_what_would_never_finish_is_refused_at_once(tmp_path, args, match):
    assert_one_line_error(nnderive(*args, cwd=tmp_path), match)
    assert list(tmp_path.iterdir()) == []


# --- the command line, in-process ----------------------------------------------------------------

COMMANDS = [["derive"], ["codegen"], ["train"], ["graph"], ["check", f"{ARTICLE_BACKPROP}:backprop"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("options, match", [
    (["--net", "1000-1000-1"], "more than nnderive derives symbolically (at most 50,000)"),
    (["--net", "-".join(["1"] * 101)], "a 101-layer network is deeper than nnderive derives"),
    (["--net", "99999999-1"], "'99999999' is not a layer size; it is far too large"),
    (["--net", "2--1"], "a size is missing"),
    (["--activation", "relu,"], "is there a stray ',' in --activation 'relu,'?"),
    (["--activation", " "], "--activation: the name is empty"),
    (["--loss", ""], "--loss: the name is empty (choose from: mse, bce, half-mse)"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_network_options_every_command(capsys, tmp_path, monkeypatch, command, options, match):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(capsys, *command, *options, match=match)
    assert list(tmp_path.iterdir()) == []


def test_names_forgive_spaces_and_capitals(capsys):
    status, out, _ = run_main(capsys, "derive", "--param", "w1", "--activation", " Relu, TANH ", "--loss", "MSE")
    assert status == 0 and "∂L/∂w₁" in out


@pytest.mark.parametrize("args, match", [
    (["--epochs", "10000001"], "at most 10,000,000"),
    (["--epochs", "²"], "expected a whole number"),
    (["--learn-rate", "1e400"], "'1e400' is too large"),
    (["--plot", ""], "--plot : give a file name ending in .png"),
    (["--data", ""], "--data: the file name is empty"),
])
def test_train_options(capsys, tmp_path, monkeypatch, args, match):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(capsys, "train", *args, match=match)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, match", [
    ("-2;-1;1\n25;6;0\n", "line 1: separate the columns with commas, not ';'"),
    ("x1,x2,y\n-2;-1;1\n", "line 2: separate the columns with commas, not ';'"),
    ("-2\t-1\t1\n", "line 1: separate the columns with commas, not '\\t'"),
    ("-2,-1,1,\n", "got 4 (a comma at the end of the line?)"),
    ("weight,height,female\n", "has no samples (only a header line)"),
    ("-2,-1,1\n".encode("utf-16"), "it is not UTF-8 text (byte 0xff at position 0); save it as UTF-8 CSV"),
])
def test_samples_files_say_what_is_wrong(capsys, tmp_path, content, match):
    data = tmp_path / "samples.csv"
    data.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert_usage_error(capsys, "train", "--data", str(data), match=match)
    assert list(tmp_path.iterdir()) == [data]


@pytest.mark.parametrize("content", [
    "\ufeffweight,height,female\n-2,-1,1\n25,6,0\n",  # a spreadsheet's BOM
    "-2,-1,1\r\n25,6,0\r\n",  # Windows line ends
    '"-2","-1","1"\n"25","6","0"\n',  # quoted numbers
    " -2 , -1 , 1 \n25,6,0",  # spaces, no final newline
])
def test_samples_files_as_spreadsheets_write_them(tmp_path, content):
    data = tmp_path / "samples.csv"
    data.write_bytes(content.encode())
    X, y = read_samples(data)
    assert X.tolist() == [[-2.0, -1.0], [25.0, 6.0]] and y.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("output, match", [
    ("", "the output file name is empty"),
    ("newdir/", "newdir/ names a directory"),
    ("file.txt/out.py", "is a file, not a directory"),
])
def test_output_names_that_cannot_be_files(capsys, tmp_path, monkeypatch, output, match):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("mine")
    assert_usage_error(capsys, "codegen", "-o", output, match=match)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    assert (tmp_path / "file.txt").read_text() == "mine"


def test_an_existing_output_is_refused_before_the_work(capsys, tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("derived before checking -o")

    monkeypatch.setattr("derivations.chain.derive", never)  # the command imports it when it runs
    target = tmp_path / "chain.txt"
    target.write_text("mine")
    assert_usage_error(capsys, "derive", "-o", str(target), match="exists; use --force")
    assert target.read_text() == "mine"


def test_a_pipe_or_device_is_written_as_it_is(capsys, tmp_path):
    # `-o /dev/null --force` used to replace the device with a regular file (as root);
    # a named pipe is the same case, without the danger
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    status, _, err = run_main(capsys, "codegen", "-o", str(fifo))  # no --force needed: nothing to lose
    reader.join(timeout=30)
    assert status == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].startswith(b'"""The chain-rule gradient')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_a_symbolic_link_is_written_through(capsys, tmp_path):
    real = tmp_path / "real.py"
    real.write_text("mine")
    link = tmp_path / "link.py"
    link.symlink_to(real.name)
    assert_usage_error(capsys, "codegen", "-o", str(link), match="exists; use --force")
    assert real.read_text() == "mine"
    status, _, _ = run_main(capsys, "codegen", "-o", str(link), "--force")
    assert status == 0
    assert link.is_symlink() and real.read_text() == generate(target="python")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import derivations.commands.common as common

    target = tmp_path / "out.txt"

    def refused(*args):
        raise PermissionError(13, "Permission denied")

    for publish, force in (("link", False), ("replace", True)):  # a new file; one over an old one
        with monkeypatch.context() as patch:
            patch.setattr(common.os, publish, refused)
            with pytest.raises(UsageError, match="cannot write .*: Permission denied"):
                write_file(str(target), b"data", force=force)
        assert list(tmp_path.iterdir()) == []

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(common.os, "chmod", interrupted)  # Ctrl-C while writing
    with pytest.raises(KeyboardInterrupt):
        write_file(str(target), b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_directory_is_one_line(capsys, tmp_path, monkeypatch):
    import derivations.commands.common as common

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(common.tempfile, "mkstemp", refused)  # root ignores chmod, so simulate it
    assert_usage_error(capsys, "codegen", "-o", str(tmp_path / "nn.py"), match="Permission denied")
    assert list(tmp_path.iterdir()) == []


def test_check_wants_a_python_file(capsys, tmp_path):
    data = tmp_path / "notes.txt"
    data.write_text("w1 = 1\n")
    assert_usage_error(capsys, "check", f"{data}:w1", match="notes.txt is not a Python file")


def test_check_json_can_be_pure_ascii():
    from derivations import check

    report = check(f"{ARTICLE_BACKPROP}:backprop", points=0)
    ascii_text = report.to_json(ensure_ascii=True)
    assert ascii_text.isascii() and json.loads(ascii_text) == json.loads(report.to_json())


def test_c_library_cache_that_cannot_be_made_is_a_cache_error(tmp_path):
    from derivations.cbuild import CacheError, compile_source

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(CacheError, match="cannot use .* as the C library cache: Not a directory"):
        compile_source("int x;\n", directory=blocker / "cache", compiler=["cc"])


# --- the Python API: typed errors that say what to pass --------------------------------------------


@pytest.mark.parametrize("call, match", [
    (lambda: derive("2-2-1"), r"derive\(\) takes a Network, e.g. derive\(Network.parse\('2-2-1'\)\), not a str"),
    (lambda: derive((2, 2, 1)), r"e.g. derive\(Network\(layers=\(2, 2, 1\)\)\), not a tuple"),
    (lambda: derive([2, 2, 1]), "not a list"),  # was "unhashable type" from the cache
    (lambda: generate("2-2-1", "c"), r"generate\(\) takes a Network"),
    (lambda: load([2, 2, 1]), r"load\(\) takes a Network"),
    (lambda: train("2-2-1"), r"train\(\) takes a Network"),
    (lambda: Network.parse(221), "Network.parse takes sizes as text, e.g. '2-2-1', not a int"),
    (lambda: read_samples(123), r"read_samples\(\) takes a file name, not a int"),
    (lambda: derive().to_text(bogus=1), r"to_text\(\) got an unexpected option 'bogus'"),
])
def test_wrong_types_are_type_errors(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_numpy_integers_are_layer_sizes():
    network = Network(layers=[np.int64(2), np.int32(2), 1])
    assert network == Network((2, 2, 1)) and hash(network) == hash(Network((2, 2, 1)))
    assert all(type(size) is int for size in network.layers)
    with pytest.raises(NetworkError, match="got 2.5"):
        Network(layers=[2.5, 1])


PARAMS = dict(w1=1.0, w2=1.0, w3=1.0, w4=1.0, w5=1.0, w6=1.0, b1=0.0, b2=0.0, b3=0.0)


@pytest.mark.parametrize("params, X, y, match", [
    ({**PARAMS, "w1": float("nan")}, [[1, 2]], [1], r"params\['w1'\] must be a finite number, got nan"),
    ({**PARAMS, "b3": np.inf}, [[1, 2]], [1], r"params\['b3'\] must be a finite number"),
    (PARAMS, None, [1], "X is missing"),  # used to say "X holds NaN or infinity"
    (PARAMS, [[1, 2]], [[1, 2]], r"y must have shape \(1,\) to match X, got \(1, 2\)"),
])
def test_gradient_inputs(params, X, y, match):
    with pytest.raises(InputError, match=match):
        derive().gradient(params, X, y)


@pytest.mark.parametrize("backend", ["handwritten", "python", "numpy"])
@pytest.mark.parametrize("kwargs, match", [
    # the handwritten backend used to ignore the third column, the generated ones to fail inside
    (dict(X=[[1, 2, 3]], y=[1]), r"X must have one row per sample and 2 columns, got shape \(1, 3\)"),
    (dict(X=[[1, 2]], y=[[1, 2]]), r"y must have shape \(1,\) to match X, got \(1, 2\)"),
    (dict(X=[[np.nan, 1]], y=[1]), "X holds NaN or infinity"),  # used to be reported as divergence
    (dict(X=[["a", "b"]], y=[1]), "X must hold numbers only"),
    (dict(every=-1, report=print), "every must be a whole number of at least 0"),  # used to loop for ever
    (dict(seed="abc"), "seed must be a whole number of at least 0"),
    (dict(seed=-5), "seed must be a whole number of at least 0"),
])
def test_train_api_inputs(backend, kwargs, match):
    with pytest.raises(TrainingError, match=match):
        train(backend=backend, epochs=1, **kwargs)


def test_train_api_takes_numpy_numbers():
    run = train(epochs=np.int64(2), learn_rate=np.float32(0.1), seed=np.int64(3))
    assert len(run.history) == 2


def test_samples_file_errors_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_samples(tmp_path / "missing.csv")


def test_check_says_how_to_pass_the_kind_in_python():
    from derivations import check
    from derivations.check import CheckError

    with pytest.raises(CheckError, match="pass kind='gradient' or kind='step'") as caught:
        check(print)
    assert "--" not in str(caught.value) and caught.value.argument == "kind"


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_training_never_ends_in_nan_parameters(backend):
    # relu at absurd inputs: the gradient is inf * 0; Python's max(0, nan) is 0, so the loss
    # stayed 0.5 over NaN parameters and the python backend used to report success
    with pytest.raises(TrainingError, match="diverged"):
        train(Network((2, 2, 1), "relu"), [[1e300, 1e300], [-1e300, 1e300]], [1, 0], backend=backend,
              epochs=20, seed=1)
