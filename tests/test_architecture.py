"""The shape of the house: no import cycles, a core that names no consumer, immutable values,
normalised networks, and activations that live in one record each.

The import graph is read from the source with ``ast`` (every import, also those inside
functions), so a lazy import cannot hide a cycle.
"""

import ast
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import nncore
from derivations import Network, article_network, check, derive
from derivations.codegen import TARGETS, generate
from derivations.rules import ACTIVATIONS, LOSSES, helper_calls, helper_sources

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("derivations", "nncore")

#: the core: what a derivation is made of; it must not know who reads it
CORE = ("derivations.network", "derivations.graph", "derivations.chain", "derivations.program",
        "derivations.rules", "derivations.naming", "derivations.values", "derivations.seam", "derivations.errors")
#: what reads the core
CONSUMERS = ("derivations.printing", "derivations.numeric", "derivations.codegen", "derivations.check",
             "derivations.commands", "derivations.views", "derivations.verify", "derivations.cbuild",
             "derivations.training", "derivations.dot", "derivations.cli")


def modules():
    """``{dotted name: path}`` of every module of ours."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def import_graph():
    """``{module: {modules it imports}}``, counting imports anywhere in the file."""
    known = modules()
    graph = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                # "from pkg import module" imports the module; "from module import name" the module
                subs = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
                targets = subs + ([base] if len(subs) < len(node.names) else [])
            else:
                continue
            edges |= {t for t in targets if t in known and t != name}
        graph[name] = edges
    return graph


def cycles(graph):
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        for w in graph[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def within(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# --- imports ---------------------------------------------------------------------------------


def test_the_graph_reader_sees_imports_inside_functions(tmp_path):
    # a reader that missed lazy imports would pass the tests below for the wrong reason
    graph = import_graph()
    assert "derivations.seam" in graph["derivations.chain"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_core_imports_no_consumer():
    graph = import_graph()
    for module in graph:
        if within(module, CORE):
            reached = sorted(m for m in reachable(graph, module) if within(m, CONSUMERS))
            assert reached == [], f"{module} reaches {reached}"


def test_the_engine_does_not_borrow_from_its_reference():
    # nncore is what the engine is tested against: no core module may use it, and it uses nothing of ours
    graph = import_graph()
    for module in graph:
        if within(module, CORE):
            assert not any(within(m, ("nncore",)) for m in reachable(graph, module)), module
        if within(module, ("nncore",)):
            assert not any(within(m, ("derivations",)) for m in reachable(graph, module)), module


def _messages(tree):
    """The string pieces of every error raised and every Message built in a module."""
    for node in ast.walk(tree):
        call = node.exc if isinstance(node, ast.Raise) else node
        if isinstance(call, ast.Call):
            func = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if func.endswith(("Error", "Message")) or isinstance(node, ast.Raise):
                for part in ast.walk(call):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        yield part.value


def test_library_errors_speak_python_not_flags():
    # only derivations/commands (and the cli) may spell an option as --flag; the library names arguments
    offenders = []
    for name, path in modules().items():
        if within(name, ("derivations.commands", "derivations.cli")) or not name.startswith("derivations"):
            continue
        for text in _messages(ast.parse(path.read_text(encoding="utf-8"))):
            if any(w.startswith("--") and w[2:3].isalpha() for w in text.split()):
                offenders.append((name, text))
    assert offenders == []


# --- immutable values ----------------------------------------------------------------------


def test_a_derivation_cannot_be_changed_by_its_readers():
    d = derive()
    with pytest.raises((TypeError, AttributeError)):  # a read-only mapping has no pop
        d.partials.pop("w1")
    with pytest.raises(TypeError):
        d.factors["d_h1_d_w1"] = None
    with pytest.raises((TypeError, AttributeError)):
        d.edges.clear()
    with pytest.raises(AttributeError):
        d.params = ()
    with pytest.raises(AttributeError):
        d.graph.neurons = ()
    with pytest.raises(TypeError):
        d.graph.definitions[d.graph.loss] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.partials["w1"].factors = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.network.layers = (2, 3, 1)
    # and the cached derivation every later call gets is whole
    again = derive()
    assert again is d and len(again.partials) == 9 and "w1" in again.partials


def test_the_statement_list_is_built_once_and_shared():
    d = derive(Network((2, 3, 1), "tanh"))
    assert d.program is d.program
    from derivations.codegen import Listing

    assert Listing(d).derivation.program is d.program


def test_numeric_functions_are_built_on_first_use():
    d = derive(Network((2, 3, 2, 1), "tanh"))
    numeric = d.numeric
    assert not {"_gradient", "_loss", "_everything"} & set(vars(numeric))
    d.gradient({p.name: 0.1 for p in d.params}, [[1.0, 2.0]], [0.5])
    assert "_gradient" in vars(numeric) and not {"_loss", "_everything"} & set(vars(numeric))


# --- normalised networks ---------------------------------------------------------------------

SPELLINGS_OF_THE_ARTICLE = [
    Network(),
    Network((2, 2, 1), activation=("sigmoid", "sigmoid")),
    Network([2, 2, 1], activation=["sigmoid", "sigmoid"], output_activation="sigmoid"),
    Network(np.array([2, 2, 1]), "sigmoid", "sigmoid", "mse"),
    Network.parse("2-2-1"),
    article_network(),
]


@pytest.mark.parametrize("network", SPELLINGS_OF_THE_ARTICLE, ids=repr)
def test_every_spelling_of_the_article_is_the_article(network):
    assert network == article_network() and hash(network) == hash(article_network())
    assert network.is_article
    assert derive(network) is derive()  # one cache entry
    assert "weight minus 135 lb" in derive(network).to_text()  # and the article's paragraph


@pytest.mark.parametrize("network", [
    Network((2, 3, 1)), Network((2, 2, 1), "tanh"), Network((2, 2, 1), loss="bce"),
    Network((2, 2, 1), ("relu", "sigmoid")), Network((2, 2, 2)),
])
def test_other_networks_are_not_the_article(network):
    assert not network.is_article and network != article_network()


def test_a_network_is_stored_in_one_form():
    a = Network((2, 3, 1), activation="tanh", output_activation="sigmoid")
    b = Network((2, 3, 1), activation=("tanh", "sigmoid"))
    assert a == b and a.activation == ("tanh", "sigmoid") and a.output_activation == "sigmoid"
    assert a.layers == (2, 3, 1) and isinstance(a.layers, tuple)


# --- one record per activation and loss -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation_record_is_complete(name):
    a = ACTIVATIONS[name]
    if a.function is None:
        return  # the identity: nothing to write, nothing to call
    assert a.spelling is not None and a.spelling.text and a.spelling.latex and a.definition
    for f in a.functions:
        assert f.__name__ in a.numpy, f"{name}: no numpy version of {f.__name__}"
        assert f.__name__ in a.calls, f"{name}: no generated-code call for {f.__name__}"
    for target in TARGETS:
        calls, sources = helper_calls(target), helper_sources(target)
        for f in a.functions:
            called = calls[f.__name__]
            # a helper of ours, or the target's own library (math.tanh, np.tanh, tanh)
            assert called in sources or called in ("math.tanh", "np.tanh", "tanh", "Math.tanh"), (target, called)
            for needed in sources.get(called, None).needs if called in sources else ():
                assert needed in sources


@pytest.mark.parametrize("name", sorted(a for a in ACTIVATIONS if ACTIVATIONS[a].function is not None))
def test_numpy_versions_are_stable_and_match_sympy(name):
    import sympy

    a = ACTIVATIONS[name]
    x = sympy.Symbol("x", real=True)
    for f in a.functions:
        fn = a.numpy[f.__name__]
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow for any input
            values = fn(np.array([-1e4, -800.0, -3.0, -0.5, 0.5, 3.0, 800.0, 1e4]))
        assert np.all(np.isfinite(values))
        for point in (-3.0, -0.5, 0.5, 3.0):  # away from a kink
            exact = float(f(x).rewrite("explicit").evalf(30, subs={x: point})) if hasattr(f(x), "explicit") \
                else float(f(x).evalf(30, subs={x: point}))
            assert math.isclose(float(fn(point)), exact, rel_tol=1e-14), (f.__name__, point)


def test_adding_leaky_relu_touched_one_file():
    # the proof of "one record per activation": no module outside derivations/rules names it
    named = [path for name, path in modules().items()
             if not within(name, ("derivations.rules",)) and "leaky" in path.read_text(encoding="utf-8")]
    assert named == []


def test_leaky_relu_end_to_end():
    net = Network((2, 3, 1), activation="leaky_relu", output_activation="sigmoid")
    d = derive(net)
    assert set(d.verify().values()) <= {"symbolic", "exact", "numeric"}  # proved against sympy.diff
    assert "LReLU'(" in d.to_text() and r"\operatorname{LReLU}" in d.to_latex()
    for target in TARGETS:
        assert "leaky_relu" in generate(net, target)


def _leaky(s):
    return s if s > 0 else 0.01 * s


def _d_leaky(s):
    return 1.0 if s > 0 else 0.01


def _sigmoid(s):
    return 1 / (1 + math.exp(-s))


def leaky_backprop(params, x, y_true, slope=0.01):
    """The article's backprop by hand, with leaky-relu hidden neurons (an independent reference)."""
    p = params
    s1 = p["w1"] * x[0] + p["w2"] * x[1] + p["b1"]
    s2 = p["w3"] * x[0] + p["w4"] * x[1] + p["b2"]
    h1, h2 = _leaky(s1), _leaky(s2)
    so = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = _sigmoid(so)
    d_L_d_ypred = -2 * (y_true - y_pred)
    d_ypred = y_pred * (1 - y_pred)
    d1 = 1.0 if s1 > 0 else slope
    d2 = 1.0 if s2 > 0 else slope
    return {
        "w1": d_L_d_ypred * p["w5"] * d_ypred * x[0] * d1, "w2": d_L_d_ypred * p["w5"] * d_ypred * x[1] * d1,
        "b1": d_L_d_ypred * p["w5"] * d_ypred * d1,
        "w3": d_L_d_ypred * p["w6"] * d_ypred * x[0] * d2, "w4": d_L_d_ypred * p["w6"] * d_ypred * x[1] * d2,
        "b2": d_L_d_ypred * p["w6"] * d_ypred * d2,
        "w5": d_L_d_ypred * d_ypred * h1, "w6": d_L_d_ypred * d_ypred * h2, "b3": d_L_d_ypred * d_ypred,
    }


def test_the_checker_knows_leaky_relu():
    net = Network((2, 2, 1), activation=("leaky_relu", "sigmoid"))
    assert check(leaky_backprop, network=net, points=8).ok
    # the relu slope where the leaky one belongs: wrong wherever a hidden sum is negative
    as_relu = check(lambda p, x, y: leaky_backprop(p, x, y, slope=0.0), network=net, points=8)
    assert not as_relu.ok and set(as_relu.wrong_parameters) <= {"w1", "w2", "w3", "w4", "b1", "b2"}


def test_the_derivation_of_leaky_relu_matches_the_hand_written_backprop():
    net = Network((2, 2, 1), activation=("leaky_relu", "sigmoid"))
    rng = np.random.default_rng(3)
    for _ in range(5):
        params = dict(zip(nncore.PARAM_NAMES, rng.normal(size=9)))
        x, y = rng.uniform(-3, 3, size=2), float(rng.integers(0, 2))
        ours = derive(net).gradient(params, [x], [y])
        theirs = leaky_backprop(params, x, y)
        for name in nncore.PARAM_NAMES:
            assert math.isclose(ours[name], theirs[name], rel_tol=1e-12, abs_tol=1e-15)


def test_every_loss_record_is_complete():
    for loss in LOSSES.values():
        assert loss.description and loss.text and loss.wrt in ("output", "sum")
