"""A hand-written backprop for any layered network (a test input for nnderive check).

Plain numpy, neuron by neuron, written independently of nnderive: the
reference the checker's general-network support is tested against.  It
follows nnderive's naming (weights numbered layer by layer, neuron by neuron,
input by input, then the biases; hidden neurons h1.. numbered on through the
layers, outputs o1.., a single output's value y_pred) and reports its factors
under nnderive's names: local factors d_h1_d_w1, edges d_h4_d_h1, loss factors
d_L_d_ypred (or d_L_d_sum_o1 for cross-entropy, which starts at the sum) and
upstream factors d_L_d_h1 for neurons that feed several others.

``mistakes`` makes deliberate, documented mistakes, for the checker's tests:
``"sign d_h4_d_w7"`` negates one factor, ``"twice d_h4_d_h1"`` doubles one,
``"f' at activation h2"`` takes neuron h2's f' at its activation, ``"f'
missing h5"`` leaves it out, ``"half loss"`` drops the 2 of the MSE's
derivative.
"""
import math


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


ACTIVATIONS = {  # name: (f, f' from the sum z)
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "identity": (lambda z: z, lambda z: 1.0),
}


def make_backprop(sizes, activations, loss="mse", mistakes=()):
    """A gradient function f(params, x, y_true) for the network ``sizes`` (e.g. (2, 3, 3, 1))."""
    if isinstance(activations, str):
        activations = (activations,) * (len(sizes) - 1)
    # the wiring, named as nnderive names it
    layers, w_count, h_count = [], 0, 0
    previous = [f"x{i + 1}" for i in range(sizes[0])]
    for depth, size in enumerate(sizes[1:], start=1):
        output = depth == len(sizes) - 1
        layer = []
        for j in range(size):
            if output:
                name = f"o{j + 1}"
                value = "ypred" if size == 1 else name
            else:
                h_count += 1
                name = value = f"h{h_count}"
            weights = [f"w{w_count + i + 1}" for i in range(len(previous))]
            w_count += len(previous)
            layer.append({"name": name, "value": value, "inputs": list(previous), "weights": weights,
                          "activation": activations[depth - 1], "output": output})
        layers.append(layer)
        previous = [n["value"] for n in layer]
    b_count = 0
    for layer in layers:
        for n in layer:
            b_count += 1
            n["bias"] = f"b{b_count}"
            # cross-entropy on a sigmoid output: the chain starts at the sum, f' cancels
            n["handle"] = f"sum_{n['name']}" if n["output"] and loss == "bce" else n["value"]

    def backprop(params, x, y_true):
        ys = [y_true] if sizes[-1] == 1 else list(y_true)
        value = {f"x{i + 1}": float(v) for i, v in enumerate(x)}
        sums = {}
        for layer in layers:
            for n in layer:
                z = sum(params[w] * value[i] for w, i in zip(n["weights"], n["inputs"])) + params[n["bias"]]
                sums[n["name"]] = z
                value[n["value"]] = ACTIVATIONS[n["activation"]][0](z)

        def fprime(n):
            if n["handle"].startswith("sum_") or f"f' missing {n['name']}" in mistakes:
                return 1.0
            f, d = ACTIVATIONS[n["activation"]]
            at = value[n["value"]] if f"f' at activation {n['name']}" in mistakes else sums[n["name"]]
            return d(at)

        factors, upstream = {}, {}

        def put(name, value):  # each factor as it is made, so the mistakes flow on into the sums
            value = -value if f"sign {name}" in mistakes else value
            factors[name] = 2 * value if f"twice {name}" in mistakes else value
            return factors[name]

        for n, y in zip(layers[-1], ys):
            p = value[n["value"]]
            if loss == "bce":
                d_loss = p - y
            else:
                d_loss = (-1 if "half loss" in mistakes else -2) * (y - p)
            upstream[n["value"]] = put(f"d_L_d_{n['handle']}", d_loss)
        for depth in range(len(layers) - 1, -1, -1):
            for n in layers[depth]:
                fp = fprime(n)
                for w, i in zip(n["weights"], n["inputs"]):
                    put(f"d_{n['handle']}_d_{w}", value[i] * fp)
                    if not i.startswith("x"):
                        put(f"d_{n['handle']}_d_{i}", params[w] * fp)
                put(f"d_{n['handle']}_d_{n['bias']}", fp)
            if depth == 0:
                break
            consumers = layers[depth]
            for s in layers[depth - 1]:
                total = sum(upstream[m["value"]] * factors[f"d_{m['handle']}_d_{s['value']}"] for m in consumers)
                if len(consumers) > 1:
                    total = put(f"d_L_d_{s['value']}", total)
                upstream[s["value"]] = total
        partials = {}
        for layer in layers:
            for n in layer:
                into = upstream[n["value"]]
                for w in n["weights"] + [n["bias"]]:
                    partials[w] = into * factors[f"d_{n['handle']}_d_{w}"]
        # the partials in nnderive's order: all weights, then all biases
        ordered = {k: partials[k] for k in sorted(partials, key=lambda k: (k[0] == "b", int(k[1:])))}
        return {**ordered, **factors}

    return backprop


deep_bce = make_backprop((2, 3, 3, 1), ("tanh", "tanh", "sigmoid"), "bce")
wide_mse = make_backprop((3, 4, 2), "sigmoid", "mse")
deep_sign = make_backprop((2, 3, 3, 1), ("tanh", "tanh", "sigmoid"), "bce", mistakes=("sign d_h4_d_w7",))
deep_fprime = make_backprop((2, 3, 3, 1), ("tanh", "tanh", "sigmoid"), "bce", mistakes=("f' at activation h2",))
wide_half = make_backprop((3, 4, 2), "sigmoid", "mse", mistakes=("half loss",))
deep_edge_twice = make_backprop((2, 3, 3, 1), ("tanh", "tanh", "sigmoid"), "bce", mistakes=("twice d_h4_d_h1",))
deep_no_fprime = make_backprop((2, 3, 3, 1), ("tanh", "tanh", "sigmoid"), "bce", mistakes=("f' missing h5",))


def deep_step(params, x, y_true, learn_rate):
    grads = deep_bce(params, x, y_true)
    return {k: v - learn_rate * grads[k] for k, v in params.items()}

