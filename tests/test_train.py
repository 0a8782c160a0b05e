"""Training through the Python API: one seed, one start, one trajectory for every backend."""

import numpy as np
import pytest

import nncore
from conftest import require_tool
from derivations import Network
from derivations.training import (
    BACKENDS,
    DataError,
    TrainingError,
    get_backend,
    initial_params,
    read_samples,
    train,
)



@pytest.fixture(autouse=True)
def c_cache(tmp_path_factory, monkeypatch):
    """The C backend compiles into a temporary cache here, not the user's ~/.cache."""
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path_factory.getbasetemp() / "nnderive-cache"))


def backends(*skip):
    """The backends, after making sure the C compiler is there (CI fails without it)."""
    require_tool("cc")
    return [name for name in BACKENDS if name not in skip]


@pytest.mark.parametrize("seed", [0, 1, 42, 2019])
def test_initial_params_are_the_draw_nncore_makes(seed):
    assert initial_params(seed=seed) == list(nncore.OurNeuralNetwork(seed=seed).params.values())


def test_initial_params_follow_the_parameter_order_for_any_network():
    network = Network((2, 3, 1))
    draw = np.random.default_rng(5).normal(size=network.n_params)
    assert initial_params(network, seed=5) == draw.tolist()


def test_every_backend_follows_the_same_trajectory_as_the_article():
    reference = nncore.OurNeuralNetwork(seed=3)
    expected = reference.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=200)
    for name in backends():
        run = train(backend=name, seed=3, epochs=200)
        np.testing.assert_allclose(run.history, expected, rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(run.params, list(reference.params.values()), rtol=1e-12, err_msg=name)
        assert run.initial == tuple(nncore.OurNeuralNetwork(seed=3).params.values())


def test_the_learning_rate_reaches_every_backend():
    reference = nncore.OurNeuralNetwork(seed=6)
    expected = reference.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=20, learn_rate=0.37)
    for name in backends():
        run = train(backend=name, seed=6, epochs=20, learn_rate=0.37)
        np.testing.assert_allclose(run.history, expected, rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(run.params, list(reference.params.values()), rtol=1e-12, err_msg=name)


def test_the_articles_result_emily_female_frank_male():
    run = train(seed=0)
    emily, frank = run.predict([nncore.EMILY.x, nncore.FRANK.x])
    assert nncore.gender_of(emily) == "F" and 0.9 < emily < 1.0  # the article: 0.951
    assert nncore.gender_of(frank) == "M" and 0.0 < frank < 0.1  # the article: 0.039
    assert run.history[-1] < 0.01


def test_other_networks_agree_across_generated_backends(rng):
    network = Network((2, 3, 3, 1), "tanh", "sigmoid", "bce")
    X, y = rng.normal(size=(6, 2)), rng.integers(0, 2, size=6).astype(float)
    runs = [train(network, X, y, backend=name, seed=9, epochs=50) for name in backends("handwritten")]
    for run in runs[1:]:
        np.testing.assert_allclose(run.history, runs[0].history, rtol=1e-12)
        np.testing.assert_allclose(run.params, runs[0].params, rtol=1e-12)


def test_reporting_every_n_epochs_does_not_change_the_trajectory():
    seen = []
    reported = train(seed=4, epochs=35, every=10, report=lambda epoch, loss: seen.append((epoch, loss)))
    plain = train(seed=4, epochs=35)
    assert reported.history == plain.history and reported.params == plain.params
    assert [epoch for epoch, _ in seen] == [0, 10, 20, 30]
    assert [loss for _, loss in seen] == [plain.history[e] for e in (0, 10, 20, 30)]


def test_handwritten_backend_is_the_articles_network_only():
    with pytest.raises(TrainingError, match="handwritten backend is the article's"):
        get_backend("handwritten", Network((2, 3, 1)))
    get_backend("handwritten", Network((2, 2, 1), ("sigmoid", "sigmoid")))  # the article, spelled otherwise


def test_bad_settings_are_refused():
    with pytest.raises(TrainingError, match="unknown backend"):
        train(backend="fortran")
    with pytest.raises(TrainingError, match="epochs"):
        train(epochs=0)
    with pytest.raises(TrainingError, match="learning rate"):
        train(learn_rate=-1.0)
    with pytest.raises(TrainingError, match="params must hold 9"):
        train(params=[0.0] * 8)
    with pytest.raises(TrainingError, match="3 inputs and 2 target"):
        train(Network((3, 2)))


@pytest.mark.parametrize("backend", ["python", "numpy", "c"])
def test_divergence_is_reported_not_returned_as_nan(backend):
    if backend == "c":
        require_tool("cc")
    network = Network((1, 4, 1), "relu", "identity")
    with pytest.raises(TrainingError, match="diverged"):
        train(network, [[1.0], [2.0], [3.0]], [1.0, 2.0, 30.0], backend=backend, seed=1, learn_rate=10.0,
              epochs=200)


# --- samples files -------------------------------------------------------------------------


def write(tmp_path, text, name="samples.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_samples_file_with_header_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "# people\nweight,height,female\n-2,-1,1\n\n 25 , 6 , 0\n17,4,0\n")
    X, y = read_samples(path)
    assert X.tolist() == [[-2, -1], [25, 6], [17, 4]] and y.tolist() == [1, 0, 0]


def test_samples_file_without_header_for_several_outputs(tmp_path):
    path = write(tmp_path, "1,2,3,0.5,-1e-3\n4,5,6,1,2\n")
    X, y = read_samples(path, Network((3, 2, 2), "relu", "identity"))
    assert X.shape == (2, 3) and y.tolist() == [[0.5, -0.001], [1.0, 2.0]]


@pytest.mark.parametrize("text, message", [
    ("", "has no samples"),
    ("x1,x2,y_true\n", "has no samples"),
    ("1,2,1\n3,4\n", "line 2: expected 3 columns"),
    ("1,2,1,5\n", "line 1: expected 3 columns"),
    ("1,2,1\n3,abc,0\n", "line 2: x2 is 'abc', not a number"),
    ("1,2,1\n3,nan,0\n", "line 2: x2 is 'nan', not a number"),
    ("1,2,1\n3,inf,0\n", "line 2: x2 is 'inf', not a number"),
    ("1,2,1\n3,1e999,0\n", "too large"),
    ("1,2,1\n3,,0\n", "x2 is '', not a number"),
    ("1,2,1/2\n", "y_true is '1/2', not a number"),
])
def test_bad_samples_files_say_what_and_where(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        read_samples(path)
    assert "\n" not in str(error.value)


def test_missing_or_unreadable_samples_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_samples(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="is a directory"):
        read_samples(tmp_path)


def test_cross_entropy_needs_targets_between_0_and_1(tmp_path):
    path = write(tmp_path, "1,2,1\n3,4,2\n")
    with pytest.raises(DataError, match="between 0 and 1"):
        read_samples(path, Network((2, 2, 1), loss="bce"))
