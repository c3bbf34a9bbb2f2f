"""Checkers for lesson 07 (training)."""

from __future__ import annotations

import numpy as np

from utils import optimizers as ref
from utils.checks.core import TUPLE, Case, Checker, Mistake, as_floats


def _two_steps(step, param, grads, velocity, learning_rate, momentum):
    """Apply ``step`` twice, feeding the returned velocity back in (as an optimizer does)."""
    p, v = step(param, grads[0], velocity, learning_rate, momentum)
    return step(p, grads[1], v, learning_rate, momentum)


def _wrong(velocity_rule, param_rule):
    def fn(param, grad, velocity, learning_rate, momentum):
        p, g, v = as_floats(param), as_floats(grad), as_floats(velocity)
        new_v = velocity_rule(v, g, learning_rate, momentum)
        return param_rule(p, new_v, learning_rate), new_v
    return fn


def _plus(p, v, lr):
    return p + v


def _pytorch_momentum(param, grad, velocity, learning_rate, momentum):
    """PyTorch's convention: v = momentum * v + grad; param -= learning_rate * v (v has no lr and no minus)."""
    new_v = momentum * as_floats(velocity) + as_floats(grad)
    return as_floats(param) - learning_rate * new_v, new_v


check_sgd_momentum_step = Checker(
    name="sgd_momentum_step",
    reference=ref.sgd_momentum_step,
    kind=TUPLE,
    output_names=("new_param", "new_velocity"),
    verified="velocity = momentum·velocity − lr·grad, param + velocity, two steps in a row, inputs unchanged",
    cases=[
        Case("first step from velocity 0: param [1, 2], grad [0.5, -1], lr 0.1, momentum 0.9",
             (np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), 0.1, 0.9)),
        Case("a step with velocity [0.2, -0.1] carried in", (np.array([1.0, 2.0]), np.array([0.5, -1.0]),
                                                           np.array([0.2, -0.1]), 0.1, 0.9)),
        Case("param [0.37, -1.62, 2.05] (not whole numbers), velocity [0.3, 0.1, -0.2], lr 0.05, momentum 0.8",
             (np.array([0.37, -1.62, 2.05]), np.array([1.5, -0.4, 0.8]), np.array([0.3, 0.1, -0.2]), 0.05, 0.8)),
        Case("two steps in a row on a (2, 2) weight matrix, lr 0.01, momentum 0.9",
             (np.array([[0.5, -0.5], [1.0, 0.0]]), [np.array([[1.0, 2.0], [-1.0, 0.5]]),
                                                   np.array([[0.5, 1.0], [-2.0, 0.0]])], np.zeros((2, 2)), 0.01, 0.9),
             driver=_two_steps,
             hint_if_fails="the velocity you return is passed back in at the next step: return the new one"),
    ],
    mistakes=[
        Mistake("the velocity was not carried over: new velocity = momentum * velocity - learning_rate * grad "
                "uses the velocity you were given", _wrong(lambda v, g, lr, m: -lr * g, _plus)),
        Mistake("sign error: step against the gradient, velocity = momentum * velocity - learning_rate * grad",
                _wrong(lambda v, g, lr, m: m * v + lr * g, _plus)),
        Mistake("sign error: param = param + velocity (the velocity already points downhill)",
                _wrong(lambda v, g, lr, m: m * v - lr * g, lambda p, v, lr: p - v)),
        Mistake("momentum multiplies the old velocity, not the gradient: velocity = momentum * velocity - "
                "learning_rate * grad", _wrong(lambda v, g, lr, m: v - lr * m * g, _plus)),
        Mistake("momentum multiplies the old velocity, not the gradient: velocity = momentum * velocity - "
                "learning_rate * grad", _wrong(lambda v, g, lr, m: m * (v - lr * g), _plus)),
        Mistake("the learning rate was applied twice: it is already inside the velocity, so param = param + velocity",
                _wrong(lambda v, g, lr, m: m * v - lr * g, lambda p, v, lr: p + lr * v)),
        Mistake("that is plain SGD without momentum: velocity = momentum * velocity - learning_rate * grad",
                _wrong(lambda v, g, lr, m: -lr * g + 0 * v, _plus)),
        Mistake("that is PyTorch's convention (v = momentum·v + grad; param -= lr·v), whose velocity holds no learning "
                "rate and points uphill. The steps are the same for a constant learning rate, but this exercise stores "
                "velocity = momentum * velocity - learning_rate * grad and returns param + velocity (lesson 07, §5)",
                _pytorch_momentum),
        Mistake("the velocity you return is passed back in at the next step: return the new one, "
                "(param + new_velocity, new_velocity), not the velocity you were given",
                lambda param, grad, velocity, learning_rate, momentum: (
                    as_floats(param) + momentum * as_floats(velocity) - learning_rate * as_floats(grad), as_floats(velocity))),
    ],
    mutation_hint="param += ... changed the caller's array: return new arrays (new_param = param + velocity)",
)


# ------------------------------------------------------------------------------ training_step
def _layers(sizes, activations, seed):
    """Dense layers of the given sizes with activation objects between (and after, when listed), He-scaled
    weights and small random biases, so every gradient is lively and no ReLU input sits on its kink."""
    from utils.activations import ACTIVATIONS
    from utils.layers import Dense

    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=False)):
        dense = Dense(n_in, n_out, rng=rng)
        dense.weights = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        dense.biases = 0.1 * rng.standard_normal((1, n_out))
        layers.append(dense)
        if i < len(activations) and activations[i]:
            layers.append(ACTIVATIONS[activations[i]]())
    return layers


class _Factory:
    """A seeded recipe for fresh objects (layers, a loss): the checker builds a new set for every call, so the
    learner's function can update them in place without touching the case."""

    def __init__(self, fn, *args, text=""):
        self.fn, self.args, self.text = fn, args, text

    def __call__(self):
        return self.fn(*self.args)

    def __repr__(self) -> str:
        return self.text


def _loss_out(value):
    """The returned loss, as a 0-d array when it is a number (so the tuple comparison can name it)."""
    from utils.checks.core import _is_number

    return np.asarray(float(value)) if _is_number(value) else value


def _dense_arrays(layers):
    return tuple(a.copy() for layer in layers if hasattr(layer, "weights") for a in (layer.weights, layer.biases))


def _one_training_step(step, make_layers, make_loss, X, y, learning_rate):
    layers, loss_fn = make_layers(), make_loss()
    loss = step(layers, loss_fn, X, y, learning_rate)
    return (_loss_out(loss), *_dense_arrays(layers))


def _two_training_steps(step, make_layers, make_loss, X, y, learning_rate):
    layers, loss_fn = make_layers(), make_loss()
    step(layers, loss_fn, X, y, learning_rate)
    loss = step(layers, loss_fn, X, y, learning_rate)
    return (_loss_out(loss), *_dense_arrays(layers))


def _forward(layers, X):
    out = X
    for layer in layers:
        out = layer.forward(out)
    return out


def _backward(layers, loss_fn, out, y):
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        grad = layer.backward(grad)


def _update(layers, learning_rate, biases=True, sign=1.0, scale=1.0):
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights -= sign * learning_rate * layer.dweights * scale
            if biases:
                layer.biases -= sign * learning_rate * layer.dbiases * scale


def _ts_loss_after(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    _backward(layers, loss_fn, out, y)
    _update(layers, learning_rate)
    return loss_fn.forward(_forward(layers, X), y)


def _ts_no_biases(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update(layers, learning_rate, biases=False)
    return loss


def _ts_sign(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update(layers, learning_rate, sign=-1.0)
    return loss


def _ts_divided_again(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update(layers, learning_rate, scale=1.0 / len(X))
    return loss


def _ts_forward_reversed(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers[::-1], X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update(layers, learning_rate)
    return loss


def _ts_backward_not_reversed(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in layers:
        grad = layer.backward(grad)
    _update(layers, learning_rate)
    return loss


def _ts_skips_activations(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(out, y)
    for layer in reversed(layers):
        if hasattr(layer, "weights"):
            grad = layer.backward(grad)
    _update(layers, learning_rate)
    return loss


def _ts_update_every_layer(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    for layer in layers:
        layer.weights -= learning_rate * layer.dweights
        layer.biases -= learning_rate * layer.dbiases
    return loss


def _ts_update_before_backward(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _update(layers, learning_rate)  # no gradients exist yet
    _backward(layers, loss_fn, out, y)
    return loss


def _ts_first_layer_only(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update(layers[:1], learning_rate)
    return loss


def _ts_last_dense_only(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    _backward(layers, loss_fn, out, y)
    _update([layer for layer in layers if hasattr(layer, "weights")][-1:], learning_rate)
    return loss


def _ts_no_backward(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    return loss_fn.forward(out, y)


def _ts_loss_args_swapped(layers, loss_fn, X, y, learning_rate):
    out = _forward(layers, X)
    loss = loss_fn.forward(out, y)
    grad = loss_fn.backward(y, out)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    _update(layers, learning_rate)
    return loss


def _ts_no_return(layers, loss_fn, X, y, learning_rate):
    from utils.model import training_step as reference

    reference(layers, loss_fn, X, y, learning_rate)


_TS_X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.1], [-1.2, -0.4], [0.9, 1.1]])
_TS_Y = np.array([0, 1, 2, 1, 0, 2])
_TS_Y_REG = np.array([[0.5, -0.2], [1.0, 0.3], [-0.4, 0.8], [0.1, 0.0], [-1.0, -0.5], [0.6, 0.9]])
_TS_Y_BIN = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [0.0]])


def _softmax_ce():
    from utils.losses import SoftmaxCrossEntropy

    return SoftmaxCrossEntropy()


def _mse():
    from utils.losses import MSE

    return MSE()


def _bce():
    from utils.losses import BinaryCrossEntropy

    return BinaryCrossEntropy()


def _ts_reference(layers, loss_fn, X, y, learning_rate):
    from utils.model import training_step

    return training_step(layers, loss_fn, X, y, learning_rate)


_TS_NAMES = ("the returned loss", "layers[0].weights after the step", "layers[0].biases after the step",
             "layers[2].weights after the step", "layers[2].biases after the step")
_SECTION = "(lesson 07, §1)"

check_training_step = Checker(
    name="training_step",
    reference=_ts_reference,
    kind=TUPLE,
    output_names=_TS_NAMES,
    verified="forward in order, loss before the update, backward in reverse through every layer, weights and "
             "biases of every Dense layer updated; classification, regression and a final sigmoid; two steps in a row",
    cases=[
        Case("[Dense(2, 4), ReLU(), Dense(4, 3)] with SoftmaxCrossEntropy, 6 samples, learning rate 0.5",
             (_Factory(_layers, (2, 4, 3), ("relu",), 0, text="Dense(2, 4), ReLU(), Dense(4, 3)"),
              _Factory(_softmax_ce, text="SoftmaxCrossEntropy()"), _TS_X, _TS_Y, 0.5),
             driver=_one_training_step),
        Case("[Dense(2, 3), Tanh(), Dense(3, 2)] with MSE on regression targets (6, 2), learning rate 0.1",
             (_Factory(_layers, (2, 3, 2), ("tanh",), 1, text="Dense(2, 3), Tanh(), Dense(3, 2)"),
              _Factory(_mse, text="MSE()"), _TS_X, _TS_Y_REG, 0.1),
             driver=_one_training_step),
        Case("[Dense(2, 5), ReLU(), Dense(5, 1), Sigmoid()] with BinaryCrossEntropy — the last layer is an activation",
             (_Factory(_layers, (2, 5, 1), ("relu", "sigmoid"), 2, text="Dense(2, 5), ReLU(), Dense(5, 1), Sigmoid()"),
              _Factory(_bce, text="BinaryCrossEntropy()"), _TS_X, _TS_Y_BIN, 0.3),
             driver=_one_training_step),
        Case("two steps in a row on [Dense(2, 4), ReLU(), Dense(4, 3)]: the second step's loss and weights",
             (_Factory(_layers, (2, 4, 3), ("relu",), 3, text="Dense(2, 4), ReLU(), Dense(4, 3)"),
              _Factory(_softmax_ce, text="SoftmaxCrossEntropy()"), _TS_X, _TS_Y, 0.5),
             driver=_two_training_steps,
             hint_if_fails="each call is one full step — forward, loss, backward, update — on the layers as the "
                           "previous call left them " + _SECTION),
    ],
    mistakes=[
        Mistake("the loss must be the one of this step's forward pass, before the update: compute it right after the "
                "forward pass and return that value " + _SECTION, _ts_loss_after),
        Mistake("the biases were not updated: besides weights -= learning_rate * dweights, every Dense layer needs "
                "biases -= learning_rate * dbiases " + _SECTION, _ts_no_biases),
        Mistake("sign error: step against the gradient, weights -= learning_rate * dweights " + _SECTION, _ts_sign),
        Mistake("the loss's backward already divides by the number of samples (it is the gradient of a mean): do not "
                "divide by len(X) again " + _SECTION, _ts_divided_again),
        Mistake("the forward pass runs through the layers in reverse: forward goes in list order (for layer in "
                "layers), only the backward pass is reversed " + _SECTION, _ts_forward_reversed),
        Mistake("the backward pass must visit the layers in reverse order (for layer in reversed(layers)), starting "
                "from the loss's gradient " + _SECTION, _ts_backward_not_reversed),
        Mistake("the activation layers were skipped in the backward pass: every layer's backward must run (ReLU, "
                "Tanh, Sigmoid change the gradient), not only the Dense ones " + _SECTION, _ts_skips_activations),
        Mistake("activation layers have no weights: update only the layers that have them (if hasattr(layer, "
                "\"weights\")) " + _SECTION, _ts_update_every_layer),
        Mistake("the update uses dweights before backward has computed them: run the whole backward pass first, "
                "then update " + _SECTION, _ts_update_before_backward),
        Mistake("only the first layer was updated: loop over every layer after the backward pass and update each "
                "one that has weights " + _SECTION, _ts_first_layer_only),
        Mistake("only the last Dense layer was updated: every layer with weights needs its update " + _SECTION,
                _ts_last_dense_only),
        Mistake("the weights did not change: after the loss, run the backward pass and update every layer with "
                "weights " + _SECTION, _ts_no_backward),
        Mistake("loss_fn.backward takes (output, y) in that order, like loss_fn.forward " + _SECTION,
                _ts_loss_args_swapped),
        Mistake("the step ran but returned nothing: return the loss (a float) computed before the update "
                + _SECTION, _ts_no_return),
    ],
    mutation_hint="X and y are the data: read them, never change them (the layers are what the step updates)",
)


# ------------------------------------------------------------------------------ adam_step
def _adam_variant(correct=True, return_corrected=False, t_shift=0, square=True, eps_inside=False, sqrt=True,
                  swap_betas=False, sign=1.0, one_minus=True, defaults=False, product=False):
    def fn(param, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        b1, b2 = (0.9, 0.999) if defaults else (beta1, beta2)
        if swap_betas:
            b1, b2 = b2, b1
        g = as_floats(grad)
        new_m = b1 * as_floats(m) + ((1 - b1) if one_minus else 1.0) * g
        new_v = b2 * as_floats(v) + ((1 - b2) if one_minus else 1.0) * (g * g if square else g)
        tt = t + t_shift
        if correct:
            m_hat = new_m / (1 - (b1 * tt if product else b1**tt))
            v_hat = new_v / (1 - (b2 * tt if product else b2**tt))
        else:
            m_hat, v_hat = new_m, new_v
        if eps_inside:
            denom = np.sqrt(v_hat + eps)
        else:
            denom = (np.sqrt(v_hat) if sqrt else v_hat) + eps
        new_param = as_floats(param) - sign * learning_rate * m_hat / denom
        if return_corrected:
            return new_param, m_hat, v_hat
        return new_param, new_m, new_v
    return fn


def _three_adam_steps(step, param, grads, m, v, learning_rate, **kwargs):
    """Steps t = 1, 2, 3, feeding the returned m and v back in (as an optimizer does)."""
    p = param
    for t, grad in enumerate(grads, start=1):
        out = step(p, grad, m, v, t, learning_rate, **kwargs)
        if not isinstance(out, tuple | list) or len(out) != 3:
            return out
        p, m, v = out
    return p, m, v


_ADAM = "(lesson 07, §6)"

check_adam_step = Checker(
    name="adam_step",
    reference=ref.adam_step,
    kind=TUPLE,
    output_names=("new_param", "new_m", "new_v"),
    verified="m and v as running averages of grad and grad², bias-corrected m̂ and v̂ in the step with t from 1, "
             "uncorrected m and v returned, the beta and eps arguments, three steps in a row, inputs unchanged",
    cases=[
        Case("first step (t = 1) from m = v = 0: param [1, -2, 0.5], grad [0.5, -1, 2], learning rate 0.1",
             (np.array([1.0, -2.0, 0.5]), np.array([0.5, -1.0, 2.0]), np.zeros(3), np.zeros(3), 1, 0.1)),
        Case("step t = 5 with m and v carried in, a (2, 2) matrix, beta1 0.8, beta2 0.99, eps 1e-6",
             (np.array([[0.5, -0.5], [1.0, 0.0]]), np.array([[0.2, -0.4], [1.0, 0.05]]),
              np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([[0.02, 0.05], [0.1, 0.001]]), 5, 0.01),
             kwargs={"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, rtol=1e-4, atol=1e-7),
        Case("small gradients (about 1e-3) at t = 1: the eps term must sit outside the square root",
             (np.array([1.0, 2.0]), np.array([1e-3, -2e-3]), np.zeros(2), np.zeros(2), 1, 0.1),
             rtol=2e-4, atol=1e-7),
        Case("three steps in a row (t = 1, 2, 3), feeding the returned m and v back in",
             (np.array([[0.5, -1.0], [2.0, 0.3]]), [np.array([[1.0, 2.0], [-1.0, 0.5]]),
                                                    np.array([[0.5, 1.0], [-2.0, 0.0]]),
                                                    np.array([[0.2, -1.0], [0.5, 0.1]])],
              np.zeros((2, 2)), np.zeros((2, 2)), 0.05),
             driver=_three_adam_steps,
             hint_if_fails="the m and v you return are fed back in at the next step: return the uncorrected running "
                           "averages, and use t as given (1, 2, 3, ...) " + _ADAM),
    ],
    mistakes=[
        Mistake("no bias correction: in the step use m̂ = m / (1 - beta1**t) and v̂ = v / (1 - beta2**t) — without it the "
                "first steps are far too large or too small, because m and v start at 0 " + _ADAM,
                _adam_variant(correct=False)),
        Mistake("return the uncorrected m and v: the bias-corrected m̂ and v̂ are only for this step's update; the next "
                "step continues the running averages from m and v " + _ADAM, _adam_variant(return_corrected=True)),
        Mistake("t already counts from 1 (the first step has t = 1): the correction is 1 - beta1**t, not "
                "1 - beta1**(t + 1) " + _ADAM, _adam_variant(t_shift=1)),
        Mistake("t already counts from 1: with 1 - beta1**(t - 1) the first step divides by 0 " + _ADAM,
                _adam_variant(t_shift=-1)),
        Mistake("v averages the *squared* gradient: v = beta2 * v + (1 - beta2) * grad**2 " + _ADAM,
                _adam_variant(square=False)),
        Mistake("the step divides by the square root: m̂ / (np.sqrt(v̂) + eps) " + _ADAM, _adam_variant(sqrt=False)),
        Mistake("eps goes outside the square root, m̂ / (np.sqrt(v̂) + eps); inside it changes the step when "
                "gradients are small " + _ADAM, _adam_variant(eps_inside=True)),
        Mistake("beta1 and beta2 are swapped: m uses beta1 (0.9), v uses beta2 (0.999) " + _ADAM,
                _adam_variant(swap_betas=True)),
        Mistake("sign error: step against the gradient, param - learning_rate * m̂ / (sqrt(v̂) + eps) " + _ADAM,
                _adam_variant(sign=-1.0)),
        Mistake("the running averages need the (1 - beta) weight on the new gradient: m = beta1 * m + (1 - beta1) * "
                "grad, v = beta2 * v + (1 - beta2) * grad**2 " + _ADAM, _adam_variant(one_minus=False)),
        Mistake("use the beta1, beta2 and eps you are given, not the default values " + _ADAM,
                _adam_variant(defaults=True)),
        Mistake("the correction is a power, 1 - beta1**t, not 1 - beta1 * t " + _ADAM, _adam_variant(product=True)),
    ],
    mutation_hint="m *= beta1 (or +=, -=) changed the caller's array: build new arrays (new_m = beta1 * m + ...) "
                  "and return them",
)
