"""``nnderive html`` and ``build_page`` without a browser: self-contained, from the derivation, careful with input.

(The page at work, in headless Chromium, is tests/test_page_browser.py.)
"""

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import assert_usage_error, run_cli

from derivations import Network, derive
from derivations.codegen import generate
from derivations.page import OptionError, build_page, classic_script, exported_names
from derivations.page.svg import reach


class Collector(HTMLParser):
    """Every tag with its attributes, and the text of each script element."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts[-1][1] += data


def parsed(page):
    collector = Collector()
    collector.feed(page)
    return collector


def test_the_page_refers_to_nothing_outside_itself():
    page = parsed(build_page())
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "data", "poster"):
            assert name not in attrs, (tag, attrs)
        assert "url(" not in attrs.get("style", "")
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    assert not re.search(r"\b(fetch|XMLHttpRequest|import\s*\(|WebSocket)\b", "".join(s for _, s in page.scripts))


def test_the_page_runs_the_generated_module_verbatim():
    source = generate(target="js")
    page = build_page()
    assert classic_script(source) in page
    # taking the exports away changes nothing else: put them back and it is the module again
    restored = re.sub(r"^(const|function) (\w+)",
                      lambda m: f"export {m[1]} {m[2]}" if m[2] in exported_names(source) else m[0],
                      classic_script(source), flags=re.MULTILINE)
    assert restored == source
    assert exported_names(source) == ["PARAMS", "INPUTS", "TARGETS", "feedforward", "sample_loss", "backprop",
                                      "trace", "loss", "gradients", "sgd_step", "train", "predict"]


def test_the_data_the_script_reads_describe_the_derivation():
    page = parsed(build_page())
    data = json.loads(next(text for attrs, text in page.scripts if attrs.get("id") == "nnderive-data"))
    d = derive()
    assert data["params"] == [p.name for p in d.params]
    assert data["start"] == {"params": [1.0] * 6 + [0.0] * 3, "x": [-2.0, -1.0], "y": [1.0], "person": "Alice"}
    assert [p["name"] for p in data["people"]] == ["Alice", "Bob", "Charlie", "Diana", "Emily", "Frank"]
    assert data["training"] == [{"x": [-2.0, -1.0], "y": 1.0}, {"x": [25.0, 6.0], "y": 0.0},
                                {"x": [17.0, 4.0], "y": 0.0}, {"x": [-15.0, -6.0], "y": 1.0}]
    assert data["chains"]["w1"] == ["d_L_d_ypred", "d_ypred_d_h1", "d_h1_d_w1"]
    assert data["reach"]["w1"] == {"edges": ["loss-o1", "w1", "w5"], "nodes": ["L", "h1", "o1", "x1"]}


def test_paths_lit_are_the_chains_paths():
    # an independent count: a parameter in layer k of a 2-3-3-1 network reaches the loss through every
    # neuron after it, so its lit edges are its own, the edges leaving its neuron's consumers, ...
    d = derive(Network((2, 3, 3, 1)))
    lit = reach(d)
    assert len(lit["w1"]["edges"]) == 1 + 3 + 3 + 1  # w1; h1 -> h4..h6; h4..h6 -> o1; o1 -> L
    assert len(lit["w7"]["edges"]) == 1 + 1 + 1       # w7 (h1 -> h4); h4 -> o1; o1 -> L
    assert lit["b7"]["edges"] == {"loss-o1"}
    for name, partial in d.partials.items():
        if partial.n_paths <= 6:
            factors_on_paths = {f.wrt.name for path in partial.paths for f in path if f.kind == "edge"}
            assert factors_on_paths <= {n.out.name for n in d.graph.neurons}
            assert len(lit[name]["edges"]) >= len(partial.paths[0]) - 1


def test_mathml_from_our_printer_is_on_the_page():
    page = build_page()
    assert page.count("<math") > 50
    assert '<mn data-q="d_L_d_w1"></mn>' in page
    assert "<msup><mi>f</mi><mo>′</mo></msup>" in page  # the article's f'
    assert "<mn>0.0214</mn>" in page                       # the worked example, carried as the article does


def test_cli_writes_the_page_and_never_overwrites(capsys, tmp_path):
    path = tmp_path / "page.html"
    status, out, err = run_cli(capsys, "html", "-o", path)
    assert (status, out, err) == (0, "", "")
    assert path.read_text(encoding="utf-8") == build_page()
    path.write_text("mine")
    assert_usage_error(capsys, "html", "-o", path, match="--force")
    assert path.read_text() == "mine"
    status, _, _ = run_cli(capsys, "html", "-o", path, "--force", "--at", "bob")
    assert status == 0 and '"person":"Bob"' in path.read_text(encoding="utf-8")


def test_cli_to_stdout_and_other_networks(capsys):
    status, out, _ = run_cli(capsys, "html", "--net", "3-2-2", "--activation", "relu,identity")
    assert status == 0 and out == build_page(Network((3, 2, 2), ("relu", "identity")), at=(1.0,) * 5)
    assert '"people":[]' in out and 'data-prediction="' not in out


@pytest.mark.parametrize("args, match", [
    (["--at", "zoe"], "no person named 'zoe'"),
    (["--at", "1,2"], "expected 3 numbers"),
    (["--net", "3-2-2", "--at", "alice"], "fit networks with 2 inputs and 1 output"),
    (["--weights", "1,2"], "expected 6 numbers"),
    (["--biases", "1,x,2"], "--biases"),
    (["--param", "w99"], "unknown parameter 'w99'"),
    (["--net", "2-0-1"], "bad network"),
    (["-o", "missing-dir/page.html"], "does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, args, match):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(capsys, "html", *args, match=match)
    assert list(tmp_path.iterdir()) == []


def test_api_errors_name_the_option():
    with pytest.raises(OptionError, match="at"):
        build_page(at="zoe")
    with pytest.raises(OptionError, match="params"):
        build_page(param="w99")
    with pytest.raises(TypeError):
        build_page("2-2-1")


def test_the_layer_view_is_on_the_page_with_its_map():
    page = build_page()
    for heading in ("The network as matrices", "The forward pass", "Backpropagation: BP1 to BP4",
                    "From one view to the other"):
        assert f"<h3>{heading}</h3>" in page
    # BP4's shapes for the article: W² is 1×2 = 1×1 times 1×2
    assert ("<mtext>(BP4,&#xA0;</mtext><mn>1</mn><mo>×</mo><mn>2</mn><mtext>&#xA0;=&#xA0;</mtext><mn>1</mn><mo>×</mo>"
            "<mn>1</mn>") in page
    # the map: a row w2 = W¹[1,2], linked to w2
    assert ('<mtr data-entry="w2"><mtd class="lhs"><msub><mi>w</mi><mn>2</mn></msub></mtd><mtd class="rhs"><mo>=</mo>'
            '<msup><mi>W</mi><mn>1</mn></msup><mo stretchy="false">[</mo><mn>1</mn><mo>,</mo><mn>2</mn>') in page


def test_wide_layers_are_shown_with_ellipses():
    # 2-10-1: W¹ is 10×2; its numbers show 8 rows (6, ⋮, the last), its names 4 (2, ⋮, the last)
    page = build_page(Network((2, 10, 1)))
    numbers = page[page.index('<div class="layer-numbers">'):]
    first_line = numbers[:numbers.index("</div>", numbers.index('<div class="eqs">'))]
    W1 = first_line.split("<math>")[2]
    assert W1.count("<mtr>") == 8 and W1.count("<mo>⋮</mo>") == 2
    assert 'data-x="w1"' in W1 and 'data-x="w20"' in W1 and 'data-x="w13"' not in W1
    d = derive(Network((2, 10, 1)))
    assert [d.layers.name_at(1, "W", 10, c) for c in (1, 2)] == ["w19", "w20"]  # the last row is there


def test_a_wide_network_prints_the_scalar_derivation_once_and_the_layer_view_once():
    # past 3 neurons a layer the printers' default is the layer view; the page has its own, live
    page = build_page(Network((2, 4, 1)))
    assert page.count("<h3>Backpropagation: BP1 to BP4</h3>") == 1
    assert "The layer view: backpropagation in matrix form" not in page
    assert "<mtext>W¹</mtext>" not in page  # every matrix name is MathML, not text
