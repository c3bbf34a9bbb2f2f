"""Checkers of lesson 10 (he_init, l2_penalty, l2_backward, dropout_forward, dropout_backward, early_stopping_epoch):
realistic wrong answers, written the way a learner would, fail with the hint that names the mistake; valid
alternatives pass; nothing a learner can hand in makes a checker raise or changes the case data."""

from __future__ import annotations

import numpy as np
import pytest
from checker_harness import assert_prints_pass, assert_prints_rejection

from utils import checks


# ------------------------------------------------------------------------------ he_init
def _he_xavier(n_inputs, n_neurons, rng):
    return rng.normal(0, np.sqrt(1 / n_inputs), size=(n_inputs, n_neurons))


def _he_variance(n_inputs, n_neurons, rng):
    return rng.normal(0, 2 / n_inputs, size=(n_inputs, n_neurons))


def _he_fan_out(n_inputs, n_neurons, rng):
    return rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2 / n_neurons)


def _he_glorot(n_inputs, n_neurons, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (n_inputs + n_neurons)), (n_inputs, n_neurons))


def _he_uniform(n_inputs, n_neurons, rng):
    limit = np.sqrt(6 / n_inputs)
    return rng.uniform(-limit, limit, size=(n_inputs, n_neurons))


def _he_transposed(n_inputs, n_neurons, rng):
    return rng.normal(0, np.sqrt(2 / n_inputs), size=(n_neurons, n_inputs))


def _he_global_random(n_inputs, n_neurons, rng):
    return np.random.randn(n_inputs, n_neurons) * np.sqrt(2 / n_inputs)


def _he_fixed_seed(n_inputs, n_neurons, rng):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2 / n_inputs)


def _he_other_fixed_seed(n_inputs, n_neurons, rng):
    return np.random.default_rng(42).standard_normal((n_inputs, n_neurons)) * np.sqrt(2 / n_inputs)


def _he_unscaled(n_inputs, n_neurons, rng):
    return rng.standard_normal((n_inputs, n_neurons))


def _he_divided_by_n(n_inputs, n_neurons, rng):
    return rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2) / n_inputs


def _he_small(n_inputs, n_neurons, rng):
    return 0.01 * rng.standard_normal((n_inputs, n_neurons))


def _he_list(n_inputs, n_neurons, rng):
    return (rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2 / n_inputs)).tolist()


def _he_no_return(n_inputs, n_neurons, rng):
    rng.standard_normal((n_inputs, n_neurons)) * np.sqrt(2 / n_inputs)


# ------------------------------------------------------------------------------ l2_penalty
def _pen_with_biases(layers, lam):
    total = 0
    for layer in layers:
        if hasattr(layer, "weights"):
            total += np.sum(layer.weights**2) + np.sum(layer.biases**2)
    return lam * total


def _pen_no_lam(layers, lam):
    return sum(np.sum(layer.weights**2) for layer in layers if hasattr(layer, "weights"))


def _pen_half(layers, lam):
    return 0.5 * lam * sum(np.sum(layer.weights**2) for layer in layers if hasattr(layer, "weights"))


def _pen_l1(layers, lam):
    return lam * sum(np.sum(np.abs(layer.weights)) for layer in layers if hasattr(layer, "weights"))


def _pen_norm(layers, lam):
    return lam * sum(np.linalg.norm(layer.weights) for layer in layers if hasattr(layer, "weights"))


def _pen_mean(layers, lam):
    return lam * sum(np.mean(layer.weights**2) for layer in layers if hasattr(layer, "weights"))


def _pen_overwrite(layers, lam):
    penalty = 0.0
    for layer in layers:
        if hasattr(layer, "weights"):
            penalty = lam * np.sum(layer.weights**2)
    return penalty


def _pen_first(layers, lam):
    return lam * np.sum(layers[0].weights ** 2)


def _pen_every_layer(layers, lam):
    return lam * sum(np.sum(layer.weights**2) for layer in layers)


def _pen_twice(layers, lam):
    return 2 * lam * sum(np.sum(layer.weights * layer.weights) for layer in layers if hasattr(layer, "weights"))


def _pen_inplace(layers, lam):
    total = 0.0
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights **= 2
            total += layer.weights.sum()
    return lam * total


def _pen_unsquared(layers, lam):
    return lam * sum(layer.weights.sum() for layer in layers if hasattr(layer, "weights"))


# ------------------------------------------------------------------------------ l2_backward
def _l2b_no_two(weights, lam):
    return lam * weights


def _l2b_penalty(weights, lam):
    return lam * weights**2


def _l2b_l1(weights, lam):
    return lam * np.sign(weights)


def _l2b_scalar(weights, lam):
    return 2 * lam


def _l2b_update(weights, lam):
    return weights - 2 * lam * weights


def _l2b_inplace(weights, lam):
    weights *= 2 * lam
    return weights


def _l2b_minus(weights, lam):
    return -2 * lam * weights


def _l2b_sum(weights, lam):
    return 2 * lam * np.sum(weights)


# ------------------------------------------------------------------------------ dropout_forward
def _do_unscaled(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate).astype(float)
    return inputs * mask, mask


def _do_by_rate(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate) / rate
    return inputs * mask, mask


def _do_times_keep(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate) * (1 - rate)
    return inputs * mask, mask


def _do_keep_below(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) < rate) / (1 - rate)
    return inputs * mask, mask


def _do_keep_prob(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) < 1 - rate) / (1 - rate)
    return inputs * mask, mask


def _do_ignores_training(inputs, rate, rng, training=True):
    mask = (rng.random(inputs.shape) >= rate) / (1 - rate)
    return inputs * mask, mask


def _do_classic_inference(inputs, rate, rng, training=True):
    if not training:
        return inputs * (1 - rate), np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate) / (1 - rate)
    return inputs * mask, mask


def _do_bool_mask_returned(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    keep = rng.random(inputs.shape) >= rate
    return inputs * keep / (1 - rate), keep


def _do_binomial(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones(inputs.shape)
    mask = rng.binomial(1, 1 - rate, size=inputs.shape) / (1 - rate)
    return inputs * mask, mask


def _do_per_feature(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape[1]) >= rate) / (1 - rate)
    return inputs * mask, mask * np.ones_like(inputs)


def _do_inplace(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (rng.random(inputs.shape) >= rate) / (1 - rate)
    inputs *= mask
    return inputs, mask


def _do_swapped(inputs, rate, rng, training=True):
    if not training:
        return np.ones_like(inputs), inputs
    mask = (rng.random(inputs.shape) >= rate) / (1 - rate)
    return mask, inputs * mask


def _do_global_random(inputs, rate, rng, training=True):
    if not training:
        return inputs, np.ones_like(inputs)
    mask = (np.random.rand(*inputs.shape) >= rate) / (1 - rate)
    return inputs * mask, mask


# ------------------------------------------------------------------------------ dropout_backward
def _db_divide(dvalues, mask):
    return dvalues / mask


def _db_bool(dvalues, mask):
    return dvalues * (mask > 0)


def _db_identity(dvalues, mask):
    return dvalues


def _db_mask(dvalues, mask):
    return mask


def _db_inplace(dvalues, mask):
    dvalues *= mask
    return dvalues


def _db_matmul(dvalues, mask):
    return dvalues @ mask.T


# ------------------------------------------------------------------------------ early_stopping_epoch
def _es_argmin(val_losses, patience):
    return int(np.argmin(val_losses))


def _es_loop(val_losses, patience, *, tie=False, late=False, previous=False, stop_epoch=False, one_based=False):
    best, best_loss, waited, epoch = 0, val_losses[0], 0, 0
    for epoch in range(1, len(val_losses)):
        reference = val_losses[epoch - 1] if previous else best_loss
        better = val_losses[epoch] <= reference if tie else val_losses[epoch] < reference
        if better:
            best, best_loss, waited = epoch, val_losses[epoch], 0
        else:
            waited += 1
            if (waited > patience) if late else (waited == patience):
                break
    answer = epoch if stop_epoch else best
    return answer + 1 if one_based else answer


def _es_ties(val_losses, patience):
    return _es_loop(val_losses, patience, tie=True)


def _es_late(val_losses, patience):
    return _es_loop(val_losses, patience, late=True)


def _es_previous(val_losses, patience):
    return _es_loop(val_losses, patience, previous=True)


def _es_stop(val_losses, patience):
    return _es_loop(val_losses, patience, stop_epoch=True)


def _es_one_based(val_losses, patience):
    return _es_loop(val_losses, patience, one_based=True)


def _es_minus_patience(val_losses, patience):
    return len(val_losses) - 1 - patience


def _es_min_value(val_losses, patience):
    best, waited = val_losses[0], 0
    for loss in val_losses[1:]:
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


WRONG = [
    ("he_init", _he_xavier, "√(1 / n_inputs) (Xavier)"),
    ("he_init", _he_variance, "is the variance"),
    ("he_init", _he_fan_out, "not √(2 / n_neurons)"),
    ("he_init", _he_glorot, "Glorot's average"),
    ("he_init", _he_uniform, "uniform variant"),
    ("he_init", _he_transposed, "transposed"),
    ("he_init", _he_global_random, "draw from the `rng` argument"),
    ("he_init", _he_fixed_seed, "new np.random.default_rng(0)"),
    ("he_init", _he_other_fixed_seed, "does not draw from the `rng`"),
    ("he_init", _he_unscaled, "not scaled"),
    ("he_init", _he_divided_by_n, "instead of its square root"),
    ("he_init", _he_small, "0.01 × standard normal"),
    ("he_init", _he_list, "numpy array"),
    ("he_init", _he_no_return, "forget `return`"),
    ("l2_penalty", _pen_with_biases, "biases were penalised"),
    ("l2_penalty", _pen_no_lam, "lam is missing"),
    ("l2_penalty", _pen_half, "half the penalty"),
    ("l2_penalty", _pen_l1, "L1"),
    ("l2_penalty", _pen_norm, "the norm"),
    ("l2_penalty", _pen_mean, "np.mean"),
    ("l2_penalty", _pen_overwrite, "only the last layer"),
    ("l2_penalty", _pen_first, "only the first layer"),
    ("l2_penalty", _pen_every_layer, "has no attribute 'weights'"),
    ("l2_penalty", _pen_twice, "not 2 × lam"),
    ("l2_penalty", _pen_unsquared, "squared before"),
    ("l2_penalty", _pen_inplace, "changed layer.weights of the network in place"),
    ("l2_backward", _l2b_no_two, "the 2 is missing"),
    ("l2_backward", _l2b_penalty, "the penalty itself"),
    ("l2_backward", _l2b_l1, "L1 gradient"),
    ("l2_backward", _l2b_scalar, "single number"),
    ("l2_backward", _l2b_update, "update step"),
    ("l2_backward", _l2b_inplace, "return a new array"),
    ("l2_backward", _l2b_minus, "sign is flipped"),
    ("l2_backward", _l2b_sum, "one value per weight"),
    ("dropout_forward", _do_unscaled, "not scaled"),
    ("dropout_forward", _do_by_rate, "not by 1 / rate"),
    ("dropout_forward", _do_times_keep, "classic dropout"),
    ("dropout_forward", _do_keep_below, "keeps the wrong values"),
    ("dropout_forward", _do_keep_prob, "`< 1 - rate`"),
    ("dropout_forward", _do_ignores_training, "training=False was ignored"),
    ("dropout_forward", _do_classic_inference, "at inference inverted dropout does nothing"),
    ("dropout_forward", _do_bool_mask_returned, "dtype bool"),
    ("dropout_forward", _do_binomial, "rng.binomial"),
    ("dropout_forward", _do_per_feature, "whole columns"),
    ("dropout_forward", _do_inplace, "return a new one"),
    ("dropout_forward", _do_swapped, "(output, mask) in this order"),
    ("dropout_backward", _db_divide, "do not divide"),
    ("dropout_backward", _db_bool, "not by mask > 0"),
    ("dropout_backward", _db_identity, "multiplied by the mask"),
    ("dropout_backward", _db_mask, "returns the mask"),
    ("dropout_backward", _db_inplace, "return a new one"),
    ("dropout_backward", _db_matmul, "shape"),
    ("early_stopping_epoch", _es_argmin, "np.argmin"),
    ("early_stopping_epoch", _es_ties, "a tie is not an improvement"),
    ("early_stopping_epoch", _es_late, "not one epoch later"),
    ("early_stopping_epoch", _es_previous, "not with the epoch before it"),
    ("early_stopping_epoch", _es_stop, "the epoch training stopped at"),
    ("early_stopping_epoch", _es_one_based, "count from 0"),
    ("early_stopping_epoch", _es_minus_patience, "minus patience"),
    ("early_stopping_epoch", _es_min_value, "return its epoch"),
]


@pytest.mark.parametrize(("name", "fn", "hint"), WRONG, ids=[f"{w[0]}-{w[1].__name__}" for w in WRONG])
def test_wrong_answer_fails_with_the_hint_naming_it(capsys, name, fn, hint):
    assert_prints_rejection(capsys, name, fn, hint)


def test_every_exercise_has_at_least_six_wrong_answers():
    for name in ("he_init", "l2_penalty", "l2_backward", "dropout_forward", "dropout_backward", "early_stopping_epoch"):
        assert sum(w[0] == name for w in WRONG) >= 6, name


# ------------------------------------------------------------------------------ valid alternatives
def _he_normal_kwargs(n_inputs, n_neurons, rng):
    return rng.normal(loc=0.0, scale=np.sqrt(2.0 / n_inputs), size=(n_inputs, n_neurons))


def _he_transposed_draw(n_inputs, n_neurons, rng):
    """Valid: the same distribution drawn in another order (another stream of numbers)."""
    return rng.standard_normal((n_neurons, n_inputs)).T * np.sqrt(2 / n_inputs)


def _he_divide(n_inputs, n_neurons, rng):
    return rng.standard_normal(size=(n_inputs, n_neurons)) / np.sqrt(n_inputs / 2)


def _pen_isinstance(layers, lam):
    from utils.layers import Dense

    return lam * sum(float((layer.weights * layer.weights).sum()) for layer in layers if isinstance(layer, Dense))


def _pen_einsum(layers, lam):
    return float(lam * sum(np.einsum("ij,ij->", layer.weights, layer.weights)
                           for layer in layers if hasattr(layer, "weights")))


def _do_greater(inputs, rate, rng, training=True):
    if not training:
        return inputs.copy(), np.ones(inputs.shape)
    mask = np.where(rng.uniform(size=inputs.shape) > rate, 1.0 / (1.0 - rate), 0.0)
    return inputs * mask, mask


def _es_counter_loop(val_losses, patience):
    best_epoch, best = 0, float("inf")
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best_epoch, best = epoch, loss
        elif epoch - best_epoch >= patience:
            break
    return best_epoch


VALID = [
    ("he_init", _he_normal_kwargs),
    ("he_init", _he_transposed_draw),
    ("he_init", _he_divide),
    ("l2_penalty", _pen_isinstance),
    ("l2_penalty", _pen_einsum),
    ("l2_backward", lambda weights, lam: np.multiply(2 * lam, weights)),
    ("l2_backward", lambda weights, lam: lam * (weights + weights)),
    ("dropout_forward", _do_greater),
    ("dropout_backward", lambda dvalues, mask: np.multiply(dvalues, mask)),
    ("early_stopping_epoch", _es_counter_loop),
    ("early_stopping_epoch", lambda val_losses, patience: int(np.int64(_es_counter_loop(list(val_losses), patience)))),
]


@pytest.mark.parametrize(("name", "fn"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_alternative_passes(capsys, name, fn):
    assert_prints_pass(capsys, name, fn)


def test_the_references_pass():
    from utils import layers, regularization

    for name, fn in [("he_init", layers.he_init), ("l2_penalty", regularization.l2_penalty),
                     ("l2_backward", regularization.l2_backward), ("dropout_forward", regularization.dropout_forward),
                     ("dropout_backward", regularization.dropout_backward),
                     ("early_stopping_epoch", regularization.early_stopping_epoch)]:
        assert checks.run_quietly(getattr(checks, f"check_{name}"), fn), name




def test_he_init_statistics_need_the_normal_shape_and_the_std():
    """The statistical cases are discriminating: a uniform with the right std fails, the right normal passes on
    other streams than the checker's (20 seeds of a transposed draw)."""
    from utils.checks.generalization import _normal_with_std

    valid = _normal_with_std(np.sqrt(2 / 500), (500, 400))
    bound = np.sqrt(6 / 500)
    assert not valid(np.random.default_rng(0).uniform(-bound, bound, (500, 400)))
    assert not valid(np.random.default_rng(0).standard_normal((500, 400)) * np.sqrt(1 / 500))
    for seed in range(20):
        assert valid(np.random.default_rng(seed).standard_normal((400, 500)).T * np.sqrt(2 / 500)), seed
