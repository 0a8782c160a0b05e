"""The companion page in a real browser: headless Chromium (Debian's), driven by Playwright.

The page is written by the CLI (``nnderive html -o page.html``), opened from
disk, and used as a student would: reset to Alice, move w5, click a weight,
train.  Every number read off the page is checked against the derivation
(``derive().evaluate``, lambdified from SymPy) or the article's numbers.
Playwright cannot download browsers here: it is always given the system's
Chromium (``executable_path``).
"""

import math
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ALICE_PARAMS, require_module, require_tool, run_cli

from derivations import Network, derive
from derivations.layer_values import layer_values
from derivations.printing.notation import format_number


@pytest.fixture(scope="module")
def browser():
    chromium = require_tool("chromium")
    playwright = require_module("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


class Visit:
    """One page open in the browser, with every console message, error and request it caused."""

    def __init__(self, browser, path):
        self.path = path
        self.messages, self.requests = [], []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body.ready")

    def value(self, name, where="#values"):
        """(the text shown, the exact value from its hover title) of quantity ``name``."""
        text, title = self.page.eval_on_selector(f'{where} [data-q="{name}"]', "e => [e.textContent, e.title]")
        return text, title

    def exact(self, name):
        title = self.value(name)[1]
        return float(title.split()[1])

    def set_number(self, selector, value):
        self.page.fill(selector, str(value))

    def close(self):
        self.page.close()


def write_page(capsys, tmp_path, *args, name="page.html"):
    path = tmp_path / name
    status, _, err = run_cli(capsys, "html", "-o", path, *args)
    assert status == 0, err
    return path


@pytest.fixture
def article_page(browser, capsys, tmp_path):
    visit = Visit(browser, write_page(capsys, tmp_path))
    yield visit
    visit.close()


def test_loads_cleanly_and_fetches_nothing(article_page, tmp_path):
    page = article_page
    assert page.messages == []
    assert page.requests == [page.path.as_uri()]  # the file itself, and no other request at all
    page.page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 20_000


def test_mathml_is_laid_out_by_the_browser(article_page):
    sizes = article_page.page.eval_on_selector_all(
        "math", "els => els.filter(e => e.checkVisibility()).map(e => [e.getBoundingClientRect().width,"
                " e.getBoundingClientRect().height])")
    assert len(sizes) > 20
    assert all(width > 0 and height > 0 for width, height in sizes)
    # a fraction stacked (MathML rendered), not strung along one line of text
    fraction, name = article_page.page.eval_on_selector(
        '.chain[data-param="w1"] mfrac',
        "f => [f.getBoundingClientRect().height, f.querySelector('mi').getBoundingClientRect().height]")
    assert fraction > 1.8 * name


def test_alices_numbers_are_the_articles(article_page):
    page = article_page
    page.set_number('[data-number="w5"]', 3)  # move away, then back
    page.page.click("#reset")
    # the article multiplies rounded factors: 0.0214; exactly it is 0.02146953526581111 (0.02147)
    text, title = page.value("d_L_d_w1")
    assert text == "0.0214"
    assert "0.02147" in title and "0.02146953526581111" in title
    assert page.value("d_L_d_w1", ".chain")[0] == "0.0214"
    for name, article in [("h1", "0.0474"), ("y_pred", "0.524"), ("d_L_d_ypred", "-0.952"),
                          ("d_ypred_d_h1", "0.249"), ("d_h1_d_w1", "-0.0904")]:
        assert page.value(name)[0] == article, name
    expected = derive().evaluate(ALICE_PARAMS, [-2, -1], 1)
    for name in ("d_L_d_w2", "d_L_d_w5", "d_L_d_b3", "L"):
        assert page.exact(name) == pytest.approx(expected[name], rel=1e-14), name


def test_moving_w5_moves_dl_dw1_to_the_derivations_value(article_page):
    page = article_page
    before = page.exact("d_L_d_w1")
    page.page.eval_on_selector('[data-slider="w5"]',
                               "e => { e.value = '-1.5'; e.dispatchEvent(new Event('input')); }")
    params = dict(ALICE_PARAMS, w5=-1.5)
    expected = derive().evaluate(params, [-2, -1], 1)
    after = page.exact("d_L_d_w1")
    assert after != pytest.approx(before, rel=1e-3)
    assert after == pytest.approx(expected["d_L_d_w1"], rel=1e-12)
    shown = float(page.value("d_L_d_w1")[0])
    assert shown == pytest.approx(expected["d_L_d_w1"], rel=0.02)  # rounded step by step: a few units off at most
    assert page.value("w5", ".network")[0] == "-1.5"


def test_choosing_a_parameter_lights_its_paths_and_shows_its_chain(article_page):
    page = article_page.page
    page.click('.network .edge[data-param="w1"] line.hit', force=True)
    lit = page.eval_on_selector_all(".network .lit[data-edge]", "els => els.map(e => e.dataset.edge).sort()")
    assert lit == ["loss-o1", "w1", "w5"]
    assert page.is_visible('.chain[data-param="w1"]') and not page.is_visible('.chain[data-param="b3"]')
    page.click('.network [data-param="b3"]')
    lit = page.eval_on_selector_all(".network .lit[data-edge]", "els => els.map(e => e.dataset.edge)")
    assert lit == ["loss-o1"]
    assert page.is_visible('.chain[data-param="b3"]') and page.input_value("#chosen") == "b3"


def test_choosing_a_person_sets_the_sample(article_page):
    page = article_page
    page.page.select_option("#person", "Bob")
    expected = derive().evaluate(ALICE_PARAMS, [25, 6], 0)
    assert page.exact("y_pred") == pytest.approx(expected["y_pred"], rel=1e-14)
    assert page.page.input_value("#input-x1") == "25"


def test_training_brings_the_loss_down_and_predicts_emily_and_frank(article_page, tmp_path):
    page = article_page.page
    page.click("#train")
    page.wait_for_selector("#loss-curve.drawn")
    loss = float(page.get_attribute("#final-loss", "title").split()[1])
    assert loss < 0.01
    emily = float(page.get_attribute('[data-prediction="Emily"]', "title").split()[1])
    frank = float(page.get_attribute('[data-prediction="Frank"]', "title").split()[1])
    assert emily > 0.9 and frank < 0.1  # the article: 0.951 (F) and 0.039 (M)
    points = page.get_attribute("#loss-curve .curve", "points").split()
    assert len(points) == 1000
    heights = [float(p.split(",")[1]) for p in points]
    assert heights[-1] > heights[0]  # SVG y grows downwards: the curve falls
    # the trained parameters are now the page's: its numbers are the derivation's at them
    trained = [float(v) for v in page.eval_on_selector_all("[data-number]", "els => els.map(e => e.value)")]
    expected = derive().evaluate(dict(zip(ALICE_PARAMS, trained)), [-2, -1], 1)
    assert article_page.exact("d_L_d_w1") == pytest.approx(expected["d_L_d_w1"], rel=1e-9, abs=1e-15)
    page.screenshot(path=str(tmp_path / "trained.png"), full_page=True)


@pytest.mark.parametrize("network, args", [
    (Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
     ["--net", "2-3-3-1", "--activation", "tanh", "--output-activation", "sigmoid", "--loss", "bce"]),
    (Network((3, 2, 2), "relu", "identity"), ["--net", "3-2-2", "--activation", "relu,identity"]),
])
def test_other_networks_work_too(browser, capsys, tmp_path, network, args):
    visit = Visit(browser, write_page(capsys, tmp_path, *args))
    try:
        assert visit.messages == [] and len(visit.requests) == 1
        d = derive(network)
        names = [p.name for p in d.params]
        n_in, n_out = len(d.inputs), len(d.targets)
        start = dict.fromkeys([w.name for w in d.graph.weights], 1.0) | dict.fromkeys([b.name for b in d.graph.biases], 0.0)
        if (n_in, n_out) == (2, 1):  # Alice fits: the page starts at her
            expected = d.evaluate(start, [-2.0, -1.0], 1.0)
        else:  # else at every input and target 1
            expected = d.evaluate(start, [1.0] * n_in, [1.0] * n_out)
        for name in (f"d_L_d_{names[0]}", f"d_L_d_{names[-1]}", "L"):
            assert visit.exact(name) == pytest.approx(expected[name], rel=1e-12, abs=1e-15), name
        # the layer view too (bce on a sigmoid: BP1 without f'; two outputs: δ² a 2-vector)
        x, y = ([-2.0, -1.0], 1.0) if (n_in, n_out) == (2, 1) else ([1.0] * n_in, [1.0] * n_out)
        assert_matrices_equal(layer_numbers(visit), expected_layer_numbers(d, start, x, y))
        visit.page.click("#train")
        visit.page.wait_for_selector("#loss-curve.drawn")
        assert visit.messages == []
    finally:
        visit.close()


def test_a_large_network_gets_one_slider_for_the_chosen_parameter(browser, capsys, tmp_path):
    path = write_page(capsys, tmp_path, "--net", "2-8-8-1", "--param", "w40")
    visit = Visit(browser, path)
    try:
        page = visit.page
        assert visit.messages == []
        assert page.eval_on_selector_all("[data-slider]", "els => els.length") == 1
        assert page.get_attribute("#one-slider", "data-slider") == "w40"
        page.eval_on_selector("#one-slider", "e => { e.value = '2.5'; e.dispatchEvent(new Event('input')); }")
        d = derive(Network((2, 8, 8, 1)))
        params = {p.name: (1.0 if p in d.graph.weights else 0.0) for p in d.params} | {"w40": 2.5}
        expected = d.evaluate(params, [-2, -1], 1)
        assert visit.exact("d_L_d_w3") == pytest.approx(expected["d_L_d_w3"], rel=1e-12)
        assert not math.isclose(visit.exact("d_L_d_w3"), d.evaluate(dict(params, w40=1.0), [-2, -1], 1)["d_L_d_w3"])
        # the layer view is there, whole up to 8×8: W² (8×8) has every entry, and follows the slider
        shown = layer_numbers(visit)
        x = [-2.0, -1.0]
        assert_matrices_equal(shown, expected_layer_numbers(d, params, x, 1.0))
        e = d.layers.entry("w40")
        assert shown[1][0][e.row - 1][e.column - 1][0] == "2.5"  # the second line is layer 2's forward: W² first
        assert "⋮" not in page.text_content(".layer-numbers")
        page.select_option("#chosen", "b17")
        assert page.get_attribute("#one-slider", "data-slider") == "b17"
        assert visit.messages == []
    finally:
        visit.close()


def test_shown_numbers_follow_the_article_rounding(article_page):
    # every number shown is the exact one rounded, or (carried step by step) within a few units of it
    page = article_page
    cells = page.page.eval_on_selector_all("#values [data-q]", "els => els.map(e => [e.dataset.q, e.textContent])")
    assert len(cells) == (3 + 6 + 1) + 12 + 9  # x1, x2, y_true, sums and outputs, L; the factors; the partials
    expected = derive().evaluate(ALICE_PARAMS, [-2, -1], 1) | {"x1": -2, "x2": -1, "y_true": 1}
    for name, text in cells:
        exact = expected[name]
        assert text == format_number(exact, 3) or float(text) == pytest.approx(exact, rel=0.01), name


# --- the layer view -------------------------------------------------------------------------------

#: every matrix and vector of the layer view's numbers, line by line (a line a layer), each as rows of
#: [text shown, hover title]; read off the layout (the last matrix of each equation), not off its names
READ_LAYER_NUMBERS = """root => [...root.querySelectorAll('.eqs')].map(line =>
  [...line.querySelectorAll(':scope > math')].map(math => {
    const tables = math.querySelectorAll('mtable.matrix');
    return [...tables[tables.length - 1].querySelectorAll(':scope > mtr')].map(row =>
      [...row.querySelectorAll(':scope > mtd')].map(cell => [cell.textContent, cell.firstElementChild.title || '']));
  }))"""


def layer_numbers(visit):
    return visit.page.eval_on_selector(".layer-numbers", READ_LAYER_NUMBERS)


def expected_layer_numbers(d, params, x, y):
    """The same matrices from Python: the parameters by the layer view's map, the rest from layer_values
    (numpy BP1-BP4, computed apart from the page and from the scalar derivation)."""
    values = layer_values(d, params, [x], [y if isinstance(y, list) else [y]])
    forward, backward = [], []
    for layer, v in zip(d.layers, values):
        line = [[[value] for value in x]] if layer.index == 1 else []
        line.append([[params[w.name] for w in r] for r in layer.W.tolist()])
        line.append([[params[b.name]] for b in layer.b])
        line += [[[value] for value in v.z[0]], [[value] for value in v.a[0]]]
        forward.append(line)
        backward.insert(0, [[[value] for value in v.delta[0]], v.dW.tolist(), [[value] for value in v.db]])
    return forward + backward


def assert_matrices_equal(shown, expected):
    assert [[len(m) for m in line] for line in shown] == [[len(m) for m in line] for line in expected]
    for line_shown, line_expected in zip(shown, expected):
        for matrix_shown, matrix_expected in zip(line_shown, line_expected):
            for row_shown, row_expected in zip(matrix_shown, matrix_expected):
                assert len(row_shown) == len(row_expected)
                for (text, title), value in zip(row_shown, row_expected):
                    # the printers' rounding (format_number keeps a trailing zero: -1.50; the page's script,
                    # as the scalar view, drops it), so compared as numbers at the printed precision
                    assert float(text) == float(format_number(value, 3)), (text, value)
                    assert float(title.split()[1]) == pytest.approx(value, rel=1e-12, abs=1e-300), title


def test_the_layer_view_is_typeset(article_page):
    page = article_page.page
    sizes = page.eval_on_selector_all(
        ".layer-view math", "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
    assert len(sizes) > 20
    assert all(width > 0 and height > 0 for width, height in sizes)
    # a matrix is laid out as a table: W¹'s two rows stacked, not strung along one line
    rows = page.eval_on_selector_all(".layer-numbers .eqs:first-of-type math:nth-child(2) mtable.matrix > mtr",
                                     "rows => rows.map(r => r.getBoundingClientRect().top)")
    assert len(rows) == 2 and rows[1] > rows[0] + 5
    headings = page.eval_on_selector_all(".layer-view h3", "els => els.map(e => e.textContent)")
    assert "Backpropagation: BP1 to BP4" in headings
    assert article_page.messages == [] and len(article_page.requests) == 1


def test_layer_numbers_at_alice_are_pythons_layer_values(article_page):
    shown = layer_numbers(article_page)
    assert_matrices_equal(shown, expected_layer_numbers(derive(), ALICE_PARAMS, [-2.0, -1.0], 1.0))
    delta1 = shown[-1][0]  # the last line is the first layer's: δ¹ first
    assert [row[0][0] for row in delta1] == ["-0.0107", "-0.0107"]
    # the scalar view says the same: δ for h1 is ∂L/∂sum_h1, which is ∂L/∂b1; ∂L/∂W¹[1,1] is ∂L/∂w1
    assert float(delta1[0][0][1].split()[1]) == pytest.approx(article_page.exact("d_L_d_b1"), rel=1e-15)
    assert float(shown[-1][1][0][0][1].split()[1]) == pytest.approx(article_page.exact("d_L_d_w1"), rel=1e-15)


def test_moving_w5_moves_delta2_and_the_w2_gradient(article_page):
    before = layer_numbers(article_page)
    article_page.page.eval_on_selector('[data-slider="w5"]',
                                       "e => { e.value = '-1.5'; e.dispatchEvent(new Event('input')); }")
    after = layer_numbers(article_page)
    expected = expected_layer_numbers(derive(), dict(ALICE_PARAMS, w5=-1.5), [-2.0, -1.0], 1.0)
    assert_matrices_equal(after, expected)
    delta2, gradient2 = after[2][0], after[2][1]
    assert delta2 != before[2][0] and gradient2 != before[2][1]
    assert after[1][0] == [[["-1.5", after[1][0][0][0][1]], ["1", after[1][0][0][1][1]]]]  # W² shows w5 moved


def test_hovering_links_the_views(article_page):
    page = article_page.page
    lit = ".network .linked[data-param]"
    # W¹[1,2] of the numbers (second equation of the first line, row 1, column 2) is w2
    cell = ".layer-numbers .eqs:first-of-type math:nth-child(2) mtr:nth-child(1) > mtd:nth-child(2) > mn"
    page.hover(cell)
    assert page.eval_on_selector_all(lit, "els => els.map(e => e.dataset.param)") == ["w2"]
    page.mouse.move(0, 0)
    assert page.eval_on_selector_all(lit, "els => els.length") == 0
    # and back: w5's label on the network lights W²[1,1], and its gradient's entry
    page.hover('.network .edge[data-param="w5"] text.weight')
    lit_entries = page.eval_on_selector_all(".layer-view .linked", "els => els.map(e => e.dataset.entry)")
    assert set(lit_entries) == {"w5"} and len(lit_entries) >= 4  # the shapes, the map, W², ∂L/∂W²
    second_line = ".layer-numbers .eqs:nth-of-type(2) math:nth-child(1) mtr:nth-child(1) > mtd:nth-child(1) > mn"
    assert "linked" in page.get_attribute(second_line, "class")
    # clicking an entry chooses its parameter, as clicking its edge does
    page.click(cell)
    assert page.input_value("#chosen") == "w2" and page.is_visible('.chain[data-param="w2"]')
    assert article_page.messages == []


def test_the_screenshot_tool_makes_a_png(tmp_path):
    # tools/page_screenshot.py makes docs/page.png: run as its docstring says, from another directory
    chromium = require_tool("chromium")
    require_module("playwright.sync_api")
    tool = Path(__file__).resolve().parent.parent / "tools" / "page_screenshot.py"
    output = tmp_path / "page.png"
    run = lambda *extra: subprocess.run(  # noqa: E731
        [sys.executable, str(tool), str(output), "--chromium", chromium, *extra],
        cwd=tmp_path, capture_output=True, text=True, timeout=180)
    result = run()
    assert result.returncode == 0, result.stderr
    data = output.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1240, 800)
    # an existing file is kept without --force
    output.write_bytes(b"mine")
    result = run()
    assert result.returncode == 2 and "--force" in result.stderr and output.read_bytes() == b"mine"
    assert run("--force").returncode == 0 and output.read_bytes().startswith(b"\x89PNG")
