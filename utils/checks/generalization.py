"""Checkers for lesson 10 (initialisation, regularisation, early stopping): ``he_init``, ``l2_penalty``,
``l2_backward``, ``dropout_forward``, ``dropout_backward``, ``early_stopping_epoch``.

Random draws are checked without trusting one stream of numbers: ``he_init`` on large draws (mean, standard
deviation and the share within ±1 std of a normal, for three fan-ins) and for using the ``rng`` it is given
(the same seed twice gives the same weights, another seed other weights). Dropout's mask is fixed by the exercise
(``rng.random(inputs.shape) >= rate``), so it is compared exactly with the same random numbers.
"""

from __future__ import annotations

import numpy as np

from utils import layers as layer_ref
from utils import regularization as ref
from utils.checks.core import ARRAY, NUMBER, TUPLE, Case, Checker, Mistake, as_floats, lesson_section
from utils.checks.training import _Factory

_FAN_IN = lesson_section("10", "3. The fan-in rule")
_L2 = lesson_section("10", "5. L2 weight decay")
_DROPOUT = lesson_section("10", "6. Dropout")
_EARLY = lesson_section("10", "7. Early stopping")



# ------------------------------------------------------------------------------ he_init
def _draw(fn, n_inputs, n_neurons, seed):
    """The learner's weights for a fresh ``np.random.default_rng(seed)`` (a seed in the case, so the checker's own
    case data never holds a generator that a call would advance)."""
    return fn(n_inputs, n_neurons, np.random.default_rng(seed))


def _normal_with_std(std: float, shape: tuple):
    """valid(): another draw of the same distribution — any stream — passes when its statistics fit a normal with
    mean 0 and this std: the mean within 0.03 std, the std within 3 %, and 68.3 % ± 1.5 % of the values within ±1
    std (a uniform with the same std has 57.7 %). Each bound is over 4 standard errors at 20,000 draws or more."""
    def valid(got) -> bool:
        if not isinstance(got, np.ndarray) or not np.issubdtype(got.dtype, np.floating):
            return False
        w = as_floats(got)
        if w.shape != shape or not np.all(np.isfinite(w)):
            return False
        inside = float(np.mean(np.abs(w) <= std))
        return (abs(float(w.mean())) < 0.03 * std and abs(float(w.std()) / std - 1) < 0.03
                and abs(inside - 0.6827) < 0.015)
    return valid


def _equal_weights(fn, n_inputs, n_neurons, seed, other_seed):
    """How many weights two calls have in common: with rngs of seeds ``seed`` and ``other_seed`` (the same number:
    all of them; different numbers: none). A result that is not an array of the right shape is passed on as it is,
    so the comparison names it."""
    first = fn(n_inputs, n_neurons, np.random.default_rng(seed))
    second = fn(n_inputs, n_neurons, np.random.default_rng(other_seed))
    for w in (first, second):
        if not isinstance(w, np.ndarray) or w.shape != (n_inputs, n_neurons) or not np.issubdtype(w.dtype, np.number):
            return w
    return np.asarray(float(np.sum(first == second)))


def _scaled_normal(std_of):
    def fn(n_inputs, n_neurons, rng):
        return rng.standard_normal((n_inputs, n_neurons)) * std_of(n_inputs, n_neurons)
    return fn


def _he_uniform(n_inputs, n_neurons, rng):
    bound = np.sqrt(6.0 / n_inputs)
    return rng.uniform(-bound, bound, (n_inputs, n_neurons))


def _he_transposed(n_inputs, n_neurons, rng):
    return rng.standard_normal((n_neurons, n_inputs)) * np.sqrt(2.0 / n_inputs)


def _fixed_rng(n_inputs, n_neurons, rng):
    return np.random.default_rng(0).standard_normal((n_inputs, n_neurons)) * np.sqrt(2.0 / n_inputs)


class _MeasuringChecker(Checker):
    """A checker some of whose cases return a measurement (how many weights agree), not the exercise's output: no
    generic relation between two such counts is a diagnosis, so a failing measurement is explained by its case's
    own hint, which states what was measured."""

    def _diagnose_case(self, j, outputs, expecteds, passed, warnings_of, student_fn=None):
        if self.cases[j].driver is _equal_weights:
            return None
        return super()._diagnose_case(j, outputs, expecteds, passed, warnings_of, student_fn)


def _he_case(n_inputs, n_neurons, seed, note):
    std = np.sqrt(2.0 / n_inputs)
    return Case(f"he_init({n_inputs}, {n_neurons}, np.random.default_rng({seed})): {note}, std √(2/{n_inputs}) = "
                f"{std:.4g}", (n_inputs, n_neurons, seed), driver=_draw, valid=_normal_with_std(std, (n_inputs, n_neurons)),
                hint_if_fails=(f"measure your draws: np.std(W) should be close to √(2 / n_inputs) = {std:.4g}, np.mean(W) "
                               "close to 0, and about 68 % of the values within ±1 std, as for a normal distribution"))


check_he_init = _MeasuringChecker(
    name="he_init",
    reference=layer_ref.he_init,
    kind=ARRAY,
    verified="shape (n_inputs, n_neurons); mean 0, std √(2 / n_inputs) and a normal's shape on 20,000 or more draws for "
             "three fan-ins; drawn from the rng given (same seed → same weights, other seed → other weights)",
    section=_FAN_IN,
    about="He initialisation draws every weight from a normal distribution with mean 0 and standard deviation "
          "√(2 / n_inputs), using the random generator it is given.",
    cases=[
        _he_case(250, 200, 101, "50,000 draws"),
        _he_case(8, 5000, 202, "a fan-in of 8, 40,000 draws"),
        _he_case(1, 20000, 303, "one input, 20,000 draws"),
        Case("two calls he_init(3, 4, rng), each with a fresh np.random.default_rng(404): how many of the 12 weights "
             "are equal (the same seed must give the same weights)", (3, 4, 404, 404), driver=_equal_weights,
             hint_if_fails="two generators with the same seed gave different weights: draw from the `rng` argument "
                           "(rng.standard_normal or rng.normal), not from np.random.randn or np.random.normal"),
        Case("he_init(3, 4, rng) with rngs seeded 404 and 405: how many of the 12 weights are equal (another seed "
             "must give other weights)", (3, 4, 404, 405), driver=_equal_weights,
             hint_if_fails="generators with different seeds gave the same weights: your function does not draw from "
                           "the `rng` it is given (a fixed np.random.default_rng(0) or np.random.seed inside?)"),
    ],
    mistakes=[
        Mistake("the standard deviation is √(1 / n_inputs) (Xavier): He uses √(2 / n_inputs) — the 2 makes up for "
                "ReLU zeroing half of the values", _scaled_normal(lambda n, m: np.sqrt(1.0 / n))),
        Mistake("2 / n_inputs is the variance: the standard deviation is its square root, √(2 / n_inputs)",
                _scaled_normal(lambda n, m: 2.0 / n)),
        Mistake("divided by n_inputs instead of its square root: std = np.sqrt(2 / n_inputs)",
                _scaled_normal(lambda n, m: np.sqrt(2.0) / n)),
        Mistake("the fan-in is n_inputs, the number of inputs each neuron sums over: std = √(2 / n_inputs), "
                "not √(2 / n_neurons)", _scaled_normal(lambda n, m: np.sqrt(2.0 / m))),
        Mistake("that is Glorot's average of fan-in and fan-out, √(2 / (n_inputs + n_neurons)): He uses the fan-in "
                "alone, √(2 / n_inputs)", _scaled_normal(lambda n, m: np.sqrt(2.0 / (n + m)))),
        Mistake("the weights are not scaled: multiply the standard normal by √(2 / n_inputs)",
                _scaled_normal(lambda n, m: 1.0)),
        Mistake("that is 0.01 × standard normal, the small start of the earlier lessons: He scales by √(2 / n_inputs)",
                _scaled_normal(lambda n, m: 0.01)),
        Mistake("that is He's uniform variant, U(−√(6 / n_inputs), √(6 / n_inputs)): the exercise asks for a normal "
                "distribution (rng.standard_normal or rng.normal)", _he_uniform),
        Mistake("the shape is transposed: Dense weights are (n_inputs, n_neurons)", _he_transposed),
        Mistake("a new np.random.default_rng(0) inside the function ignores the rng you are given: draw from `rng`",
                _fixed_rng),
    ],
)


# ------------------------------------------------------------------------------ l2_penalty, l2_backward
def _make_layers(weights: list, biases: list, extras: tuple = ()):
    """Dense layers with these weights and biases, with ``extras`` (activation, dropout objects) after each but the
    last, built fresh for every call."""
    from utils.activations import ReLU
    from utils.layers import Dense

    made = []
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        dense = Dense(*np.shape(w))
        dense.weights, dense.biases = as_floats(w).copy(), as_floats(b).copy()
        made.append(dense)
        if i < len(weights) - 1:
            made.append(extras[i]() if i < len(extras) else ReLU())
    return made


def _random_layers(sizes, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:], strict=False)]
    biases = [0.5 * rng.standard_normal((1, b)) for b in sizes[1:]]
    return weights, biases


def _dropout_layer():
    return ref.Dropout(0.5, np.random.default_rng(0))


_TWO_LAYERS = ([[[1.0, -2.0], [0.5, 3.0]], [[2.0], [-1.0]]], [[[1.0, 1.0]], [[5.0]]])
_THREE_LAYERS = _random_layers([3, 4, 4, 2], 7)


class LayersChanged(ValueError):
    """The learner's l2_penalty changed the weights or biases of the layers it was given."""


def _with_layers(fn, make_layers, lam):
    """Call the learner's function on freshly built layers; a function that changes their weights or biases in
    place (``layer.weights **= 2``) is rejected with that fact, since a penalty must only read the network."""
    layers = make_layers()
    result = fn(layers, lam)
    for mine, fresh in zip(layers, make_layers(), strict=True):
        for name in ("weights", "biases"):
            if hasattr(fresh, name) and not np.array_equal(getattr(mine, name, None), getattr(fresh, name)):
                raise LayersChanged(f"l2_penalty changed layer.{name} of the network in place — compute with a new "
                                    f"array (np.sum(layer.{name} ** 2)), never **= or *= on the layer's own arrays")
    return result


def _weights(layers):
    return [layer.weights for layer in layers if hasattr(layer, "weights")]


def _pen(per_layer, biases=False):
    def fn(layers, lam):
        total = 0.0
        for layer in layers:
            if hasattr(layer, "weights"):
                total += per_layer(layer.weights, lam)
                if biases:
                    total += per_layer(layer.biases, lam)
        return total
    return fn


def _pen_last_only(layers, lam):
    return lam * float(np.sum(_weights(layers)[-1] ** 2))


def _pen_first_only(layers, lam):
    return lam * float(np.sum(_weights(layers)[0] ** 2))


check_l2_penalty = Checker(
    name="l2_penalty",
    reference=ref.l2_penalty,
    kind=NUMBER,
    verified="lam × the sum of squared weights over every layer with weights, biases not penalised, activation and "
             "dropout layers skipped, lam = 0",
    section=_L2,
    about="The L2 penalty is lam × Σ w² over the weights of every Dense layer; biases are not penalised.",
    cases=[
        Case("[Dense(2, 2), ReLU(), Dense(2, 1)], weights [[1, -2], [0.5, 3]] and [[2], [-1]], biases [[1, 1]] and "
             "[[5]], lam 0.01", (_Factory(_make_layers, *_TWO_LAYERS, text="two Dense layers"), 0.01),
             driver=_with_layers),
        Case("three Dense layers 3-4-4-2 with Dropout between them, lam 0.001",
             (_Factory(_make_layers, *_THREE_LAYERS, (_dropout_layer, _dropout_layer), text="three Dense layers"),
              0.001), driver=_with_layers,
             hint_if_fails="add up the squared weights of every layer that has `weights`, skipping the others"),
        Case("one Dense(2, 3) layer, lam 0.5", (_Factory(_make_layers, [[[0.2, -0.4, 1.0], [-1.5, 0.0, 0.3]]],
                                                          [[[0.1, -0.2, 0.3]]], text="one Dense layer"), 0.5),
             driver=_with_layers),
        Case("lam 0: no penalty", (_Factory(_make_layers, *_TWO_LAYERS, text="two Dense layers"), 0.0),
             driver=_with_layers),
    ],
    mistakes=[
        Mistake("the biases were penalised too: L2 adds up the squared *weights* only (layer.weights)",
                _pen(lambda w, lam: lam * np.sum(w**2), biases=True)),
        Mistake("lam is missing: the penalty is lam × Σ weights²", _pen(lambda w, lam: np.sum(w**2))),
        Mistake("that is half the penalty (lam / 2 × Σ w², another common convention): this exercise uses "
                "lam × Σ weights², whose gradient is 2 × lam × weights", _pen(lambda w, lam: 0.5 * lam * np.sum(w**2))),
        Mistake("the penalty is lam × Σ weights², not 2 × lam × Σ weights² (the 2 appears in the gradient)",
                _pen(lambda w, lam: 2 * lam * np.sum(w**2))),
        Mistake("the weights must be squared before they are added up: lam × Σ weights² (that was lam × Σ |w|, L1)",
                _pen(lambda w, lam: lam * np.sum(np.abs(w)))),
        Mistake("the weights must be squared before they are added up: lam × Σ weights² (that was lam × Σ w)",
                _pen(lambda w, lam: lam * np.sum(w))),
        Mistake("that is the norm ‖W‖ = √(Σ w²) of each layer: L2 uses the squared norm, Σ w², without the root",
                _pen(lambda w, lam: lam * np.sqrt(np.sum(w**2)))),
        Mistake("np.mean averages the squared weights: the penalty is their sum (np.sum)",
                _pen(lambda w, lam: lam * np.mean(w**2))),
        Mistake("only the last layer's weights were counted: add every layer's Σ w² to a running total "
                "(total += ...), not total = ...", _pen_last_only),
        Mistake("only the first layer's weights were counted: loop over every layer and add each one's Σ w²",
                _pen_first_only),
    ],
)


check_l2_backward = Checker(
    name="l2_backward",
    reference=ref.l2_backward,
    kind=ARRAY,
    verified="2 × lam × weights for matrices of several shapes, negative weights and lam = 0, weights unchanged",
    section=_L2,
    about="The derivative of lam × Σ w² with respect to each weight w is 2 × lam × w.",
    cases=[
        Case("weights [[1, -2, 0.5], [3, 0, -1]], lam 0.1", (np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]), 0.1)),
        Case("weights of shape (4, 1), lam 0.25", (np.array([[0.3], [-0.7], [1.2], [-2.0]]), 0.25)),
        Case("lam 0: no gradient from the penalty", (np.array([[1.0, -1.0]]), 0.0)),
        Case("a (2, 2) matrix of small weights, lam 0.003", (np.array([[0.01, -0.02], [0.04, 0.0]]), 0.003)),
    ],
    mistakes=[
        Mistake("the 2 is missing: the derivative of lam × w² is 2 × lam × w",
                lambda weights, lam: lam * as_floats(weights)),
        Mistake("that is the penalty itself, lam × w²: its derivative is 2 × lam × w",
                lambda weights, lam: lam * as_floats(weights) ** 2),
        Mistake("that is the L1 gradient, lam × sign(w): the derivative of lam × w² is 2 × lam × w",
                lambda weights, lam: lam * np.sign(as_floats(weights))),
        Mistake("the gradient is 2 × lam × weights, one value per weight: multiply by the weights",
                lambda weights, lam: np.full(np.shape(weights), 2.0 * lam)),
        Mistake("np.sum adds the weights up into one number: the gradient has one value per weight, "
                "2 * lam * weights", lambda weights, lam: 2.0 * lam * np.sum(as_floats(weights))),
        Mistake("that is an update step, weights − 2 × lam × weights: return only the gradient, 2 × lam × weights",
                lambda weights, lam: as_floats(weights) - 2 * lam * as_floats(weights)),
        Mistake("the sign is flipped: the gradient of lam × w² is +2 × lam × w (the optimizer subtracts it)",
                lambda weights, lam: -2 * lam * as_floats(weights)),
    ],
    mutation_hint="weights *= ... changed the caller's weights: return a new array (2 * lam * weights)",
)


# ------------------------------------------------------------------------------ dropout_forward, dropout_backward
def _drop(fn, inputs, rate, seed, **kwargs):
    """The learner's dropout with a fresh ``np.random.default_rng(seed)``."""
    return fn(inputs, rate, np.random.default_rng(seed), **kwargs)


def _dropout_with(keep, scale_train, inference):
    """A dropout variant: keep(r, rate) -> bool mask from the random numbers; scale_train(rate) -> factor of the
    kept values in training; inference(inputs, rate) -> (output, mask) when training is False."""
    def fn(inputs, rate, rng, training=True):
        x = as_floats(inputs)
        if not training:
            return inference(x, rate)
        mask = keep(rng.random(x.shape), rate) * scale_train(rate)
        return x * mask, mask
    return fn


def _right_inference(x, rate):
    return x, np.ones_like(x)


def _keep(r, rate):
    return r >= rate


_INV = lambda rate: 1.0 / (1.0 - rate)  # noqa: E731


def _dropout_mask_unscaled(inputs, rate, rng, training=True):
    x = as_floats(inputs)
    if not training:
        return x, np.ones_like(x)
    keep = (rng.random(x.shape) >= rate).astype(float)
    return x * keep / (1.0 - rate), keep


def _dropout_binomial(inputs, rate, rng, training=True):
    x = as_floats(inputs)
    if not training:
        return x, np.ones_like(x)
    mask = rng.binomial(1, 1.0 - rate, x.shape) / (1.0 - rate)
    return x * mask, mask


def _dropout_per_feature(inputs, rate, rng, training=True):
    x = as_floats(inputs)
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape[-1]) >= rate) / (1.0 - rate) * np.ones_like(x)
    return x * mask, mask


def _dropout_swapped(inputs, rate, rng, training=True):
    out, mask = ref.dropout_forward(inputs, rate, rng, training)
    return mask, out


_X_DROP = np.array([[1.0, -2.0, 3.0, 0.5, -1.5], [2.0, 0.25, -0.75, 4.0, -3.0], [-1.0, 1.0, 2.5, -0.5, 0.0],
                    [0.3, -0.6, 0.9, -1.2, 1.5]])
_X_SMALL = np.array([[0.5, -1.0, 2.0, 1.5, -2.5, 3.0]])

check_dropout_forward = Checker(
    name="dropout_forward",
    reference=ref.dropout_forward,
    kind=TUPLE,
    output_names=("output", "mask"),
    verified="mask = (rng.random(inputs.shape) >= rate) / (1 - rate) and output = inputs × mask for rates 0.2, 0.5, "
             "0.9 and 0, a batch of one, inference (output = inputs, mask of ones), inputs unchanged",
    section=_DROPOUT,
    about="Inverted dropout keeps each value with probability 1 − rate and divides the kept ones by 1 − rate, so "
          "the expected output equals the input; at inference it does nothing.",
    cases=[
        Case("inputs (4, 5), rate 0.5, rng = np.random.default_rng(1), training", (_X_DROP, 0.5, 1), driver=_drop),
        Case("inputs (4, 5), rate 0.2, rng seed 2, training", (_X_DROP, 0.2, 2), driver=_drop),
        Case("rate 0: nothing is dropped, output = inputs and the mask is all ones", (_X_DROP, 0.0, 3), driver=_drop),
        Case("a batch of one sample (1, 6), rate 0.9 (kept values × 10), rng seed 4", (_X_SMALL, 0.9, 4),
             driver=_drop),
        Case("inference: training=False, rate 0.5 — output = inputs, mask of ones", (_X_DROP, 0.5, 5),
             {"training": False}, driver=_drop,
             hint_if_fails="with training=False, return the inputs unchanged and a mask of ones "
                           "(np.ones_like(inputs)): inverted dropout already scaled during training"),
    ],
    mistakes=[
        Mistake("the kept values are not scaled: divide the mask by (1 - rate), so the expected output equals "
                "the input", _dropout_with(_keep, lambda rate: 1.0, _right_inference)),
        Mistake("scale by 1 / (1 - rate), the probability of keeping a value, not by 1 / rate",
                _dropout_with(_keep, lambda rate: 1.0 / rate, _right_inference)),
        Mistake("that multiplies by (1 - rate), the classic dropout of inference time: inverted dropout divides "
                "the kept values by (1 - rate) during training", _dropout_with(_keep, lambda rate: 1.0 - rate,
                                                                               _right_inference)),
        Mistake("the mask keeps the wrong values: keep where rng.random(inputs.shape) >= rate (values below rate "
                "are dropped)", _dropout_with(lambda r, rate: r < rate, _INV, _right_inference)),
        Mistake("keep where rng.random(inputs.shape) >= rate, as the exercise says: `< 1 - rate` keeps as many on "
                "average, but other values than the checker's (it draws the same random numbers)",
                _dropout_with(lambda r, rate: r < 1.0 - rate, _INV, _right_inference)),
        Mistake("training=False was ignored: at inference dropout returns the inputs unchanged and a mask of ones",
                _dropout_with(_keep, _INV, lambda x, rate: ref.dropout_forward(x, rate, np.random.default_rng(5)))),
        Mistake("at inference inverted dropout does nothing: return the inputs unchanged (the training-time "
                "1 / (1 - rate) already keeps the expected output right)",
                _dropout_with(_keep, _INV, lambda x, rate: (x * (1 - rate), np.full_like(x, 1 - rate)))),
        Mistake("at inference inverted dropout does nothing: return the inputs unchanged (the training-time "
                "1 / (1 - rate) already keeps the expected output right)",
                _dropout_with(_keep, _INV, lambda x, rate: (x * (1 - rate), np.ones_like(x)))),
        Mistake("the mask you return must be the scaled one, (rng.random(inputs.shape) >= rate) / (1 - rate): "
                "dropout_backward multiplies the gradient by it", _dropout_mask_unscaled),
        Mistake("draw the mask as the exercise says, rng.random(inputs.shape) >= rate: rng.binomial keeps as many "
                "on average, but other values than the checker's (it draws the same random numbers)",
                _dropout_binomial),
        Mistake("one random number per feature drops whole columns for every sample: draw one per value, "
                "rng.random(inputs.shape)", _dropout_per_feature),
        Mistake("return (output, mask) in this order", _dropout_swapped),
    ],
    mutation_hint="inputs *= mask changed the caller's array: return a new one (output = inputs * mask)",
)


check_dropout_backward = Checker(
    name="dropout_backward",
    reference=ref.dropout_backward,
    kind=ARRAY,
    verified="dinputs = dvalues × mask for masks of rates 0.5, 0.2 and 0 (all ones), a batch of one, inputs unchanged",
    section=_DROPOUT,
    about="A dropped value passed nothing forward, so it gets no gradient; a kept one was multiplied by the mask, "
          "so its gradient is too.",
    cases=[
        Case("dvalues (2, 3), mask of rate 0.5 (values 0 and 2)",
             (np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]), np.array([[2.0, 0.0, 2.0], [0.0, 0.0, 2.0]]))),
        Case("dvalues (3, 2), mask of rate 0.2 (values 0 and 1.25)",
             (np.array([[1.0, -2.0], [0.4, 0.8], [-1.6, 3.2]]), np.array([[1.25, 1.25], [0.0, 1.25], [1.25, 0.0]]))),
        Case("a mask of ones (rate 0, or inference): the gradient passes unchanged",
             (np.array([[0.3, -0.7, 1.1, 0.0]]), np.ones((1, 4)))),
        Case("a batch of one, mask of rate 0.75 (values 0 and 4)",
             (np.array([[2.0, -1.0, 0.5, 3.0, -0.25]]), np.array([[4.0, 0.0, 0.0, 4.0, 4.0]]))),
    ],
    mistakes=[
        Mistake("multiply by the mask, do not divide: dinputs = dvalues * mask",
                lambda dvalues, mask: as_floats(dvalues) / as_floats(mask)),
        Mistake("the kept gradients must be scaled like the kept values: multiply by the mask itself (its kept "
                "entries are 1 / (1 - rate)), not by mask > 0", lambda dvalues, mask: as_floats(dvalues) * (as_floats(mask) > 0)),
        Mistake("the gradient passes through dropout multiplied by the mask: dinputs = dvalues * mask",
                lambda dvalues, mask: as_floats(dvalues).copy()),
        Mistake("that returns the mask: the gradient is dvalues * mask", lambda dvalues, mask: as_floats(mask).copy()),
    ],
    mutation_hint="dvalues *= mask changed the caller's array: return a new one (dvalues * mask)",
)


# ------------------------------------------------------------------------------ early_stopping_epoch
def _es_global_best(val_losses, patience):
    return int(np.argmin(val_losses))


def _es_loop(improves, stop, one_based=False, returns="best"):
    """An early-stopping variant: improves(loss, best_loss, previous) -> bool; stop(waited, patience) -> bool;
    returns 'best' or 'stop' (the epoch training stopped at)."""
    def fn(val_losses, patience):
        losses = [float(v) for v in val_losses]
        best, waited, epoch = 0, 0, 0
        for epoch in range(1, len(losses)):
            if improves(losses[epoch], losses[best], losses[epoch - 1]):
                best, waited = epoch, 0
            else:
                waited += 1
                if stop(waited, patience):
                    break
        answer = best if returns == "best" else epoch
        return answer + 1 if one_based else answer
    return fn


def _strict(loss, best, previous):
    return loss < best


def _at_patience(waited, patience):
    return waited >= patience


def _es_stop_minus_patience(val_losses, patience):
    return len(val_losses) - 1 - patience


check_early_stopping_epoch = Checker(
    name="early_stopping_epoch",
    reference=ref.early_stopping_epoch,
    kind=NUMBER,
    verified="the best epoch (from 0) up to the stop, ties not an improvement, a lower loss after the stop ignored, "
             "patience longer than the run, an improvement at the last epoch, patience 1, a run of one epoch",
    section=_EARLY,
    about="Early stopping watches the validation loss epoch by epoch, stops after `patience` epochs in a row "
          "without a new best, and keeps the weights of the best epoch it has seen.",
    cases=[
        Case("val_losses [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], patience 3: stops after epoch 5, before the 0.6",
             ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], 3), rtol=0, atol=0),
        Case("patience 10, longer than the run: [0.9, 0.5, 0.6, 0.55]", ([0.9, 0.5, 0.6, 0.55], 10), rtol=0, atol=0),
        Case("ties are no improvement: [0.9, 0.5, 0.5, 0.5, 0.4], patience 2", ([0.9, 0.5, 0.5, 0.5, 0.4], 2),
             rtol=0, atol=0),
        Case("an improvement at the last epoch: [1.0, 0.9, 0.95, 0.8], patience 2", ([1.0, 0.9, 0.95, 0.8], 2),
             rtol=0, atol=0),
        Case("exactly `patience` epochs without improvement stop the run: [1.0, 0.5, 0.6, 0.7, 0.8, 0.3], patience 3",
             ([1.0, 0.5, 0.6, 0.7, 0.8, 0.3], 3), rtol=0, atol=0),
        Case("a lower loss long after the stop: [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.3], patience 3",
             ([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.3], 3), rtol=0, atol=0),
        Case("patience 1: [0.5, 0.6, 0.4]", ([0.5, 0.6, 0.4], 1), rtol=0, atol=0),
        Case("a run of one epoch: [0.7], patience 3", ([0.7], 3), rtol=0, atol=0),
        Case("a numpy array [2.0, 1.0, 1.5, 0.9, 1.2, 1.3], patience 2", (np.array([2.0, 1.0, 1.5, 0.9, 1.2, 1.3]), 2),
             rtol=0, atol=0),
    ],
    mistakes=[
        Mistake("that is the best epoch of the whole run (np.argmin): training stops after `patience` epochs without "
                "improvement, so epochs after the stop are never seen", _es_global_best, rtol=0, atol=0),
        Mistake("a tie is not an improvement: a new best needs a strictly lower loss (<, not <=)",
                _es_loop(lambda loss, best, prev: loss <= best, _at_patience), rtol=0, atol=0),
        Mistake("training stops once `patience` epochs in a row have not improved (waited >= patience), not one "
                "epoch later", _es_loop(_strict, lambda waited, patience: waited > patience), rtol=0, atol=0),
        Mistake("training stops once `patience` epochs in a row have not improved, not one epoch earlier",
                _es_loop(_strict, lambda waited, patience: waited >= patience - 1), rtol=0, atol=0),
        Mistake("compare each loss with the best so far, not with the epoch before it",
                _es_loop(lambda loss, best, prev: loss < prev, _at_patience), rtol=0, atol=0),
        Mistake("that is the epoch training stopped at: return the best epoch, whose weights are kept",
                _es_loop(_strict, _at_patience, returns="stop"), rtol=0, atol=0),
        Mistake("that is the best validation loss: return its epoch (the index into val_losses)",
                lambda val_losses, patience: float(val_losses[ref.early_stopping_epoch(val_losses, patience)]),
                rtol=0, atol=0),
        Mistake("epochs count from 0 here (an index into val_losses): the first epoch is 0",
                _es_loop(_strict, _at_patience, one_based=True), rtol=0, atol=0),
        Mistake("the stop epoch minus patience is the best epoch only when the run stopped early: when it ends first, "
                "the best epoch is the lowest loss", _es_stop_minus_patience, rtol=0, atol=0),
        Mistake("compare each loss with the best so far, not with the epoch before it (and stop at `patience`)",
                _es_loop(lambda loss, best, prev: loss < prev, lambda waited, patience: waited > patience),
                rtol=0, atol=0),
    ],
)
