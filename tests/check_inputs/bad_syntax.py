def backprop(params, x, y_true)
    return {}
