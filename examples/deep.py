"""A hand-written backprop for a 2-3-3-1 network: tanh hidden layers, a sigmoid output, cross-entropy.

Check it:

    nnderive check examples/deep.py:grads --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce

The names follow nnderive's (see docs/naming.md): hidden neurons h1..h3 (first
layer) and h4..h6 (second), output y_pred; weights w1..w18 numbered layer by
layer, neuron by neuron, input by input; biases b1..b7 neuron by neuron.
This one is right: the check passes.  Break a line and run it again.
"""

import math

SIZES = (2, 3, 3, 1)


def layers(params):
    """Each layer's weight rows and biases, read from params in nnderive's numbering."""
    w, b = 1, 1
    result = []
    for n_in, n_out in zip(SIZES, SIZES[1:]):
        rows = [[params[f"w{w + i * n_in + j}"] for j in range(n_in)] for i in range(n_out)]
        biases = [params[f"b{b + i}"] for i in range(n_out)]
        result.append((rows, biases))
        w, b = w + n_in * n_out, b + n_out
    return result


def grads(params, x, y_true):
    """dL/dparam for every parameter, at one sample x = (x1, x2) with label y_true."""
    net = layers(params)
    # forward: keep every layer's outputs (tanh, then the sigmoid output)
    outs = [list(x)]
    for k, (rows, biases) in enumerate(net):
        sums = [sum(wi * a for wi, a in zip(row, outs[-1])) + bi for row, bi in zip(rows, biases)]
        last = k == len(net) - 1
        outs.append([1 / (1 + math.exp(-s)) if last else math.tanh(s) for s in sums])
    y_pred = outs[-1][0]

    # backward: delta is dL/dsum for each neuron of a layer.  With cross-entropy on
    # a sigmoid output the sigmoid's f' cancels: dL/dsum_o1 = y_pred - y_true.
    delta = [y_pred - y_true]
    per_layer = []
    for k in reversed(range(len(net))):
        rows, _ = net[k]
        inputs = outs[k]
        per_layer.append(([[d * a for a in inputs] for d in delta], list(delta)))
        if k:  # dL/dsum of the layer below: through each weight, then tanh' = 1 - tanh^2
            delta = [sum(delta[i] * rows[i][j] for i in range(len(rows))) * (1 - inputs[j] ** 2)
                     for j in range(len(inputs))]
    per_layer.reverse()

    result, w, b = {}, 1, 1
    for weight_grads, bias_grads in per_layer:
        for row in weight_grads:
            for g in row:
                result[f"w{w}"] = g
                w += 1
        for g in bias_grads:
            result[f"b{b}"] = g
            b += 1
    return result
