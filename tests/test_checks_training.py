"""Checkers of lessons 07 and 08 (sgd_momentum_step, training_step, adam_step, standardize, confusion_matrix,
fixed_train_step): realistic wrong answers, written the way a learner would, fail with the hint that names the
mistake; valid alternatives pass; nothing a learner can hand in makes a checker raise or changes the case data."""


import numpy as np
import pytest
from checker_harness import assert_prints_pass, assert_prints_rejection

from utils import checks, iris_net
from utils.optimizers import SGD


# ------------------------------------------------------------------------------ sgd_momentum_step
def _mom_no_carry(param, grad, velocity, learning_rate, momentum):
    velocity = -learning_rate * grad
    return param + velocity, velocity


def _mom_plus_grad(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return param + velocity, velocity


def _mom_param_minus(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return param - velocity, velocity


def _mom_on_grad(param, grad, velocity, learning_rate, momentum):
    velocity = velocity - learning_rate * momentum * grad
    return param + velocity, velocity


def _mom_lr_twice(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return param + learning_rate * velocity, velocity


def _mom_pytorch(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity + grad
    return param - learning_rate * velocity, velocity


def _mom_inplace(param, grad, velocity, learning_rate, momentum):
    velocity *= momentum
    velocity -= learning_rate * grad
    param += velocity
    return param, velocity


def _mom_factored(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * (velocity - learning_rate * grad)
    return param + velocity, velocity


def _mom_old_velocity(param, grad, velocity, learning_rate, momentum):
    new_velocity = momentum * velocity - learning_rate * grad
    return param + new_velocity, velocity


# ------------------------------------------------------------------------------ training_step
def _ts_loss_after_update(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases
    out = X
    for layer in layers:
        out = layer.forward(out)
    return loss_fn.forward(out, y)


def _ts_forgot_biases(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
    return loss


def _ts_forward_reversed(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in reversed(layers):
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return loss


def _ts_backward_in_order(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in layers:
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases
    return loss


def _ts_plus_gradient(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights += learning_rate * layer.dweights
            layer.biases += learning_rate * layer.dbiases
    return loss


def _ts_all_layers(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        layer.weights -= learning_rate * layer.dweights
        layer.biases -= learning_rate * layer.dbiases
    return loss


def _ts_dense_only_backward(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        if hasattr(layer, "weights"):
            grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases
    return loss


def _ts_divide_by_n(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights / len(X)
            layer.biases -= learning_rate * layer.dbiases / len(X)
    return loss


def _ts_update_first(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return loss


def _ts_leftover_loop_variable(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    layer.weights -= learning_rate * layer.dweights  # `layer` is whatever the loop ended on
    layer.biases -= learning_rate * layer.dbiases
    return loss


def _ts_no_return(layers, loss_fn, X, y, learning_rate):
    out = X
    for layer in layers:
        out = layer.forward(out)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= learning_rate * layer.dweights
            layer.biases -= learning_rate * layer.dbiases


# ------------------------------------------------------------------------------ adam_step
def _adam(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True,
          corrected_out=False, t0=False, square=True, sqrt=True, eps_in=False, swap=False, minus=True,
          one_minus=True, power=True):
    b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
    m = b1 * m + ((1 - b1) if one_minus else 1) * grad
    v = b2 * v + ((1 - b2) if one_minus else 1) * (grad ** 2 if square else grad)
    tt = t + 1 if t0 else t
    if correct:
        m_hat = m / (1 - (b1 ** tt if power else b1 * tt))
        v_hat = v / (1 - (b2 ** tt if power else b2 * tt))
    else:
        m_hat, v_hat = m, v
    denom = np.sqrt(v_hat + eps) if eps_in else (np.sqrt(v_hat) if sqrt else v_hat) + eps
    step = learning_rate * m_hat / denom
    new_param = param - step if minus else param + step
    return (new_param, m_hat, v_hat) if corrected_out else (new_param, m, v)


def _adam_with(**flags):
    def fn(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        return _adam(param, grad, m, v, t, learning_rate, beta1, beta2, eps, **flags)
    return fn


def _adam_hardcoded(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad ** 2
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    return param - learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8), m, v


def _adam_inplace(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    return param - learning_rate * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def _adam_paper_efficient(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Kingma & Ba's cheaper form: fold both corrections into one step size."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    lr_t = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return param - lr_t * m / (np.sqrt(v) + eps), m, v


def _adam_loop(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    new_p, new_m, new_v = np.empty_like(param), np.empty_like(m), np.empty_like(v)
    for i in np.ndindex(param.shape):
        new_m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        new_v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
        m_hat = new_m[i] / (1 - beta1 ** t)
        v_hat = new_v[i] / (1 - beta2 ** t)
        new_p[i] = param[i] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_p, new_m, new_v


# ------------------------------------------------------------------------------ standardize
def _sd_own_stats(X_train, X_other):
    return ((X_train - X_train.mean(axis=0)) / X_train.std(axis=0),
            (X_other - X_other.mean(axis=0)) / X_other.std(axis=0))


def _sd_combined(X_train, X_other):
    both = np.concatenate([X_train, X_other])
    mean, std = both.mean(axis=0), both.std(axis=0)
    return (X_train - mean) / np.where(std > 0, std, 1), (X_other - mean) / np.where(std > 0, std, 1)


def _sd_no_axis(X_train, X_other):
    return (X_train - np.mean(X_train)) / np.std(X_train), (X_other - np.mean(X_train)) / np.std(X_train)


def _sd_axis1(X_train, X_other):
    mean, std = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mean) / std, (X_other - X_other.mean(axis=1, keepdims=True)) / X_other.std(axis=1, keepdims=True)


def _sd_nan(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


def _sd_variance(X_train, X_other):
    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    var[var == 0] = 1
    return (X_train - mean) / var, (X_other - mean) / var


def _sd_centre_only(X_train, X_other):
    mean = X_train.mean(axis=0)
    return X_train - mean, X_other - mean


def _sd_ddof1(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    std[std == 0] = 1
    return (X_train - mean) / std, (X_other - mean) / std


def _sd_swapped(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1
    return (X_other - mean) / std, (X_train - mean) / std


def _sd_inplace(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1
    X_train -= mean
    X_train /= std
    return X_train, (X_other - mean) / std


def _sd_minmax(X_train, X_other):
    low, high = X_train.min(axis=0), X_train.max(axis=0)
    span = np.where(high > low, high - low, 1)
    return (X_train - low) / span, (X_other - low) / span


def _sd_where(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    safe = np.where(std == 0, 1.0, std)
    return (X_train - mean) / safe, (X_other - mean) / safe


def _sd_eps(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / (std + 1e-12), (X_other - mean) / (std + 1e-12)


def _sd_zero_out(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(std > 0, (X_train - mean) / np.where(std > 0, std, 1), 0.0)
        b = np.where(std > 0, (X_other - mean) / np.where(std > 0, std, 1), 0.0)
    return a, b


def _sd_sklearn(X_train, X_other):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_other)


# ------------------------------------------------------------------------------ confusion_matrix
def _cm_transposed(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        m[p, t] += 1
    return m


def _cm_float(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes))
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m


def _cm_fancy(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=int)
    m[y_true, y_pred] += 1
    return m


def _cm_unique(y_true, y_pred, n_classes):
    k = len(np.unique(y_true))
    m = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m


def _cm_max_label(y_true, y_pred, n_classes):
    k = max(y_true.max(), y_pred.max()) + 1
    m = np.zeros((k, k), dtype=int)
    np.add.at(m, (y_true, y_pred), 1)
    return m


def _cm_fractions(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes))
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m / m.sum(axis=1, keepdims=True).clip(min=1)


def _cm_diagonal(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            m[t, p] += 1
    return m


def _cm_bincount(y_true, y_pred, n_classes):
    return np.bincount(y_true * n_classes + y_pred).reshape(n_classes, n_classes)


def _cm_minus_one(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        m[t - 1, p - 1] += 1
    return m


def _cm_list(y_true, y_pred, n_classes):
    m = [[0] * n_classes for _ in range(n_classes)]
    for t, p in zip(y_true, y_pred):
        m[t][p] += 1
    return m


def _cm_bincount_ok(y_true, y_pred, n_classes):
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes ** 2).reshape(n_classes, n_classes)


def _cm_loop_ok(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=np.int32)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[t][p] += 1
    return m


def _cm_histogram_int(y_true, y_pred, n_classes):
    counts, _, _ = np.histogram2d(y_true, y_pred, bins=n_classes, range=[[0, n_classes], [0, n_classes]])
    return counts.astype(int)


# ------------------------------------------------------------------------------ the debugged iris network
def _net_step(params, X, y, learning_rate, *, early=False, global_max=False, on_logits=False, after=False):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    logits = hidden @ params["W2"] + params["b2"]
    exps = np.exp(logits - (np.max(logits) if global_max else np.max(logits, axis=1, keepdims=True)))
    probs = exps / exps.sum(axis=1, keepdims=True)
    picked = (logits if on_logits else probs)[np.arange(len(y)), y]
    loss = float(np.mean(-np.log(np.clip(picked, 1e-7, 1 - 1e-7))))
    dlogits = probs.copy()
    dlogits[np.arange(len(y)), y] -= 1
    dlogits /= len(y)
    dW2, db2 = hidden.T @ dlogits, dlogits.sum(axis=0, keepdims=True)
    if early:
        params["W2"] -= learning_rate * dW2
        params["b2"] -= learning_rate * db2
    dhidden = dlogits @ params["W2"].T * (hidden > 0)
    if not early:
        params["W2"] -= learning_rate * dW2
        params["b2"] -= learning_rate * db2
    params["W1"] -= learning_rate * X.T @ dhidden
    params["b1"] -= learning_rate * dhidden.sum(axis=0, keepdims=True)
    if after:
        h = np.maximum(0, X @ params["W1"] + params["b1"])
        z = h @ params["W2"] + params["b2"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1 - 1e-7))))
    return loss


def _net_with(**flags):
    def fn(params, X, y, learning_rate):
        return _net_step(params, X, y, learning_rate, **flags)
    return fn


def _net_new_dict(params, X, y, learning_rate):
    """Valid: rebinds the dict entries to new arrays instead of updating them in place."""
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    logits = hidden @ params["W2"] + params["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(np.maximum(log_probs[np.arange(len(y)), y], np.log(1e-7)))
    dlogits = np.exp(log_probs)
    dlogits[np.arange(len(y)), y] -= 1
    dlogits /= len(y)
    grads = {"W2": hidden.T @ dlogits, "b2": dlogits.sum(axis=0, keepdims=True)}
    dhidden = dlogits @ params["W2"].T
    dhidden[hidden <= 0] = 0
    grads["W1"], grads["b1"] = X.T @ dhidden, dhidden.sum(axis=0, keepdims=True)
    for name in grads:
        params[name] = params[name] - learning_rate * grads[name]
    return loss


def _net_scipy_softmax(params, X, y, learning_rate):
    from scipy.special import softmax

    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    logits = hidden @ params["W2"] + params["b2"]
    probs = softmax(logits, axis=1)
    loss = iris_net.cross_entropy(probs, y)
    dlogits = (probs - np.eye(3)[y]) / len(y)
    dW2, db2 = hidden.T @ dlogits, dlogits.sum(axis=0, keepdims=True)
    dhidden = (dlogits @ params["W2"].T) * (hidden > 0)
    params["W1"] -= learning_rate * (X.T @ dhidden)
    params["b1"] -= learning_rate * dhidden.sum(axis=0, keepdims=True)
    params["W2"] -= learning_rate * dW2
    params["b2"] -= learning_rate * db2
    return loss


WRONG = [
    # sgd_momentum_step
    ("sgd_momentum_step", _mom_no_carry, "not carried over"),
    ("sgd_momentum_step", _mom_plus_grad, "sign error"),
    ("sgd_momentum_step", _mom_param_minus, "sign error"),
    ("sgd_momentum_step", _mom_on_grad, "momentum multiplies the old velocity"),
    ("sgd_momentum_step", _mom_factored, "momentum multiplies the old velocity"),
    ("sgd_momentum_step", _mom_lr_twice, "applied twice"),
    ("sgd_momentum_step", _mom_pytorch, "PyTorch's convention"),
    ("sgd_momentum_step", _mom_inplace, "return new arrays"),
    ("sgd_momentum_step", _mom_old_velocity, "return the new one"),
    # training_step
    ("training_step", _ts_loss_after_update, "before the update"),
    ("training_step", _ts_forgot_biases, "biases were not updated"),
    ("training_step", _ts_forward_reversed, "forward goes in list order"),
    ("training_step", _ts_backward_in_order, "reversed(layers)"),
    ("training_step", _ts_plus_gradient, "sign error"),
    ("training_step", _ts_all_layers, "activation layers have no weights"),
    ("training_step", _ts_dense_only_backward, "activation layers were skipped"),
    ("training_step", _ts_divide_by_n, "already divides by the number of samples"),
    ("training_step", _ts_update_first, "before backward has computed them"),
    ("training_step", _ts_leftover_loop_variable, "only the first layer was updated"),
    ("training_step", _ts_no_return, "returned nothing"),
    # adam_step
    ("adam_step", _adam_with(correct=False), "no bias correction"),
    ("adam_step", _adam_with(corrected_out=True), "return the uncorrected m and v"),
    ("adam_step", _adam_with(t0=True), "t already counts from 1"),
    ("adam_step", _adam_with(square=False), "squared"),
    ("adam_step", _adam_with(sqrt=False), "square root"),
    ("adam_step", _adam_with(eps_in=True), "eps goes outside the square root"),
    ("adam_step", _adam_with(swap=True), "swapped"),
    ("adam_step", _adam_with(minus=False), "sign error"),
    ("adam_step", _adam_with(one_minus=False), "(1 - beta) weight"),
    ("adam_step", _adam_with(power=False), "a power"),
    ("adam_step", _adam_hardcoded, "not the default values"),
    ("adam_step", _adam_inplace, "build new arrays"),
    # standardize
    ("standardize", _sd_own_stats, "*training* mean and std"),
    ("standardize", _sd_combined, "X_train and X_other together"),
    ("standardize", _sd_no_axis, "per feature (axis=0)"),
    ("standardize", _sd_axis1, "axis=1"),
    ("standardize", _sd_nan, "std 0"),
    ("standardize", _sd_eps, "X_other"),
    ("standardize", _sd_variance, "not by the variance"),
    ("standardize", _sd_centre_only, "centred but not scaled"),
    ("standardize", _sd_ddof1, "ddof=1"),
    ("standardize", _sd_swapped, "swapped"),
    ("standardize", _sd_inplace, "changed the caller's array"),
    ("standardize", _sd_minmax, "min-max"),
    # confusion_matrix
    ("confusion_matrix", _cm_transposed, "transposed"),
    ("confusion_matrix", _cm_float, "dtype=int"),
    ("confusion_matrix", _cm_fancy, "np.add.at"),
    ("confusion_matrix", _cm_unique, "n_classes × n_classes"),
    ("confusion_matrix", _cm_max_label, "n_classes × n_classes"),
    ("confusion_matrix", _cm_fractions, "counts (integers)"),
    ("confusion_matrix", _cm_diagonal, "only the diagonal"),
    ("confusion_matrix", _cm_bincount, "minlength"),
    ("confusion_matrix", _cm_minus_one, "no -1"),
    ("confusion_matrix", _cm_list, "numpy array"),
    # fixed_train_step: each bug alone, two together, and the loss taken after the update
    ("fixed_train_step", _net_with(early=True, global_max=True, on_logits=True), "two bugs are left"),
    ("fixed_train_step", _net_with(early=True, on_logits=True), "two bugs are left"),
    ("fixed_train_step", _net_with(early=True), "before the gradient is passed back"),
    ("fixed_train_step", _net_with(early=True, global_max=True), "before the gradient is passed back"),
    ("fixed_train_step", _net_with(on_logits=True), "cross-entropy of the raw logits"),
    ("fixed_train_step", _net_with(on_logits=True, global_max=True), "cross-entropy of the raw logits"),
    ("fixed_train_step", _net_with(global_max=True), "each row's own maximum"),
    ("fixed_train_step", _net_with(after=True), "before the update"),
    ("fixed_train_step", _net_with(after=True, global_max=True), "before the update"),
]


@pytest.mark.parametrize(("name", "fn", "hint"), WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_wrong_answer_fails_with_the_hint_naming_it(capsys, name, fn, hint):
    result = assert_prints_rejection(capsys, name, fn, hint)
    assert result.hint and hint in result.line


def test_every_new_exercise_has_at_least_eight_wrong_answers():
    for name in ("sgd_momentum_step", "training_step", "adam_step", "standardize", "confusion_matrix"):
        assert sum(w[0] == name for w in WRONG) >= 8, name


VALID = [
    ("sgd_momentum_step", lambda p, g, v, lr, m: (p + (m * v - lr * g), m * v - lr * g)),
    ("sgd_momentum_step", lambda p, g, v, lr, m: (np.add(p, np.subtract(m * v, lr * g)), m * v - lr * g)),
    ("training_step", lambda layers, loss_fn, X, y, lr: _ts_via_optimizer(layers, loss_fn, X, y, lr)),
    ("training_step", lambda layers, loss_fn, X, y, lr: _ts_update_during_backward(layers, loss_fn, X, y, lr)),
    ("adam_step", _adam_paper_efficient),
    ("adam_step", _adam_loop),
    ("adam_step", _adam_with()),
    ("standardize", _sd_where),
    ("standardize", _sd_zero_out),
    ("standardize", _sd_sklearn),
    ("confusion_matrix", _cm_bincount_ok),
    ("confusion_matrix", _cm_loop_ok),
    ("confusion_matrix", _cm_histogram_int),
    ("fixed_train_step", _net_new_dict),
    ("fixed_train_step", _net_scipy_softmax),
    ("fixed_train_step", iris_net.train_step),
]


def _ts_via_optimizer(layers, loss_fn, X, y, learning_rate):
    """Valid: the course's SGD does the update; the loss is a numpy scalar."""
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = np.float64(loss_fn.forward(out, y))
    grad = loss_fn.backward(out, y)
    for layer in layers[::-1]:
        grad = layer.backward(grad)
    SGD(learning_rate).step(layers)
    return loss


def _ts_update_during_backward(layers, loss_fn, X, y, learning_rate):
    """Valid: each layer is updated right after its own backward, which already computed dinputs with the old
    weights (the utils layers compute all three gradients in backward)."""
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
        if hasattr(layer, "dweights"):
            layer.weights = layer.weights - learning_rate * layer.dweights
            layer.biases = layer.biases - learning_rate * layer.dbiases
    return loss


@pytest.mark.parametrize(("name", "fn"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_alternative_passes(capsys, name, fn):
    assert_prints_pass(capsys, name, fn)




def test_confusion_matrix_messages_show_integer_counts(capsys):
    result = checks.check_confusion_matrix(_cm_transposed)
    out = capsys.readouterr().out
    assert not result and "expected [[1, 1, 0]," in out and "got [[1, 0, 1]," in out, out
    assert "1." not in out and "fractions" not in out, out


def test_reference_implementations_match_the_lesson_formulas():
    from utils.data import standardize
    from utils.metrics import confusion_matrix
    from utils.optimizers import adam_step

    p, m, v = adam_step(np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1, 0.1)
    np.testing.assert_allclose(p, [0.9], rtol=1e-6)  # the first Adam step is lr * sign(grad)
    np.testing.assert_allclose(m, [0.05])
    np.testing.assert_allclose(v, [0.00025])
    a, b = standardize(np.array([[1.0, 4.0], [3.0, 4.0]]), np.array([[2.0, 4.0]]))
    np.testing.assert_array_equal(a, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(b, [[0.0, 0.0]])
    cm = confusion_matrix([0, 1, 1], [1, 1, 0], 2)
    assert cm.dtype.kind == "i" and cm.tolist() == [[0, 1], [1, 1]]


def test_iris_net_sanity_checks_pass_for_the_fixed_network():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 4)), np.arange(30) % 3
    params = iris_net.init_params(0)
    assert abs(iris_net.loss(params, X, y) - np.log(3)) < 0.02
    for _ in range(50):  # check at trained weights: at the start W2 is tiny and so are W1's gradients
        iris_net.train_step(params, X, y, 0.5)
    errors = iris_net.update_gradient_check(iris_net.train_step, iris_net.loss, params, X, y, 0.5, verbose=False)
    assert max(errors.values()) < 1e-6
    buggy = _net_with(early=True)
    errors = iris_net.update_gradient_check(buggy, iris_net.loss, params, X, y, 0.5, verbose=False)
    assert errors["W1"] > 1e-2 and errors["W2"] < 1e-6


# ------------------------------------------------------------------------------ the utils behind lessons 07-08
def _one_layer_with_gradient(grad):
    from utils.layers import Dense

    layer = Dense(1, 1, rng=np.random.default_rng(0))
    layer.weights[:] = 1.0
    layer.biases[:] = 0.0
    layer.dweights = np.array([[grad]])
    layer.dbiases = np.array([[0.0]])
    return layer


def test_adagrad_and_rmsprop_first_steps_match_their_formulas():
    from utils.optimizers import AdaGrad, RMSProp

    layer = _one_layer_with_gradient(2.0)
    opt = AdaGrad(0.1)
    opt.step([layer])  # cache = 4 -> step 0.1 * 2 / 2
    np.testing.assert_allclose(layer.weights, [[0.9]])
    opt.step([layer])  # cache = 8 -> step 0.1 * 2 / sqrt(8)
    np.testing.assert_allclose(layer.weights, [[0.9 - 0.2 / np.sqrt(8)]])
    layer = _one_layer_with_gradient(2.0)
    RMSProp(0.01, rho=0.9).step([layer])  # cache = 0.1 * 4 -> step 0.01 * 2 / sqrt(0.4)
    np.testing.assert_allclose(layer.weights, [[1.0 - 0.02 / np.sqrt(0.4)]])


def test_learning_rate_decay_follows_the_schedule():
    from utils.optimizers import SGD, Adam

    opt = SGD(1.0, decay=0.5)
    layer = _one_layer_with_gradient(1.0)
    rates = []
    for _ in range(3):
        rates.append(opt.current_learning_rate)
        opt.step([layer])
    np.testing.assert_allclose(rates, [1.0, 1 / 1.5, 1 / 2.0])
    np.testing.assert_allclose(layer.weights, [[1.0 - sum(rates)]])
    assert Adam(0.01).current_learning_rate == 0.01
    with pytest.raises(ValueError, match="decay"):
        SGD(0.1, decay=-1)


def test_train_validation_test_split_is_stratified_and_disjoint():
    from utils.data import train_validation_test_split

    X = np.arange(300, dtype=float).reshape(150, 2)
    y = np.repeat([0, 1, 2], 50)
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_validation_test_split(X, y, 0.2, 0.2, seed=3)
    assert (len(y_tr), len(y_va), len(y_te)) == (90, 30, 30)
    for part in (y_tr, y_va, y_te):
        assert np.all(np.bincount(part) == len(part) // 3)
    rows = [tuple(r) for r in np.vstack([X_tr, X_va, X_te])]
    assert len(set(rows)) == 150
    with pytest.raises(ValueError, match="validation_fraction"):
        train_validation_test_split(X, y, 0.6, 0.5)


def test_tune_learning_rate_keeps_the_lowest_late_training_loss():
    from utils.data import vertical
    from utils.model import tune_learning_rate
    from utils.optimizers import SGD

    X, y = vertical(samples=20, classes=3, seed=0)
    best, runs = tune_learning_rate(lambda lr: SGD(lr), [0.01, 0.5], X, y, [2, 8, 3], epochs=30)
    assert best == 0.5 and set(runs) == {0.01, 0.5}
    assert np.mean(runs[0.5].loss[-3:]) < np.mean(runs[0.01].loss[-3:])


def test_training_helpers_and_figures():
    import matplotlib

    matplotlib.use("Agg")
    from utils.metrics import spread
    from utils.plots import plot_losses
    from utils.training_plots import (
        descent_summary,
        plot_bias_correction,
        plot_generalization_gap,
    )

    crawl, zigzag = descent_summary(0.02, 0.0), descent_summary(0.09, 0.0)
    assert crawl["zigzags"] == 0 and zigzag["zigzags"] == zigzag["steps"] == 60
    assert descent_summary(0.02, 0.7)["loss"] < crawl["loss"] / 100  # momentum speeds along the valley
    assert descent_summary(0.02, 0.9)["overshoots"] > 0  # too much momentum: under-damped
    assert spread([0.9, 1.0]) == "0.950 ± 0.050 (min 0.900, max 1.000)"
    for fig in (plot_bias_correction(), plot_losses({"a": [1.0, 0.5], "b": [1.0, 0.8]}),
                plot_generalization_gap([2, 8], [[0.6, 0.7], [0.9, 1.0]], [[0.5, 0.6], [0.7, 0.8]])):
        assert fig.axes and fig.get_size_inches()[0] > 4


def test_fit_progress_bar_stays_on_screen(capsys):
    from utils.data import vertical
    from utils.model import fit, make_mlp
    from utils.optimizers import Adam

    X, y = vertical(samples=10, classes=3, seed=0)
    fit(make_mlp([2, 4, 3]), X, y, Adam(0.01), epochs=5, progress=True)
    out = capsys.readouterr().out
    assert "100%" in out and "5/5" in out
    fit(make_mlp([2, 4, 3]), X, y, Adam(0.01), epochs=3, progress="learning rate 0.01")
    out = capsys.readouterr().out
    assert "learning rate 0.01: 100%" in out and "3/3" in out
