"""Other inputs from the fault-injection pass: endless and huge samples files, digits of other
scripts, a divergence in the first epochs, a saturated network."""

import tracemalloc

import numpy as np
import pytest
from conftest import assert_one_line_error, assert_usage_error, nnderive_process, run_cli

import derivations.training as training
import nncore
from derivations import Network
from derivations.training import DataError, TrainingError, read_samples, train

# --- samples files that never end or are too big ---------------------------------------------------


def test_dev_zero_as_samples_is_one_line(tmp_path):
    # used to fill memory, then a MemoryError traceback
    result = nnderive_process("train", "--data", "/dev/zero", cwd=tmp_path)
    assert_one_line_error(result, "/dev/zero line 1 holds a NUL character")


def test_more_rows_than_max_rows_is_an_error(capsys, tmp_path):
    data = tmp_path / "many.csv"
    data.write_text("x1,x2,y\n" + "1,2,0\n" * 1001)
    assert_usage_error(capsys, "train", "--data", data, "--max-rows", "1000",
                       match="has more than 1,000 samples, the limit (--max-rows")
    status, out, err = run_cli(capsys, "train", "--data", data, "--max-rows", "1001", "--epochs", "1", "--seed", "0")
    assert status == 0 and "1001 samples" in out, err


def test_a_line_too_long_is_an_error(tmp_path):
    data = tmp_path / "long.csv"
    data.write_text("1," * (training.MAX_LINE // 2 + 1) + "0\n")
    with pytest.raises(DataError, match="line 1 is longer than 4,194,304 characters"):
        read_samples(data)


def test_endless_blank_lines_stop_at_the_size_limit(tmp_path, monkeypatch):
    # `yes '' > samples.csv`: no row ever comes, so only the count of characters read can stop it
    monkeypatch.setattr(training, "SLACK", 1000)
    data = tmp_path / "blank.csv"
    data.write_text("\n" * 5000)
    with pytest.raises(DataError, match=r"larger than 1,384 characters, more than 2 samples can take"):
        read_samples(data, max_rows=2)  # 1000 + 64 characters * 3 columns * 2 rows


def test_samples_are_streamed_not_held_twice(tmp_path):
    rows = 100_000
    rng = np.random.default_rng(5)
    values = rng.normal(size=(rows, 3))
    data = tmp_path / "big.csv"
    data.write_text("".join(f"{a!r},{b!r},{c!r}\n" for a, b, c in values.tolist()))
    text_size = data.stat().st_size
    tracemalloc.start()
    try:
        X, y = read_samples(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.array_equal(X, values[:, :2]) and np.array_equal(y, values[:, 2])
    # the numbers (2.4 MB) and some room to grow, never the text (5.9 MB) nor lists of rows (~30 MB)
    assert peak < 1.5 * values.nbytes < text_size, (peak, values.nbytes, text_size)


# --- numbers are ASCII everywhere ----------------------------------------------------------------------


@pytest.mark.parametrize("args, match", [
    (["derive", "--at", "١,1,1"], "--at: '١' is not a number: '١' (ARABIC-INDIC DIGIT ONE) is not ASCII"),
    (["derive", "--at", "alice", "--weights", "1,1,1,1,1,١"], "'١' (ARABIC-INDIC DIGIT ONE) is not ASCII"),
    (["derive", "--net", "٢-2-1"], "--net '٢-2-1': '٢' (ARABIC-INDIC DIGIT TWO) is not ASCII"),
    (["train", "--epochs", "١٠"], "'١' (ARABIC-INDIC DIGIT ONE) is not ASCII"),
    (["train", "--learn-rate", "٠.1"], "'٠' (ARABIC-INDIC DIGIT ZERO) is not ASCII"),
    (["check", "--article", "--points", "٥"], "'٥' (ARABIC-INDIC DIGIT FIVE) is not ASCII"),
    (["derive", "--at", "−2,-1,1"], "'−' (MINUS SIGN) is not ASCII"),
    (["derive", "--at", "２,1,1"], "'２' (FULLWIDTH DIGIT TWO) is not ASCII"),
], ids=lambda v: " ".join(v[:-1] if "--at" in v else v) if isinstance(v, list) else "")
def test_digits_of_other_scripts_are_refused_by_name(capsys, args, match):
    assert_usage_error(capsys, *args, match=match)


def test_digits_of_other_scripts_in_a_samples_file(capsys, tmp_path):
    data = tmp_path / "arabic.csv"
    data.write_text("-2,-1,1\n٢٥,6,0\n")  # was read as 25
    assert_usage_error(capsys, "train", "--data", data,
                       match="line 2: x1 is '٢٥', not a number: '٢' (ARABIC-INDIC DIGIT TWO) is not ASCII")


# --- divergence and saturation ----------------------------------------------------------------------

RELU = dict(net="2-2-1", activation="relu", output="identity")


@pytest.mark.parametrize("backend", ["python", "numpy", "c"])
def test_divergence_names_the_epoch_it_happened_in(capsys, backend):
    if backend == "c":
        from conftest import require_tool

        require_tool("cc")
    network = Network((2, 2, 1), "relu", "identity")
    # the reference: one epoch stays finite, two do not, so it diverges in epoch 1 (counting from 0)
    assert np.isfinite(train(network, backend=backend, epochs=1, learn_rate=10, seed=1).history).all()
    with pytest.raises(TrainingError):
        train(network, backend=backend, epochs=2, learn_rate=10, seed=1)
    for every in ("0", "10", "1"):
        assert_usage_error(capsys, "train", "--activation", "relu", "--output-activation", "identity",
                           "--learn-rate", "10", "--seed", "1", "--every", every, "--backend", backend,
                           match="training diverged in epoch 1: the loss is no longer a finite number")


def test_a_saturated_network_is_warned_about(capsys):
    status, out, err = run_cli(capsys, "train", "--learn-rate", "1e300", "--seed", "1", "--every", "0")
    assert status == 0
    assert "Emily: 1.000" in out and "Frank: 1.000" in out and "Loss after 1000 epochs: 0.5\n" in out
    assert err.count("\n") == 1 and err.startswith("nnderive: warning: every output is saturated (sigmoid at 1.000"), err
    # the article's run learns: no warning
    status, out, err = run_cli(capsys, "train", "--seed", "1", "--every", "0")
    assert status == 0 and err == ""


def test_saturation_is_judged_on_the_outputs():
    # an independent look: nncore's hand-written network with the stuck parameters predicts 1 everywhere
    stuck = train(seed=1, epochs=20, learn_rate=1e300, backend="handwritten")
    network = nncore.OurNeuralNetwork()
    network.set_params(**dict(zip(nncore.PARAM_NAMES, stuck.params)))
    assert (network.predict(nncore.DATA.astype(float)) > 1 - 1e-9).all()
    assert training.saturation(stuck, nncore.DATA, nncore.ALL_Y_TRUES) is not None
    tanh = train(Network((2, 2, 1), "tanh"), [[1.0, 2.0], [-1.0, 0.5]], [1.0, -1.0], seed=0, epochs=200)
    assert training.saturation(tanh, [[1.0, 2.0], [-1.0, 0.5]], [1.0, -1.0]) is None
