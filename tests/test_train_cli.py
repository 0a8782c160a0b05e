"""``nnderive train``: the article's output, every backend, --data, --plot, and every error path."""

import subprocess
import sys

import pytest

import nncore
from conftest import assert_usage_error as assert_cli_error
from conftest import require_tool, run_cli


@pytest.fixture(autouse=True)
def c_cache(tmp_path_factory, monkeypatch):
    """The C backend compiles into a temporary cache here, not the user's ~/.cache."""
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path_factory.getbasetemp() / "nnderive-cache"))


def run(capsys, *args):
    return run_cli(capsys, "train", *args)


def assert_usage_error(capsys, *args, match):
    return assert_cli_error(capsys, "train", *args, match=match)


def test_prints_the_loss_every_10_epochs_as_the_article_then_emily_and_frank(capsys):
    status, out, _ = run(capsys, "--seed", "0")
    assert status == 0
    history = nncore.OurNeuralNetwork(seed=0).train(nncore.DATA, nncore.ALL_Y_TRUES)  # the reference
    expected = [f"Epoch {epoch} loss: {history[epoch]:.3f}" for epoch in range(0, 1000, 10)]
    assert [line for line in out.splitlines() if line.startswith("Epoch ")] == expected
    lines = out.splitlines()
    emily = next(line for line in lines if line.startswith("Emily: "))
    frank = next(line for line in lines if line.startswith("Frank: "))
    assert emily.endswith("(F)") and 0.9 < float(emily.split()[1]) < 1.0  # the article: 0.951
    assert frank.endswith("(M)") and 0.0 < float(frank.split()[1]) < 0.1  # the article: 0.039


def test_every_backend_prints_the_same_training(capsys):
    require_tool("cc")
    outputs = {}
    for backend in ("handwritten", "python", "numpy", "c"):
        status, out, _ = run(capsys, "--seed", "5", "--epochs", "200", "--backend", backend)
        assert status == 0
        outputs[backend] = [line for line in out.splitlines() if not line.startswith("backend ")]
    assert len({tuple(lines) for lines in outputs.values()}) == 1


@pytest.mark.parametrize("backend, net, said", [
    ("numpy", "2-2-1", "(scalar style)\n"),
    ("numpy", "2-8-1", "(layers style, chosen for the network's size)\n"),
    ("python", "2-8-1", "(scalar style)\n"),  # the pure-Python target has no layer style
    ("handwritten", "2-2-1", "hand-written numpy code)\n"),
])
def test_the_backend_line_says_which_style_of_code_runs(capsys, backend, net, said):
    status, out, err = run(capsys, "--backend", backend, "--net", net, "--seed", "1", "--epochs", "2", "--every", "0")
    assert status == 0, err
    line = next(line for line in out.splitlines() if line.startswith(f"backend {backend}: "))
    assert (line + "\n").endswith(said)


def test_without_a_seed_it_prints_the_one_it_drew(capsys):
    status, out, _ = run(capsys, "--epochs", "20", "--every", "0")
    assert status == 0
    seed = out.split("--seed ")[1].split(")")[0]
    status, again, _ = run(capsys, "--epochs", "20", "--every", "0", "--seed", seed)
    assert again.splitlines()[-3:] == out.splitlines()[-3:]


def test_any_two_input_network_trains_on_the_people(capsys):
    status, out, _ = run(capsys, "--net", "2-3-1", "--activation", "tanh", "--output-activation", "sigmoid",
                         "--loss", "bce", "--seed", "1", "--epochs", "50")
    assert status == 0 and "Emily: " in out and "2-3-1 network" in out


def test_data_file_trains_any_network(capsys, tmp_path):
    data = tmp_path / "samples.csv"
    data.write_text("x1,x2,x3,y1,y2\n" + "".join(f"{i},{i % 3},{-i},{i / 10},{1 - i / 10}\n" for i in range(12)))
    status, out, _ = run(capsys, "--net", "3-4-2", "--activation", "relu", "--output-activation", "identity",
                         "--data", str(data), "--seed", "2", "--epochs", "30", "--learn-rate", "0.01")
    assert status == 0
    assert "12 samples from" in out and "Predictions on the first 10 of 12 samples:" in out


def test_learn_rate_and_a_data_file_of_the_people_give_the_articles_training(capsys, tmp_path):
    # the reference: nncore's hand-written training with the same seed and learning rate
    network = nncore.OurNeuralNetwork(seed=8)
    history = network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=30, learn_rate=0.5)
    expected = [f"Epoch {epoch} loss: {history[epoch]:.3f}" for epoch in (0, 10, 20)]
    data = tmp_path / "people.csv"
    data.write_text("weight,height,female\n" + "".join(
        f"{x1},{x2},{y}\n" for (x1, x2), y in zip(nncore.DATA.tolist(), nncore.ALL_Y_TRUES.tolist())))
    for extra in ([], ["--data", str(data)]):
        status, out, _ = run(capsys, "--seed", "8", "--epochs", "30", "--learn-rate", "0.5", *extra)
        assert status == 0
        assert [line for line in out.splitlines() if line.startswith("Epoch ")] == expected
        assert f"Loss after 30 epochs: {history[-1]:.6g}" in out
    # with --data, each sample's prediction in the file's order, as the trained reference predicts it
    shown = [float(line.split("prediction = ")[1]) for line in out.splitlines() if "prediction = " in line]
    assert shown == pytest.approx(network.predict(nncore.DATA).tolist(), rel=1e-3)


def test_plot_writes_the_loss_curve_and_respects_existing_files(capsys, tmp_path):
    plot = tmp_path / "loss.png"
    status, out, _ = run(capsys, "--seed", "0", "--epochs", "30", "--plot", str(plot))
    assert status == 0 and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot.write_bytes(b"mine")
    assert_usage_error(capsys, "--seed", "0", "--epochs", "30", "--plot", str(plot), match="--force")
    assert plot.read_bytes() == b"mine"
    status, _, _ = run(capsys, "--seed", "0", "--epochs", "30", "--plot", str(plot), "--force")
    assert status == 0 and plot.read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.png"]  # no temporary file left


def test_plot_without_matplotlib_says_how_to_get_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    err = assert_usage_error(capsys, "--plot", str(tmp_path / "loss.png"), match="matplotlib")
    assert "nnderive[plot]" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, match", [
    (["--epochs", "0"], "--epochs"),
    (["--epochs", "ten"], "--epochs"),
    (["--learn-rate", "-0.1"], "--learn-rate"),
    (["--learn-rate", "1/10"], "--learn-rate"),
    (["--learn-rate", "nan"], "--learn-rate"),
    (["--seed", "-3"], "--seed"),
    (["--backend", "fortran"], "--backend"),
    (["--net", "2-x-1"], "bad network"),
    (["--activation", "swish"], "unknown activation"),
    (["--backend", "handwritten", "--net", "2-3-1"], "handwritten"),
    (["--net", "3-2-2"], "--data FILE.csv"),
    (["--plot", "curve.gif"], ".png"),
    (["--plot", "no/such/dir/curve.png"], "does not exist"),
    (["--data", "no-such-file.csv"], "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, args, match):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(capsys, *args, match=match)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("text, match", [
    ("", "has no samples"),
    ("1,2\n", "expected 3 columns"),
    ("1,2,x\n", "not a number"),
    ("1,NaN,1\n", "not a number"),
])
def test_bad_data_files_are_one_line_and_exit_2(capsys, tmp_path, text, match):
    data = tmp_path / "bad.csv"
    data.write_text(text)
    assert_usage_error(capsys, "--data", str(data), match=match)


def test_diverging_training_is_one_line_and_exit_2(capsys, tmp_path):
    data = tmp_path / "line.csv"
    data.write_text("1,1\n2,2\n3,30\n")
    assert_usage_error(capsys, "--net", "1-4-1", "--activation", "relu", "--output-activation", "identity",
                       "--data", str(data), "--learn-rate", "10", "--seed", "1", match="diverged")


def test_c_backend_without_a_compiler_is_one_line_and_exit_2(tmp_path):
    env = {"PATH": str(tmp_path), "NNDERIVE_CACHE": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "derivations", "train", "--backend", "c", "--seed", "0"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no C compiler found" in result.stderr
