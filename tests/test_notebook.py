"""``nnderive notebook``: a valid notebook whose every cell runs without error in a real Jupyter kernel.

Executed with nbclient and ipykernel (the test extra installs them; CI must have them: a missing one
fails there rather than skips).  The cells assert the article's numbers themselves; here we check the
outputs a reader sees: maths, the graph drawn as SVG, the loss curve, Emily and Frank, the check's verdict.
"""

import json

import pytest
from conftest import assert_usage_error, require_module, require_tool, run_cli

from derivations.notebook import build_notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nbformat = require_module("nbformat")
    nbclient = require_module("nbclient")
    require_module("ipykernel")
    require_tool("dot")  # the graph cell draws with Graphviz
    notebook = nbformat.reads(build_notebook(), as_version=4)
    nbformat.validate(notebook)
    directory = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(directory)}})
    client.execute()
    return notebook


def outputs(cell):
    return cell.get("outputs", [])


def text_of(cell):
    return "".join(o.get("text", "") for o in outputs(cell))


def test_every_cell_runs_without_error(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert len(code) >= 10
    for cell in code:
        assert all(o.output_type != "error" for o in outputs(cell)), cell.source
        assert cell.execution_count is not None


def test_the_reader_sees_maths_the_graph_the_curve_and_the_verdict(executed):
    data = [set(o.get("data", {})) for c in executed.cells if c.cell_type == "code" for o in outputs(c)]
    assert any("text/markdown" in d for d in data)    # the derivation, as maths
    assert any("image/svg+xml" in d for d in data)    # the computation graph, drawn by dot
    assert any("image/png" in d for d in data)        # the loss curve
    texts = "".join(text_of(c) for c in executed.cells if c.cell_type == "code")
    assert "0.02146953526581111" in texts
    assert "∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁" in texts
    assert "Emily: 0.9" in texts and "(F)" in texts and "(M)" in texts
    assert "WRONG" in texts and "w₁" in texts


def test_the_graph_cell_is_the_derivations_graph(executed):
    svg = next(o["data"]["image/svg+xml"] for c in executed.cells if c.cell_type == "code"
               for o in outputs(c) if "image/svg+xml" in o.get("data", {}))
    assert "<svg" in svg and "∂h1/∂w1" in svg and "y_pred" in svg


def test_the_notebook_is_the_same_every_time_and_valid_json():
    first = build_notebook()
    assert first == build_notebook()
    notebook = json.loads(first)
    assert notebook["nbformat"] == 4 and len({c["id"] for c in notebook["cells"]}) == len(notebook["cells"])


def test_cli_writes_it_and_never_overwrites(capsys, tmp_path):
    path = tmp_path / "article.ipynb"
    status, out, err = run_cli(capsys, "notebook", "-o", path)
    assert (status, out, err) == (0, "", "")
    assert path.read_text(encoding="utf-8") == build_notebook()
    assert_usage_error(capsys, "notebook", "-o", path, match="--force")
    status, out, _ = run_cli(capsys, "notebook")
    assert status == 0 and json.loads(out)["cells"]
