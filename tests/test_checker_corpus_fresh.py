"""A second, independent corpus of learner answers for the checkers of lessons 01–06 (issue 13).

Written without looking at ``test_checker_corpus.py``: for every exercise, wrong answers the way beginners write
them (lists and loops, ``math.exp`` on arrays, in-place edits, aliasing, wrong axis or keepdims, a forgotten mean,
off-by-one loops, integer division, transposes, swapped arguments, ``np.max`` for ``np.maximum``, forward
differences, unclipped logs, labels vs one-hot), each with a pattern the hint must match (the mistake a good hint
names), plus valid alternatives that must pass (loops, ``np.where``, scipy, more accurate stencils).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.special
from checker_harness import assert_accepted, assert_rejected, hint_names, run


@dataclass
class Entry:
    exercise: str
    fn: object
    pattern: str | None  # regex (case-insensitive) the hint must match; None for a valid alternative

    @property
    def id(self) -> str:
        return f"{self.exercise}:{self.fn.__name__}"


WRONG: list[Entry] = []
VALID: list[Entry] = []


def wrong(exercise: str, pattern: str):
    def register(fn):
        WRONG.append(Entry(exercise, fn, pattern))
        return fn
    return register


def valid(exercise: str):
    def register(fn):
        VALID.append(Entry(exercise, fn, None))
        return fn
    return register


def _stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


# ================================================================== lesson 01: neuron_output
@wrong("neuron_output", r"bias")
def no_bias(inputs, weights, bias):
    total = 0.0
    for i in range(len(inputs)):
        total += inputs[i] * weights[i]
    return total


@wrong("neuron_output", r"bias.*(once|every|each|loop)|(once|every|each|loop).*bias")
def bias_every_step(inputs, weights, bias):
    out = 0
    for x, w in zip(inputs, weights):
        out = out + x * w + bias
    return out


@wrong("neuron_output", r"np\.array|np\.asarray|list")
def multiplies_lists(inputs, weights, bias):
    return sum(inputs * weights) + bias


@wrong("neuron_output", r"round")
def rounds_result(inputs, weights, bias):
    return round(float(np.dot(inputs, weights) + bias), 2)


@wrong("neuron_output", r"return")
def prints_result(inputs, weights, bias):
    print(np.dot(inputs, weights) + bias)


@wrong("neuron_output", r"last|every input|range")
def skips_last_input(inputs, weights, bias):
    total = bias
    for i in range(len(inputs) - 1):
        total += inputs[i] * weights[i]
    return total


@wrong("neuron_output", r"\bint\b|integer|whole|fraction|round")
def casts_to_int(inputs, weights, bias):
    return int(np.dot(inputs, weights) + bias)


@wrong("neuron_output", r"bias.*(sign|add|subtract|minus|\+)|(sign|add|subtract|minus).*bias")
def subtracts_bias(inputs, weights, bias):
    return float(np.dot(inputs, weights) - bias)


@wrong("neuron_output", r"mean|average")
def mean_of_products(inputs, weights, bias):
    return float(np.mean(np.multiply(inputs, weights)) + bias)


@wrong("neuron_output", r"first")
def return_inside_loop(inputs, weights, bias):
    total = 0.0
    for x, w in zip(inputs, weights):
        total += x * w
        return total + bias


@wrong("neuron_output", r"own weight|its weight|pair|each input|elementwise|one number|float")
def sum_times_sum(inputs, weights, bias):
    return float(np.sum(inputs) * np.sum(weights) + bias)


@wrong("neuron_output", r"one number|float|sum|array")
def forgot_the_sum(inputs, weights, bias):
    return np.asarray(inputs) * np.asarray(weights) + bias


@valid("neuron_output")
def neuron_loop(inputs, weights, bias):
    total = bias
    for x, w in zip(inputs, weights):
        total += x * w
    return total


@valid("neuron_output")
def neuron_generator(inputs, weights, bias):
    return sum(x * w for x, w in zip(inputs, weights)) + bias


@valid("neuron_output")
def neuron_matmul(inputs, weights, bias):
    return float(np.asarray(inputs) @ np.asarray(weights) + bias)


@valid("neuron_output")
def neuron_fsum(inputs, weights, bias):
    return math.fsum(x * w for x, w in zip(inputs, weights)) + bias


@valid("neuron_output")
def neuron_inner(inputs, weights, bias):
    return np.inner(inputs, weights) + bias


# ================================================================== lesson 02: layer_output
@wrong("layer_output", r"bias")
def layer_no_bias(inputs, weights, biases):
    return np.asarray(inputs) @ np.asarray(weights)


@wrong("layer_output", r"order|inputs @ weights|np\.dot\(inputs|transpose|swap")
def weights_first(inputs, weights, biases):
    return np.dot(weights, inputs) + biases


@wrong("layer_output", r"transpose|\.T\b")
def transposes_weights(inputs, weights, biases):
    return np.dot(inputs, np.transpose(weights)) + biases


@wrong("layer_output", r"np\.dot|@|matrix product|elementwise|\*")
def elementwise_product(inputs, weights, biases):
    return np.asarray(inputs) * np.asarray(weights) + biases


@wrong("layer_output", r"single sample|1-d|one sample|shape")
def loop_over_rows_only(inputs, weights, biases):
    return np.array([np.dot(row, weights) + biases for row in inputs])


@wrong("layer_output", r"single sample|1-d|one sample|shape|\(n_neurons,\)")
def always_2d(inputs, weights, biases):
    return np.atleast_2d(inputs) @ weights + biases


@wrong("layer_output", r"bias")
def summed_biases(inputs, weights, biases):
    return np.dot(inputs, weights) + np.sum(biases)


@wrong("layer_output", r"last|column|neuron")
def neuron_loop_off_by_one(inputs, weights, biases):
    inputs = np.atleast_2d(inputs)
    out = np.zeros((inputs.shape[0], weights.shape[1]))
    for j in range(weights.shape[1] - 1):
        out[:, j] = inputs @ weights[:, j] + biases[j]
    return out if np.ndim(out) == 2 and out.shape[0] > 1 else out[0]


@wrong("layer_output", r"column|weights\[:, ?j\]|row|transpose|layout")
def row_as_neuron(inputs, weights, biases):
    single = np.ndim(inputs) == 1
    inputs = np.atleast_2d(inputs)
    out = np.zeros((inputs.shape[0], len(biases)))
    for j in range(len(biases)):
        out[:, j] = inputs @ weights[j] + biases[j]
    return out[0] if single else out


@wrong("layer_output", r"list|array")
def returns_nested_list(inputs, weights, biases):
    return (np.dot(inputs, weights) + biases).tolist()


@wrong("layer_output", r"\bint|dtype|float")
def int_output_buffer(inputs, weights, biases):
    single = np.ndim(inputs) == 1
    inputs = np.atleast_2d(inputs)
    out = np.zeros((inputs.shape[0], weights.shape[1]), dtype=int)
    for i in range(inputs.shape[0]):
        for j in range(weights.shape[1]):
            out[i, j] = np.dot(inputs[i], weights[:, j]) + biases[j]
    return out[0] if single else out


@wrong("layer_output", r"return")
def layer_prints(inputs, weights, biases):
    output = np.dot(inputs, weights) + biases
    print(output)


@valid("layer_output")
def layer_matmul(inputs, weights, biases):
    return np.asarray(inputs) @ np.asarray(weights) + np.asarray(biases)


@valid("layer_output")
def layer_loops(inputs, weights, biases):
    single = np.ndim(inputs) == 1
    batch = [inputs] if single else inputs
    out = []
    for sample in batch:
        row = []
        for j in range(len(biases)):
            row.append(sum(sample[k] * weights[k][j] for k in range(len(sample))) + biases[j])
        out.append(row)
    out = np.array(out, dtype=float)
    return out[0] if single else out


@valid("layer_output")
def layer_einsum(inputs, weights, biases):
    return np.einsum("...i,ij->...j", inputs, weights) + biases


@valid("layer_output")
def layer_dot_transpose_twice(inputs, weights, biases):
    return (np.asarray(weights).T @ np.asarray(inputs).T).T + biases


# ================================================================== lesson 03: step
@wrong("step", r"0 at|at 0|at z ?= ?0|zero|> ?0|>=")
def step_heaviside_half(z):
    return np.heaviside(z, 0.5)


@wrong("step", r"bool|dtype|astype|float|true")
def step_bools(z):
    return np.asarray(z) > 0


@wrong("step", r"np\.where|\bif\b|array")
def step_python_if(z):
    return 1.0 if z > 0 else 0.0


@wrong("step", r"-1|negative|sign")
def step_sign(z):
    return np.sign(z).astype(float)


@wrong("step", r"0 at|at 0|at z ?= ?0|zero|> ?0|>=")
def step_greater_equal(z):
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


@wrong("step", r"chang|copy|in place|input")
def step_in_place(z):
    z[z > 0] = 1
    z[z <= 0] = 0
    return z.astype(float)


@wrong("step", r"negative|0 for|zero|`z` < 0.*passed through")
def step_keeps_negatives(z):
    return np.where(np.asarray(z) > 0, 1.0, z).astype(float)


@wrong("step", r"2-d|shape|any shape|np\.where|batch|elementwise")
def step_list_comprehension(z):
    return np.array([1.0 if x > 0 else 0.0 for x in z])


@wrong("step", r"negative|nonzero|non-zero|!= ?0|sign|`z` < 0; there every value is 1")
def step_nonzero(z):
    return np.asarray(z).astype(bool).astype(float)


@wrong("step", r"flip|swap|invert|1 - |>|<|sign|opposite")
def step_flipped(z):
    return np.where(np.asarray(z) < 0, 1.0, 0.0)


@wrong("step", r"list|array")
def step_returns_list(z):
    return [1.0 if x > 0 else 0.0 for x in np.ravel(z)] if np.ndim(z) == 1 else (np.asarray(z) > 0).astype(float)


@valid("step")
def step_where(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


@valid("step")
def step_astype(z):
    return (np.asarray(z) > 0).astype(np.float64)


@valid("step")
def step_heaviside_zero(z):
    return np.heaviside(np.asarray(z, dtype=float), 0.0)


@valid("step")
def step_sign_clipped(z):
    return np.maximum(0.0, np.sign(np.asarray(z, dtype=float)))


# ================================================================== lesson 03: sigmoid
@wrong("sigmoid", r"math")
def sigmoid_math_exp(z):
    return 1 / (1 + math.exp(-z))


@wrong("sigmoid", r"sign|exp\(-z\)|-z|flip|mirror")
def sigmoid_wrong_sign(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))


@wrong("sigmoid", r"overflow")
def sigmoid_naive(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


@wrong("sigmoid", r"overflow|nan|inf")
def sigmoid_exp_over_one_plus_exp(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)


@wrong("sigmoid", r"np\.where|both|overflow|warn")
def sigmoid_where_both_branches(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


@wrong("sigmoid", r"sign|-z|1 - |flip|mirror")
def sigmoid_one_minus(z):
    return 1 - 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


@wrong("sigmoid", r"//|integer division|floor")
def sigmoid_floor_division(z):
    return 1 // (1 + np.exp(-np.clip(np.asarray(z, dtype=float), -500, 500)))


@wrong("sigmoid", r"z ?/ ?2|scal|half|2 ?\* ?z|z/2")
def sigmoid_tanh_without_half(z):
    return 0.5 * (np.tanh(np.asarray(z, dtype=float)) + 1)


@wrong("sigmoid", r"\bint|dtype|float")
def sigmoid_empty_like(z):
    out = np.empty_like(z)
    out[...] = _stable_sigmoid(z)
    return out


@wrong("sigmoid", r"chang|copy|in place|input")
def sigmoid_asarray_alias(z):
    z = np.asarray(z, dtype=float)
    pos = z >= 0
    neg = ~pos
    e = np.exp(z[neg])
    z[pos] = 1 / (1 + np.exp(-z[pos]))
    z[neg] = e / (1 + e)
    return z


@wrong("sigmoid", r"round")
def sigmoid_rounded(z):
    return np.round(_stable_sigmoid(z), 4)


@wrong("sigmoid", r"list|array")
def sigmoid_list(z):
    return [float(v) for v in np.ravel(_stable_sigmoid(z))] if np.ndim(z) == 1 else _stable_sigmoid(z)


@valid("sigmoid")
def sigmoid_expit(z):
    return scipy.special.expit(np.asarray(z, dtype=float))


@valid("sigmoid")
def sigmoid_via_tanh(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


@valid("sigmoid")
def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


@valid("sigmoid")
def sigmoid_clipped(z):
    z = np.clip(np.asarray(z, dtype=float), -500, 500)
    return 1 / (1 + np.exp(-z))


@valid("sigmoid")
def sigmoid_piecewise_copy(z):
    z = np.array(z, dtype=float)  # a copy
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


# ================================================================== lesson 03: tanh
@wrong("tanh", r"math")
def tanh_math(z):
    return math.tanh(z)


@wrong("tanh", r"overflow|nan|inf")
def tanh_exp_formula(z):
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


@wrong("tanh", r"2 ?\* ?z|2z|scal|z ?/ ?2|double|twice")
def tanh_two_sigmoid_minus_one(z):
    return 2 * _stable_sigmoid(z) - 1


@wrong("tanh", r"overflow|nan|inf")
def tanh_one_minus_exp(z):
    e = np.exp(-2 * np.asarray(z, dtype=float))
    return (1 - e) / (1 + e)


@wrong("tanh", r"sign|flip|negative|minus")
def tanh_wrong_sign(z):
    return 1 - 2 * _stable_sigmoid(2 * np.asarray(z, dtype=float))


@wrong("tanh", r"\bint|dtype|float")
def tanh_zeros_like(z):
    out = np.zeros_like(z)
    out[:] = np.tanh(z)
    return out


@wrong("tanh", r"offset|shift|- ?1|\+ ?1|by 1|constant|too (high|big|large)")
def tanh_forgot_minus_one(z):
    return 2 * _stable_sigmoid(2 * np.asarray(z, dtype=float))


@wrong("tanh", r"chang|copy|in place|input")
def tanh_in_place(z):
    z[...] = np.tanh(z)
    return z


@wrong("tanh", r"list|array")
def tanh_list(z):
    return [math.tanh(v) for v in np.ravel(z)]


@wrong("tanh", r"overflow|nan|inf")
def tanh_sinh_cosh(z):
    z = np.asarray(z, dtype=float)
    return np.sinh(z) / np.cosh(z)


@wrong("tanh", r"shape|flatten|ravel|reshape")
def tanh_flattened(z):
    return np.tanh(np.ravel(z).astype(float))


@valid("tanh")
def tanh_numpy(z):
    return np.tanh(np.asarray(z, dtype=float))


@valid("tanh")
def tanh_from_expit(z):
    return 2 * scipy.special.expit(2 * np.asarray(z, dtype=float)) - 1


@valid("tanh")
def tanh_stable_formula(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2 * np.abs(z))
    return np.sign(z) * (1 - e) / (1 + e)


# ================================================================== lesson 03: relu
@wrong("relu", r"np\.maximum")
def relu_builtin_max(z):
    return max(0, z)


@wrong("relu", r"np\.maximum")
def relu_np_max_zero_first(z):
    return np.max(0, z)


@wrong("relu", r"np\.maximum")
def relu_np_max_axis(z):
    return np.max(z, 0)


@wrong("relu", r"chang|copy|in place|input")
def relu_in_place(z):
    z[z < 0] = 0
    return z


@wrong("relu", r"negative|abs|0 for|zero|minus the input")
def relu_abs(z):
    return np.abs(np.asarray(z, dtype=float))


@wrong("relu", r"leaky|alpha|0\.01|negative")
def relu_leaky_by_accident(z):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.01 * z)


@wrong("relu", r"clip|upper|above 1|cap|1\b")
def relu_clip_to_one(z):
    return np.clip(np.asarray(z, dtype=float), 0, 1)


@wrong("relu", r"mask|step|0 (and|or) 1|multiply|times z")
def relu_mask_only(z):
    return (np.asarray(z) > 0).astype(float)


@wrong("relu", r"list|array")
def relu_tolist(z):
    return np.maximum(0, np.asarray(z, dtype=float)).tolist()


@wrong("relu", r"chang|copy|in place|input|alias")
def relu_asarray_alias(z):
    out = np.asarray(z)
    out[out < 0] = 0
    return out


@wrong("relu", r"chang|copy|in place|input|out=")
def relu_out_argument(z):
    return np.maximum(z, 0, out=z)


@wrong("relu", r"2-d|shape|any shape|np\.maximum|batch|elementwise")
def relu_loop_1d(z):
    return np.array([max(0.0, x) for x in z])


@wrong("relu", r"//|integer division|floor")
def relu_floor_half(z):
    z = np.asarray(z, dtype=float)
    return (z + np.abs(z)) // 2


@valid("relu")
def relu_maximum(z):
    return np.maximum(0, z)


@valid("relu")
def relu_where(z):
    return np.where(np.asarray(z) > 0, z, 0.0)


@valid("relu")
def relu_times_mask(z):
    z = np.asarray(z, dtype=float)
    return z * (z > 0)


@valid("relu")
def relu_copy_then_assign(z):
    out = np.array(z, dtype=float)
    out[out < 0] = 0
    return out


@valid("relu")
def relu_clip_none(z):
    return np.clip(np.asarray(z, dtype=float), 0, None)


# ================================================================== lesson 03: leaky_relu
@wrong("leaky_relu", r"alpha ?\* ?z|times z|multipl")
def leaky_returns_alpha(z, alpha=0.01):
    return np.where(np.asarray(z) > 0, z, alpha).astype(float)


@wrong("leaky_relu", r"alpha")
def leaky_hardcoded_alpha(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


@wrong("leaky_relu", r"wrong side|swap|positive|negative|flip")
def leaky_sides_swapped(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z < 0, z, alpha * z)


@wrong("leaky_relu", r"chang|copy|in place|input")
def leaky_in_place(z, alpha=0.01):
    z[z < 0] *= alpha
    return z


@wrong("leaky_relu", r"sign|minus|-alpha|negative")
def leaky_negated(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, -alpha * z)


@wrong("leaky_relu", r"np\.maximum|np\.where")
def leaky_builtin_max(z, alpha=0.01):
    return max(alpha * z, z)


@wrong("leaky_relu", r"divid|/ ?alpha|multipl|alpha ?\* ?z")
def leaky_divides(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, z / alpha)


@wrong("leaky_relu", r"\bint|dtype|float")
def leaky_zeros_like(z, alpha=0.01):
    out = np.zeros_like(z)
    out[...] = np.where(np.asarray(z) > 0, z, alpha * np.asarray(z))
    return out


@wrong("leaky_relu", r"default|0\.01")
def leaky_wrong_default(z, alpha=0.1):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


@wrong("leaky_relu", r"squar|z ?\* ?z|z\*\*2|twice")
def leaky_multiplies_twice(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z) * np.where(z > 0, z, 1.0)


@wrong("leaky_relu", r"alpha ?\* ?z|negative|relu|0 for")
def leaky_forgot_leak(z, alpha=0.01):
    return np.maximum(0.0, np.asarray(z, dtype=float))


@valid("leaky_relu")
def leaky_where(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


@valid("leaky_relu")
def leaky_max_plus_min(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.maximum(0, z) + alpha * np.minimum(0, z)


@valid("leaky_relu")
def leaky_slope_array(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return z * np.where(z > 0, 1.0, alpha)


@valid("leaky_relu")
def leaky_where_ge(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, alpha * z)


# ================================================================== lesson 03: softmax
@wrong("softmax", r"axis")
def softmax_axis0(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


@wrong("softmax", r"axis|row|whole")
def softmax_global(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


@wrong("softmax", r"keepdims")
def softmax_sum_no_keepdims(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


@wrong("softmax", r"max.*keepdims|keepdims.*max")
def softmax_max_no_keepdims(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1, keepdims=True)


@wrong("softmax", r"overflow|max")
def softmax_unstable(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


@wrong("softmax", r"math")
def softmax_math_exp(z):
    e = [math.exp(v) for v in z]
    return np.array(e) / sum(e)


@wrong("softmax", r"axis ?= ?-1|1-d|last axis|single|one vector|axis")
def softmax_axis1(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


@wrong("softmax", r"max|overflow")
def softmax_subtract_min(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.min(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@wrong("softmax", r"chang|copy|in place|input")
def softmax_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z


@wrong("softmax", r"divid|normali|sum")
def softmax_not_normalised(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z - np.max(z, axis=-1, keepdims=True))


@wrong("softmax", r"sum|max")
def softmax_divides_by_max(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.max(e, axis=-1, keepdims=True)


@wrong("softmax", r"log")
def softmax_log(z):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


@wrong("softmax", r"list|array")
def softmax_rows_list(z):
    z = np.atleast_2d(np.asarray(z, dtype=float))
    rows = []
    for row in z:
        e = np.exp(row - row.max())
        rows.append(e / e.sum())
    return rows if len(rows) > 1 else rows[0]


@valid("softmax")
def softmax_scipy(z):
    return scipy.special.softmax(np.asarray(z, dtype=float), axis=-1)


@valid("softmax")
def softmax_logsumexp(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z - scipy.special.logsumexp(z, axis=-1, keepdims=True))


@valid("softmax")
def softmax_apply_along_axis(z):
    def one(row):
        e = np.exp(row - row.max())
        return e / e.sum()
    return np.apply_along_axis(one, -1, np.asarray(z, dtype=float))


@valid("softmax")
def softmax_row_loop(z):
    z = np.array(z, dtype=float)
    flat = z.reshape(-1, z.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        e = np.exp(flat[i] - np.max(flat[i]))
        out[i] = e / np.sum(e)
    return out.reshape(z.shape)


# ================================================================== lesson 04: mse
@wrong("mse", r"squar|absolute|mae")
def mse_abs(y_pred, y_true):
    return np.mean(np.abs(y_pred - y_true))


@wrong("mse", r"mean|sum|averag")
def mse_sum(y_pred, y_true):
    return np.sum((y_pred - y_true) ** 2)


@wrong("mse", r"every element|outputs|columns|axis|mean|sum")
def mse_sum_last_axis(y_pred, y_true):
    return np.mean(np.sum((y_pred - y_true) ** 2, axis=-1))


@wrong("mse", r"every element|size|elements|outputs|columns|len")
def mse_divide_by_len(y_pred, y_true):
    return np.sum((y_pred - y_true) ** 2) / len(y_pred)


@wrong("mse", r"½|half|1/2|/ ?2|factor 2|× ?0\.5|0\.5")
def mse_half(y_pred, y_true):
    return np.mean((y_pred - y_true) ** 2) / 2


@wrong("mse", r"one number|float|shape|array|2-d|scalar")
def mse_zip_loop(y_pred, y_true):
    total = 0
    for p, t in zip(y_pred, y_true):
        total += (p - t) ** 2
    return total / len(y_pred)


@wrong("mse", r"sqrt|root|rmse")
def mse_root(y_pred, y_true):
    return np.sqrt(np.mean((y_pred - y_true) ** 2))


@wrong("mse", r"squar.*(each|before|inside|error)|(each|before|inside).*squar|cancel")
def mse_square_of_mean(y_pred, y_true):
    return np.mean(y_pred - y_true) ** 2


@wrong("mse", r"//|integer division|floor")
def mse_floor_division(y_pred, y_true):
    sq = (y_pred - y_true) ** 2
    return np.sum(sq) // sq.size


@wrong("mse", r"broadcast|shape|flatten|ravel")
def mse_flatten_one(y_pred, y_true):
    return np.mean((y_pred.flatten() - y_true) ** 2)


@wrong("mse", r"axis|one number|float|scalar")
def mse_axis0(y_pred, y_true):
    return np.mean((y_pred - y_true) ** 2, axis=0)


@wrong("mse", r"return")
def mse_prints(y_pred, y_true):
    print("loss:", np.mean((y_pred - y_true) ** 2))


@valid("mse")
def mse_square_swapped(y_pred, y_true):
    return np.mean(np.square(y_true - y_pred))


@valid("mse")
def mse_sklearn(y_pred, y_true):
    from sklearn.metrics import mean_squared_error
    return mean_squared_error(np.atleast_1d(y_true), np.atleast_1d(y_pred))


@valid("mse")
def mse_size(y_pred, y_true):
    d = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float((d * d).sum() / d.size)


@valid("mse")
def mse_flat_loop(y_pred, y_true):
    total = 0.0
    for p, t in zip(np.ravel(y_pred), np.ravel(y_true)):
        total += (p - t) ** 2
    return total / np.size(y_pred)


# ================================================================== lesson 04: mae
@wrong("mae", r"abs|cancel")
def mae_no_abs(y_pred, y_true):
    return np.mean(y_pred - y_true)


@wrong("mae", r"abs|squar|mse")
def mae_squared(y_pred, y_true):
    return np.mean((y_pred - y_true) ** 2)


@wrong("mae", r"mean|sum|averag")
def mae_sum(y_pred, y_true):
    return np.sum(np.abs(y_pred - y_true))


@wrong("mae", r"abs.*(each|before|inside|error)|(each|before|inside).*abs|cancel")
def mae_abs_of_mean(y_pred, y_true):
    return abs(np.mean(y_pred - y_true))


@wrong("mae", r"abs.*difference|difference.*abs|abs\(y_pred - y_true\)|abs\(y_pred\)")
def mae_difference_of_abs(y_pred, y_true):
    return np.mean(np.abs(y_pred) - np.abs(y_true))


@wrong("mae", r"every element|size|elements|outputs|columns|len")
def mae_divide_by_len(y_pred, y_true):
    return np.sum(np.abs(y_pred - y_true)) / len(y_pred)


@wrong("mae", r"median|mean")
def mae_median(y_pred, y_true):
    return np.median(np.abs(y_pred - y_true))


@wrong("mae", r"max|mean")
def mae_max(y_pred, y_true):
    return np.max(np.abs(y_pred - y_true))


@wrong("mae", r"axis|one number|float|scalar")
def mae_axis0(y_pred, y_true):
    return np.mean(np.abs(y_pred - y_true), axis=0)


@wrong("mae", r"broadcast|shape|flatten|ravel")
def mae_ravel_one(y_pred, y_true):
    return np.mean(np.abs(np.ravel(y_pred) - y_true))


@wrong("mae", r"100|percent|factor")
def mae_percent(y_pred, y_true):
    return 100 * np.mean(np.abs(y_pred - y_true))


@valid("mae")
def mae_swapped(y_pred, y_true):
    return np.mean(np.abs(y_true - y_pred))


@valid("mae")
def mae_sklearn(y_pred, y_true):
    from sklearn.metrics import mean_absolute_error
    return mean_absolute_error(np.atleast_1d(y_true), np.atleast_1d(y_pred))


@valid("mae")
def mae_sqrt_square(y_pred, y_true):
    return np.mean(np.sqrt((y_pred - y_true) ** 2))


@valid("mae")
def mae_loop(y_pred, y_true):
    total = 0.0
    for p, t in zip(np.ravel(y_pred), np.ravel(y_true)):
        total += abs(p - t)
    return total / np.size(y_true)


# ================================================================== lesson 04: binary_cross_entropy
def _bce_terms(p, t):
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


@wrong("binary_cross_entropy", r"clip")
def bce_no_clip(y_pred, y_true):
    return np.mean(_bce_terms(y_pred, y_true))


@wrong("binary_cross_entropy", r"clip|1 - 1e-7|upper|1 ?- ?eps")
def bce_clip_low_only(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1)
    return np.mean(_bce_terms(p, y_true))


@wrong("binary_cross_entropy", r"1 - y|\(1 - y_true\)|second term|both|y = 0|target 0|0 targets|zeros")
def bce_missing_negative_term(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * np.log(p))


@wrong("binary_cross_entropy", r"sign|minus|negative")
def bce_no_minus(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


@wrong("binary_cross_entropy", r"log10|log2|natural|np\.log\b|base")
def bce_log10(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p))


@wrong("binary_cross_entropy", r"mean|sum|averag")
def bce_sum(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.sum(_bce_terms(p, y_true))


@wrong("binary_cross_entropy", r"order|swap|argument|y_pred, y_true")
def bce_arguments_swapped(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(_bce_terms(p, y_true))


@wrong("binary_cross_entropy", r"1 - p|log\(1 - ?p\)|1 - y_pred")
def bce_log_p_twice(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(p))


@wrong("binary_cross_entropy", r"clip|1e-7")
def bce_clip_1e15(y_pred, y_true):
    p = np.clip(y_pred, 1e-15, 1 - 1e-15)
    return np.mean(_bce_terms(p, y_true))


@wrong("binary_cross_entropy", r"axis|one number|float|scalar|take their mean")
def bce_mean_axis1(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    terms = _bce_terms(p, y_true)
    return np.mean(terms, axis=-1) if terms.ndim > 1 else np.mean(terms)


@wrong("binary_cross_entropy", r"chang|copy|in place|input|out=")
def bce_clip_in_place(y_pred, y_true):
    np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
    return np.mean(_bce_terms(y_pred, y_true))


@wrong("binary_cross_entropy", r"every element|size|elements|outputs|columns|len")
def bce_divide_by_len(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.sum(_bce_terms(p, y_true)) / len(y_pred)


@valid("binary_cross_entropy")
def bce_where(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(np.log(np.where(y_true == 1, p, 1 - p)))


@valid("binary_cross_entropy")
def bce_xlogy(y_pred, y_true):
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    t = np.asarray(y_true, dtype=float)
    return -np.mean(scipy.special.xlogy(t, p) + scipy.special.xlogy(1 - t, 1 - p))


@valid("binary_cross_entropy")
def bce_min_max_clip(y_pred, y_true):
    p = np.minimum(np.maximum(y_pred, 1e-7), 1 - 1e-7)
    return float(np.mean(_bce_terms(p, y_true)))


@valid("binary_cross_entropy")
def bce_loop(y_pred, y_true):
    total, count = 0.0, 0
    for p, t in zip(np.ravel(y_pred), np.ravel(y_true)):
        p = min(max(p, 1e-7), 1 - 1e-7)
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
        count += 1
    return total / count


# ================================================================== lesson 04: categorical_cross_entropy
def _labels(y_true):
    y_true = np.asarray(y_true)
    return y_true.argmax(axis=1) if y_true.ndim == 2 else y_true


@wrong("categorical_cross_entropy", r"arange|range|pair|index|\(n, ?n\)|matrix|each row")
def cce_column_index(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[:, _labels(y_true)]))


@wrong("categorical_cross_entropy", r"one-hot")
def cce_labels_only(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[np.arange(len(p)), y_true]))


@wrong("categorical_cross_entropy", r"label|one-hot|integer")
def cce_one_hot_only(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.sum(y_true * np.log(p), axis=1))


@wrong("categorical_cross_entropy", r"log2|log10|natural|np\.log\b|base")
def cce_log2(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log2(p[np.arange(len(p)), _labels(y_true)]))


@wrong("categorical_cross_entropy", r"clip")
def cce_unclipped(y_pred, y_true):
    return np.mean(-np.log(y_pred[np.arange(len(y_pred)), _labels(y_true)]))


@wrong("categorical_cross_entropy", r"mean|sum|averag")
def cce_sum(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.sum(-np.log(p[np.arange(len(p)), _labels(y_true)]))


@wrong("categorical_cross_entropy", r"classes|axis|every element|sum over|per sample|each sample")
def cce_mean_everything(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    one_hot = np.eye(p.shape[1])[_labels(y_true)]
    return -np.mean(one_hot * np.log(p))


@wrong("categorical_cross_entropy", r"sign|minus|negative")
def cce_no_minus(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(np.log(p[np.arange(len(p)), _labels(y_true)]))


@wrong("categorical_cross_entropy", r"true class|label|target|predicted")
def cce_max_probability(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(np.max(p, axis=1)))


@wrong("categorical_cross_entropy", r"axis|argmax")
def cce_argmax_without_axis(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true)
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[range(len(p)), y_true]))


@wrong("categorical_cross_entropy", r"off.by.one|- ?1|label|shift")
def cce_labels_minus_one(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[np.arange(len(p)), _labels(y_true) - 1]))


@wrong("categorical_cross_entropy", r"chang|copy|in place|input|out=")
def cce_clip_in_place(y_pred, y_true):
    np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
    return np.mean(-np.log(y_pred[np.arange(len(y_pred)), _labels(y_true)]))


@valid("categorical_cross_entropy")
def cce_eye(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    y_true = np.asarray(y_true)
    one_hot = y_true if y_true.ndim == 2 else np.eye(p.shape[1])[y_true]
    return float(np.mean(-np.sum(one_hot * np.log(p), axis=1)))


@valid("categorical_cross_entropy")
def cce_take_along_axis(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    picked = np.take_along_axis(p, _labels(y_true)[:, None], axis=1)
    return -np.mean(np.log(picked))


@valid("categorical_cross_entropy")
def cce_loop(y_pred, y_true):
    labels = _labels(y_true)
    total = 0.0
    for i in range(len(y_pred)):
        total -= math.log(min(max(y_pred[i][labels[i]], 1e-7), 1 - 1e-7))
    return total / len(y_pred)


@valid("categorical_cross_entropy")
def cce_one_hot_sum_then_clip(y_pred, y_true):
    y_true = np.asarray(y_true)
    one_hot = y_true if y_true.ndim == 2 else np.eye(np.shape(y_pred)[1])[y_true]
    correct = np.clip(np.sum(np.asarray(y_pred) * one_hot, axis=1), 1e-7, 1 - 1e-7)
    return -np.mean(np.log(correct))


# ================================================================== lesson 04: accuracy
def _predicted(y_pred):
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        return np.argmax(y_pred, axis=1)
    return (y_pred.reshape(-1) > 0.5).astype(int)


@wrong("accuracy", r"//|integer division|floor")
def accuracy_floor_division(y_pred, y_true):
    return np.sum(_predicted(y_pred) == _labels(y_true)) // len(y_true)


@wrong("accuracy", r"axis")
def accuracy_argmax_no_axis(y_pred, y_true):
    return np.mean(np.argmax(y_pred) == _labels(y_true))


@wrong("accuracy", r"axis")
def accuracy_argmax_axis0(y_pred, y_true):
    return np.mean(np.argmax(y_pred, axis=0) == _labels(y_true))


@wrong("accuracy", r"one-hot")
def accuracy_labels_only(y_pred, y_true):
    return np.mean(_predicted(y_pred) == y_true)


@wrong("accuracy", r"mean|divid|fraction|count|number of samples")
def accuracy_count(y_pred, y_true):
    return np.sum(_predicted(y_pred) == _labels(y_true))


@wrong("accuracy", r"100|percent|fraction")
def accuracy_percent(y_pred, y_true):
    return 100 * np.mean(_predicted(y_pred) == _labels(y_true))


@wrong("accuracy", r"1 -|error|!=|wrong|opposite|flip")
def accuracy_error_rate(y_pred, y_true):
    return np.mean(_predicted(y_pred) != _labels(y_true))


@wrong("accuracy", r"argmax|argmin|largest|smallest")
def accuracy_argmin(y_pred, y_true):
    y_pred = np.asarray(y_pred)
    pred = np.argmin(y_pred, axis=1) if y_pred.ndim == 2 and y_pred.shape[1] > 1 else _predicted(y_pred)
    return np.mean(pred == _labels(y_true))


@wrong("accuracy", r"first|range|off.by.one|every sample|skip")
def accuracy_loop_from_one(y_pred, y_true):
    pred, labels = _predicted(y_pred), _labels(y_true)
    correct = 0
    for i in range(1, len(labels)):
        correct += pred[i] == labels[i]
    return correct / len(labels)


@wrong("accuracy", r"number of samples|len|classes|samples")
def accuracy_divide_by_classes(y_pred, y_true):
    y_pred = np.asarray(y_pred)
    return np.sum(_predicted(y_pred) == _labels(y_true)) / y_pred.shape[-1]


@wrong("accuracy", r"mean|one number|float|fraction")
def accuracy_bool_array(y_pred, y_true):
    return _predicted(y_pred) == _labels(y_true)


@wrong("accuracy", r"argmax|threshold|0\.5|round|probabilit")
def accuracy_round_probabilities(y_pred, y_true):
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        one_hot = np.eye(y_pred.shape[1])[_labels(y_true)]
        return np.mean(np.all(np.round(y_pred) == one_hot, axis=1))
    return np.mean(np.round(y_pred).reshape(-1) == _labels(y_true))


@valid("accuracy")
def accuracy_mean(y_pred, y_true):
    return float(np.mean(_predicted(y_pred) == _labels(y_true)))


@valid("accuracy")
def accuracy_count_loop(y_pred, y_true):
    pred, labels = _predicted(y_pred), _labels(y_true)
    correct = 0
    for p, t in zip(pred, labels):
        if p == t:
            correct += 1
    return correct / len(labels)


@valid("accuracy")
def accuracy_sklearn(y_pred, y_true):
    from sklearn.metrics import accuracy_score
    return accuracy_score(_labels(y_true), _predicted(y_pred))


# ================================================================== lesson 05: numerical_derivative
@wrong("numerical_derivative", r"forward|central")
def derivative_forward(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


@wrong("numerical_derivative", r"backward|central")
def derivative_backward(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h


@wrong("numerical_derivative", r"2 ?\* ?h|2h|twice")
def derivative_over_h(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h


@wrong("numerical_derivative", r"precedence|\(2 ?\* ?h\)|/ 2 \* h|parenthes|bracket")
def derivative_precedence(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2 * h


@wrong("numerical_derivative", r"\bh\b")
def derivative_fixed_h(f, x, h=1e-5):
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)


@wrong("numerical_derivative", r"\bh\b")
def derivative_big_fixed_h(f, x, h=1e-5):
    return (f(x + 0.1) - f(x - 0.1)) / 0.2


@wrong("numerical_derivative", r"sign|order|swap|flip")
def derivative_flipped(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)


@wrong("numerical_derivative", r"forward|central|x ?- ?h|half|½")
def derivative_forward_over_2h(f, x, h=1e-5):
    return (f(x + h) - f(x)) / (2 * h)


@wrong("numerical_derivative", r"f\(x ?\+ ?h\)|inside|argument|x \+ h")
def derivative_h_outside_f(f, x, h=1e-5):
    return ((f(x) + h) - (f(x) - h)) / (2 * h)


@wrong("numerical_derivative", r"//|integer division|floor")
def derivative_floor(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) // (2 * h)


@wrong("numerical_derivative", r"tuple|one number|float")
def derivative_tuple(f, x, h=1e-5):
    return f(x + h) - f(x - h), 2 * h


@wrong("numerical_derivative", r"return")
def derivative_prints(f, x, h=1e-5):
    print((f(x + h) - f(x - h)) / (2 * h))


@valid("numerical_derivative")
def derivative_central(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (h + h)


@valid("numerical_derivative")
def derivative_five_point(f, x, h=1e-5):
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


@valid("numerical_derivative")
def derivative_richardson(f, x, h=1e-5):
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


# ================================================================== lesson 05: numerical_gradient
@wrong("numerical_gradient", r"alias|copy|same array|zeros")
def gradient_alias(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_minus = x
        x_plus[i] += h
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


@wrong("numerical_gradient", r"chang|restore|copy|put .*back|input")
def gradient_never_restores(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


@wrong("numerical_gradient", r"forward|central")
def gradient_forward(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        grad[i] = (f(xp) - base) / h
    return grad


@wrong("numerical_gradient", r"element|entry|ndindex|nditer|row|every")
def gradient_rows(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", r"last|every element|range|off.by.one")
def gradient_skips_last(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)
    g = grad.reshape(-1)
    for i in range(flat.size - 1):
        xp, xm = x.copy(), x.copy()
        xp.reshape(-1)[i] += h
        xm.reshape(-1)[i] -= h
        g[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", r"list|array")
def gradient_list(f, x, h=1e-5):
    grad = []
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad.append((f(xp) - f(xm)) / (2 * h))
    return grad if x.ndim == 1 else np.array(grad).reshape(x.shape)


@wrong("numerical_gradient", r"one element|each element|at a time|all elements|every element|whole")
def gradient_all_at_once(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


@wrong("numerical_gradient", r"2 ?\* ?h|2h|twice")
def gradient_over_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / h
    return grad


@wrong("numerical_gradient", r"accumulat|reset|inside the loop|previous|still|fresh copy|copy")
def gradient_copies_outside_loop(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    x_plus, x_minus = x.copy(), x.copy()
    for i in np.ndindex(x.shape):
        x_plus[i] += h
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


@wrong("numerical_gradient", r"shape|reshape|flatten|ravel")
def gradient_flat_result(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for k, i in enumerate(np.ndindex(x.shape)):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[k] = (f(xp) - f(xm)) / (2 * h)
    return grad


@wrong("numerical_gradient", r"\bh\b")
def gradient_fixed_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += 1e-5
        xm[i] -= 1e-5
        grad[i] = (f(xp) - f(xm)) / 2e-5
    return grad


@wrong("numerical_gradient", r"put .*back|restore|x\[i\]|chang|input|h")
def gradient_restore_wrong(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        x[i] += 2 * h  # should be + h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


@valid("numerical_gradient")
def gradient_nditer(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
        it.iternext()
    return grad


@valid("numerical_gradient")
def gradient_restore_finally(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = f(x)
            x[i] = old - h
            f_minus = f(x)
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


@valid("numerical_gradient")
def gradient_unravel(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for k in range(x.size):
        i = np.unravel_index(k, x.shape)
        xp, xm = x.astype(float, copy=True), x.astype(float, copy=True)
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@valid("numerical_gradient")
def gradient_five_point(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        values = []
        for step in (2 * h, h, -h, -2 * h):
            xs = x.copy()
            xs[i] += step
            values.append(f(xs))
        grad[i] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
    return grad


# ================================================================== lesson 06: relu_backward
@wrong("relu_backward", r"mask|inputs ?> ?0|block|where the input")
def relu_backward_identity(dvalues, inputs):
    return dvalues


@wrong("relu_backward", r"inputs|mask.*(input|forward)|wrong array")
def relu_backward_where_dvalues(dvalues, inputs):
    return np.where(dvalues > 0, dvalues, 0.0)


@wrong("relu_backward", r"chang|copy|in place|input")
def relu_backward_in_place(dvalues, inputs):
    dvalues[inputs <= 0] = 0
    return dvalues


@wrong("relu_backward", r"dvalues|multipl|chain|incoming")
def relu_backward_mask_only(dvalues, inputs):
    return (inputs > 0).astype(float)


@wrong("relu_backward", r"0\b|zero|<= ?0|> ?0|>=|boundary")
def relu_backward_ge(dvalues, inputs):
    return dvalues * (inputs >= 0)


@wrong("relu_backward", r"order|swap|argument")
def relu_backward_swapped_args(inputs, dvalues):
    return np.where(inputs > 0, dvalues, 0.0)


@wrong("relu_backward", r"mask|0 (and|or) 1|relu\(inputs\)|output|forward|slope")
def relu_backward_times_relu(dvalues, inputs):
    return dvalues * np.maximum(0, inputs)


@wrong("relu_backward", r"chang|copy|in place|input|alias")
def relu_backward_alias(dvalues, inputs):
    dinputs = dvalues
    dinputs[inputs <= 0] = 0
    return dinputs


@wrong("relu_backward", r"inputs|mask")
def relu_backward_maximum_of_dvalues(dvalues, inputs):
    return np.maximum(0, dvalues)


@wrong("relu_backward", r"shape|boolean|1-d|flatten|where")
def relu_backward_boolean_index(dvalues, inputs):
    return dvalues.copy()[inputs > 0]


@wrong("relu_backward", r"flip|< ?0|> ?0|sign|negative|opposite|invert")
def relu_backward_flipped_mask(dvalues, inputs):
    return dvalues * (inputs < 0)


@valid("relu_backward")
def relu_backward_where(dvalues, inputs):
    return np.where(inputs > 0, dvalues, 0.0)


@valid("relu_backward")
def relu_backward_copy_assign(dvalues, inputs):
    dinputs = dvalues.copy()
    dinputs[inputs <= 0] = 0
    return dinputs


@valid("relu_backward")
def relu_backward_heaviside(dvalues, inputs):
    return dvalues * np.heaviside(inputs, 0.0)


# ================================================================== lesson 06: sigmoid_backward
@wrong("sigmoid_backward", r"dvalues|chain|multipl|incoming")
def sigmoid_backward_no_dvalues(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return s * (1 - s)


@wrong("sigmoid_backward", r"sigmoid\(inputs\)|s ?= ?sigmoid|sigmoid of|output|forward")
def sigmoid_backward_uses_inputs(dvalues, inputs):
    return dvalues * inputs * (1 - inputs)


@wrong("sigmoid_backward", r"1 ?- ?s|sign")
def sigmoid_backward_plus(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues * s * (1 + s)


@wrong("sigmoid_backward", r"1 ?[-−] ?(s|σ)")
def sigmoid_backward_forgot_factor(dvalues, inputs):
    return dvalues * _stable_sigmoid(inputs)


@wrong("sigmoid_backward", r"overflow")  # the checker now calls it at ±1000 and ±1e4: e^-x overflows there
def sigmoid_backward_naive(dvalues, inputs):
    s = 1 / (1 + np.exp(-inputs))
    return dvalues * s * (1 - s)


@wrong("sigmoid_backward", r"chang|copy|in place|input")
def sigmoid_backward_in_place(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    dvalues *= s * (1 - s)
    return dvalues


@wrong("sigmoid_backward", r"sigmoid|tanh")
def sigmoid_backward_tanh(dvalues, inputs):
    s = np.tanh(inputs)
    return dvalues * s * (1 - s)


@wrong("sigmoid_backward", r"multipl|chain|\*|times")
def sigmoid_backward_adds(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues + s * (1 - s)


@wrong("sigmoid_backward", r"tanh|s ?\* ?\(1 ?- ?s\)|1 - s\*\*2|1 - s²")
def sigmoid_backward_tanh_formula(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues * (1 - s ** 2)


@wrong("sigmoid_backward", r"math")
def sigmoid_backward_math(dvalues, inputs):
    s = 1 / (1 + math.exp(-inputs))
    return dvalues * s * (1 - s)


@wrong("sigmoid_backward", r"overflow|nan")  # inf / inf = nan below -709: the checker calls it at -1000 and -1e4
def sigmoid_backward_exp_formula(dvalues, inputs):
    e = np.exp(-inputs)
    return dvalues * e / (1 + e) ** 2


@wrong("sigmoid_backward", r"order|swap|argument")
def sigmoid_backward_swapped(inputs, dvalues):
    s = _stable_sigmoid(inputs)
    return dvalues * s * (1 - s)


@valid("sigmoid_backward")
def sigmoid_backward_expit(dvalues, inputs):
    s = scipy.special.expit(inputs)
    return dvalues * s * (1 - s)


@valid("sigmoid_backward")
def sigmoid_backward_tanh_half(dvalues, inputs):
    s = 0.5 * (1 + np.tanh(inputs / 2))
    return dvalues * s * (1 - s)


@valid("sigmoid_backward")
def sigmoid_backward_product(dvalues, inputs):
    return dvalues * scipy.special.expit(inputs) * scipy.special.expit(-inputs)


# ================================================================== lesson 06: dense_backward
@wrong("dense_backward", r"\(1, ?n_neurons\)|keepdims|shape|row")
def dense_dbiases_column(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues, dvalues.sum(axis=0).reshape(-1, 1)


@wrong("dense_backward", r"sum|mean")
def dense_dbiases_mean(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues, np.mean(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"axis ?= ?0|axis|samples|rows")
def dense_dbiases_axis1(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues, np.sum(dvalues, axis=1, keepdims=True)


@wrong("dense_backward", r"order")
def dense_wrong_order(dvalues, inputs, weights):
    return inputs.T @ dvalues, dvalues @ weights.T, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"transpose|\.T\b")
def dense_dinputs_transposed(dvalues, inputs, weights):
    return weights @ dvalues.T, inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"n_samples|samples|divid|batch size|mean")
def dense_dweights_averaged(dvalues, inputs, weights):
    n = len(inputs)
    return dvalues @ weights.T, inputs.T @ dvalues / n, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"axis ?= ?0|axis|shape|\(1, ?n_neurons\)")
def dense_dbiases_total(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues, np.sum(dvalues)


@wrong("dense_backward", r"@|np\.dot|matrix|elementwise|\*")
def dense_elementwise(dvalues, inputs, weights):
    return dvalues * weights.T, inputs.T * dvalues, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"inputs\.T|transpose|\.T\b")
def dense_dweights_no_transpose(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs @ dvalues, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"three|3|dbiases|tuple")
def dense_two_items(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues


@wrong("dense_backward", r"sum over|all samples|every sample|first|batch")
def dense_first_sample_only(dvalues, inputs, weights):
    dweights = np.outer(inputs[0], dvalues[0])
    return dvalues @ weights.T, dweights, np.sum(dvalues, axis=0, keepdims=True)


@wrong("dense_backward", r"weights\.T|transpose|\.T\b|weights")
def dense_dinputs_no_transpose(dvalues, inputs, weights):
    return dvalues @ weights, inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True)


@valid("dense_backward")
def dense_einsum(dvalues, inputs, weights):
    return (np.einsum("nj,ij->ni", dvalues, weights), np.einsum("ni,nj->ij", inputs, dvalues),
            dvalues.sum(axis=0)[None, :])


@valid("dense_backward")
def dense_loops(dvalues, inputs, weights):
    n, n_in = inputs.shape
    n_out = dvalues.shape[1]
    dinputs = np.zeros((n, n_in))
    dweights = np.zeros((n_in, n_out))
    dbiases = np.zeros((1, n_out))
    for s in range(n):
        for i in range(n_in):
            for j in range(n_out):
                dinputs[s, i] += dvalues[s, j] * weights[i, j]
                dweights[i, j] += inputs[s, i] * dvalues[s, j]
        dbiases[0] += dvalues[s]
    return dinputs, dweights, dbiases


@valid("dense_backward")
def dense_double_transpose(dvalues, inputs, weights):
    return np.dot(dvalues, weights.T), (dvalues.T @ inputs).T, np.sum(dvalues, axis=0, keepdims=True)


@valid("dense_backward")
def dense_list_of_three(dvalues, inputs, weights):
    dinputs = dvalues @ weights.T
    dweights = inputs.T @ dvalues
    dbiases = dvalues.sum(axis=0, keepdims=True)
    return (dinputs, dweights, dbiases)


# ================================================================== lesson 06: softmax_cross_entropy_backward
def _one_hot(probs, y_true):
    y_true = np.asarray(y_true)
    return y_true if y_true.ndim == 2 else np.eye(probs.shape[1])[y_true]


@wrong("softmax_cross_entropy_backward", r"n_samples|samples|len|batch")
def sce_divide_by_classes(probs, y_true):
    return (probs - _one_hot(probs, y_true)) / probs.shape[1]


@wrong("softmax_cross_entropy_backward", r"one-hot")
def sce_labels_only(probs, y_true):
    d = probs.copy()
    d[np.arange(len(d)), y_true] -= 1
    return d / len(d)


@wrong("softmax_cross_entropy_backward", r"label|one-hot|integer")
def sce_reshape_labels(probs, y_true):
    return (probs - np.asarray(y_true).reshape(len(probs), -1)) / len(probs)


@wrong("softmax_cross_entropy_backward", r"sign|flip|minus|probs - ")
def sce_sign(probs, y_true):
    return (_one_hot(probs, y_true) - probs) / len(probs)


@wrong("softmax_cross_entropy_backward", r"chang|copy|in place|input")
def sce_in_place(probs, y_true):
    probs[np.arange(len(probs)), _labels(y_true)] -= 1
    return probs / len(probs)


@wrong("softmax_cross_entropy_backward", r"chang|copy|in place|input|alias")
def sce_alias(probs, y_true):
    d = probs
    d[range(len(d)), _labels(y_true)] -= 1
    d /= len(d)
    return d


@wrong("softmax_cross_entropy_backward", r"arange|range|pair|index|each row|column")
def sce_column_index(probs, y_true):
    d = probs.copy()
    d[:, _labels(y_true)] -= 1
    return d / len(d)


@wrong("softmax_cross_entropy_backward", r"off.by.one|- ?1|label|shift")
def sce_labels_minus_one(probs, y_true):
    d = probs.copy()
    d[np.arange(len(d)), _labels(y_true) - 1] -= 1
    return d / len(d)


@wrong("softmax_cross_entropy_backward", r"n_samples|samples|twice|n²|n\*\*2|divid")
def sce_divided_twice(probs, y_true):
    n = len(probs)
    return (probs - _one_hot(probs, y_true)) / n / n


@wrong("softmax_cross_entropy_backward", r"axis|argmax")
def sce_argmax_no_axis(probs, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true)
    d = probs.copy()
    d[range(len(d)), y_true] -= 1
    return d / len(d)


@wrong("softmax_cross_entropy_backward", r"shape|assign|-=|subtract|1-d")
def sce_no_assignment(probs, y_true):
    d = probs.copy()
    return (d[np.arange(len(d)), _labels(y_true)] - 1) / len(d)


@wrong("softmax_cross_entropy_backward", r"//|integer division|floor")
def sce_floor(probs, y_true):
    return (probs - _one_hot(probs, y_true)) // len(probs)


@wrong("softmax_cross_entropy_backward", r"softmax|already|probabilit")
def sce_softmax_again(probs, y_true):
    e = np.exp(probs - probs.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    return (s - _one_hot(probs, y_true)) / len(probs)


@wrong("softmax_cross_entropy_backward", r"n_samples|samples|mean|divid|average|len")
def sce_not_averaged(probs, y_true):
    d = probs.copy()
    d[np.arange(len(d)), _labels(y_true)] -= 1
    return d


@valid("softmax_cross_entropy_backward")
def sce_eye(probs, y_true):
    return (probs - _one_hot(probs, y_true)) / probs.shape[0]


@valid("softmax_cross_entropy_backward")
def sce_loop(probs, y_true):
    labels = _labels(y_true)
    out = np.array(probs, dtype=float)
    for i in range(len(out)):
        out[i, labels[i]] -= 1
    return out / len(out)


@valid("softmax_cross_entropy_backward")
def sce_put_along_axis(probs, y_true):
    d = probs.copy()
    idx = _labels(y_true)[:, None]
    np.put_along_axis(d, idx, np.take_along_axis(d, idx, axis=1) - 1, axis=1)
    return d / len(d)


# ================================================================== a second round, written after the first fixes
# (a holdout: measured before any change it prompted — 52 of 55 named; the misses led to the np.max-vs-argmax
# and y_true * log(p) mistakes and to the swapped-parameters check)


@wrong("neuron_output", r"bias")
def bias_added_twice(inputs, weights, bias):
    return float(np.dot(inputs, weights) + 2 * bias)


@wrong("neuron_output", r"weight|pair|order|reverse")
def weights_reversed(inputs, weights, bias):
    return float(np.dot(inputs, weights[::-1]) + bias)


@wrong("neuron_output", r"square|\*\*|twice")
def squared_sum(inputs, weights, bias):
    return float(np.dot(inputs, weights) ** 2 + bias)


@wrong("layer_output", r"bias|column|neuron")
def first_bias_only(inputs, weights, biases):
    return np.dot(inputs, weights) + biases[0]


@wrong("layer_output", r"bias|multipl")
def biases_multiplied(inputs, weights, biases):
    return np.dot(inputs, weights) * biases


@wrong("layer_output", r"list|array")
def layer_list_of_rows(inputs, weights, biases):
    return list(np.dot(inputs, weights) + biases)


@wrong("step", r"relu|z itself|passed through|> 0")
def step_is_relu(z):
    return np.maximum(0.0, np.asarray(z, dtype=float))


@wrong("sigmoid", r"tanh")
def sigmoid_is_tanh(z):
    return np.tanh(np.asarray(z, dtype=float))


@wrong("sigmoid", r"parenthes|1 / 1")
def sigmoid_no_parentheses(z):
    return 1 / 1 + np.exp(-np.clip(np.asarray(z, dtype=float), -500, 500))


@wrong("sigmoid", r"plus|\+|1 - e|denominator|sign")
def sigmoid_minus_denominator(z):
    z = np.clip(np.asarray(z, dtype=float), -500, 500)
    return 1 / (1 - np.exp(-z))


@wrong("tanh", r"sigmoid")
def tanh_is_sigmoid(z):
    return _stable_sigmoid(z)


@wrong("tanh", r"abs|negative|< 0|sign")
def tanh_of_abs(z):
    return np.tanh(np.abs(np.asarray(z, dtype=float)))


@wrong("tanh", r"round")
def tanh_rounded(z):
    return np.round(np.tanh(np.asarray(z, dtype=float)), 3)


@wrong("relu", r"minimum|negative")
def relu_minimum(z):
    return np.minimum(0, np.asarray(z, dtype=float))


@wrong("relu", r"bool|dtype|mask|step|float")
def relu_bools(z):
    return np.asarray(z) > 0


@wrong("relu", r"chang|copy|in place")
def relu_clip_out(z):
    np.clip(z, 0, None, out=z)
    return z


@wrong("leaky_relu", r"alpha itself|constant|alpha \* z")
def leaky_max_alpha(z, alpha=0.01):
    return np.maximum(alpha, np.asarray(z, dtype=float))


@wrong("leaky_relu", r"0\b|zero|> 0|>=|boundary|negative")
def leaky_zero_slope(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0 * alpha * z)


@wrong("leaky_relu", r"int|dtype|float|copy|cast")
def leaky_int_copy(z, alpha=0.01):
    out = z.copy()
    out[out < 0] = out[out < 0] * alpha
    return out


@wrong("softmax", r"exp")
def softmax_no_exp(z):
    z = np.asarray(z, dtype=float)
    return z / z.sum(axis=-1, keepdims=True)


@wrong("softmax", r"max|whole|batch|row")
def softmax_batch_max(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


@wrong("softmax", r"int|dtype|float")
def softmax_zeros_like(z):
    out = np.zeros_like(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    out[...] = e / e.sum(axis=-1, keepdims=True)
    return out


@wrong("mse", r"difference of the squares|square the difference|\(y_pred - y_true\) \*\* 2")
def mse_difference_of_squares(y_pred, y_true):
    return np.mean(y_pred ** 2 - y_true ** 2)


@wrong("mse", r"round")
def mse_rounded(y_pred, y_true):
    return round(float(np.mean((y_pred - y_true) ** 2)), 3)


@wrong("mse", r"2|factor|twice")
def mse_doubled(y_pred, y_true):
    return 2 * np.mean((y_pred - y_true) ** 2)


@wrong("mae", r"list|number|float")
def mae_in_a_list(y_pred, y_true):
    return [np.mean(np.abs(y_pred - y_true))]


@wrong("mae", r"int|integer|//|fraction")
def mae_int(y_pred, y_true):
    return int(np.mean(np.abs(y_pred - y_true)))


@wrong("mae", r"return")
def mae_prints(y_pred, y_true):
    print(np.mean(np.abs(y_pred - y_true)))


@wrong("binary_cross_entropy", r"1 - y|second term|both|target")
def bce_only_negative_term(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean((1 - y_true) * np.log(1 - p))


@wrong("binary_cross_entropy", r"log2|natural|base")
def bce_log2(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * np.log2(p) + (1 - y_true) * np.log2(1 - p))


@wrong("binary_cross_entropy", r"math|np\.log|array")
def bce_math_log(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * math.log(p) + (1 - y_true) * math.log(1 - p))


@wrong("categorical_cross_entropy", r"softmax|already")
def cce_softmax_again(y_pred, y_true):
    e = np.exp(y_pred)
    p = e / e.sum(axis=1, keepdims=True)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[np.arange(len(p)), _labels(y_true)]))


@wrong("categorical_cross_entropy", r"int|integer|fraction|//")
def cce_floor_division(y_pred, y_true):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.sum(-np.log(p[np.arange(len(p)), _labels(y_true)])) // len(p)


@wrong("categorical_cross_entropy", r"order|swap|argument")
def cce_arguments_swapped(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(p[np.arange(len(p)), _labels(y_true)]))


@wrong("accuracy", r"1 -|error|!=")
def accuracy_not_equal(y_pred, y_true):
    return 1 - np.mean(np.argmax(y_pred, axis=1) == _labels(y_true))


@wrong("accuracy", r"argmax|prob|compare")
def accuracy_max_not_argmax(y_pred, y_true):
    return np.mean(np.max(y_pred, axis=1) == _labels(y_true))


@wrong("accuracy", r"round|decimal")
def accuracy_rounded(y_pred, y_true):
    return round(float(np.mean(np.argmax(y_pred, axis=1) == _labels(y_true))), 1)


@wrong("numerical_derivative", r"subtract|\+|minus|central")
def derivative_plus(f, x, h=1e-5):
    return (f(x + h) + f(x - h)) / (2 * h)


@wrong("numerical_derivative", r"parenthes|divides only")
def derivative_no_parentheses(f, x, h=1e-5):
    return f(x + h) - f(x - h) / (2 * h)


@wrong("numerical_derivative", r"\bh\b|squar|h²|h\^2|twice")
def derivative_over_h_squared(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h * h)


@wrong("numerical_gradient", r"sign|opposite|flip")
def gradient_flipped(f, x, h=1e-5):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        a, b = x.copy(), x.copy()
        a[i] += h
        b[i] -= h
        g[i] = (f(b) - f(a)) / (2 * h)
    return g


@wrong("numerical_gradient", r"first|every element|ndindex")
def gradient_first_only(f, x, h=1e-5):
    g = np.zeros(x.shape)
    a, b = x.copy(), x.copy()
    a.flat[0] += h
    b.flat[0] -= h
    g.flat[0] = (f(a) - f(b)) / (2 * h)
    return g


@wrong("numerical_gradient", r"int|dtype|float")
def gradient_int_buffer(f, x, h=1e-5):
    g = np.zeros(x.shape, dtype=int)
    for i in np.ndindex(x.shape):
        a, b = x.copy(), x.copy()
        a[i] += h
        b[i] -= h
        g[i] = (f(a) - f(b)) / (2 * h)
    return g


@wrong("relu_backward", r"inputs|multipl|mask")
def relu_backward_times_inputs(dvalues, inputs):
    return dvalues * inputs


@wrong("relu_backward", r"bool|dtype|float|mask|multipl|dvalues")
def relu_backward_bools(dvalues, inputs):
    return inputs > 0


@wrong("relu_backward", r"@|matrix|elementwise")
def relu_backward_matmul(dvalues, inputs):
    return dvalues @ (inputs > 0).astype(float)


@wrong("sigmoid_backward", r"sign|positive|s - 1|1 - s")
def sigmoid_backward_s_minus_one(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues * s * (s - 1)


@wrong("sigmoid_backward", r"dvalues|sigmoid of|forward|inputs")
def sigmoid_backward_sigmoid_of_dvalues(dvalues, inputs):
    s = _stable_sigmoid(dvalues)
    return dvalues * s * (1 - s)


@wrong("sigmoid_backward", r"@|matrix|elementwise")
def sigmoid_backward_matmul(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues @ (s * (1 - s))


@wrong("dense_backward", r"transpose|shape of weights|inputs\.T")
def dense_dweights_transposed(dvalues, inputs, weights):
    return dvalues @ weights.T, dvalues.T @ inputs, dvalues.sum(axis=0, keepdims=True)


@wrong("dense_backward", r"list|tuple|return")
def dense_returns_none(dvalues, inputs, weights):
    return None


@wrong("dense_backward", r"keepdims|\(1, ?3\)|shape")
def dense_dbiases_no_keepdims(dvalues, inputs, weights):
    return dvalues @ weights.T, inputs.T @ dvalues, dvalues.sum(axis=0)


@wrong("softmax_cross_entropy_backward", r"n_samples|divid|mean")
def sce_not_divided(probs, y_true):
    return probs - _one_hot(probs, y_true)


@wrong("softmax_cross_entropy_backward", r"divide after|undivided|order")
def sce_divided_first(probs, y_true):
    return probs / len(probs) - _one_hot(probs, y_true)


@wrong("softmax_cross_entropy_backward", r"list|array")
def sce_list(probs, y_true):
    return ((probs - _one_hot(probs, y_true)) / len(probs)).tolist()


# ================================================================== a third round (a second holdout: 16 of 18 named before the
# changes it prompted — the (1 − s)-only slope and the n_samples-wide one-hot matrix)
@wrong("softmax", r"overflow|max")
def softmax_no_shift_last_axis(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)


@wrong("mse", r"axis|1-d|-1")
def mse_mean_axis1_then_mean(y_pred, y_true):
    return ((y_pred - y_true) ** 2).mean(axis=1).mean()


@wrong("categorical_cross_entropy", r"n_classes|one column per class")
def cce_eye_of_n_samples(y_pred, y_true):
    y_true = np.asarray(y_true)
    one_hot = y_true if y_true.ndim == 2 else np.eye(len(y_true))[y_true]
    return float(np.mean(-np.log(np.sum(np.clip(y_pred, 1e-7, 1 - 1e-7) * one_hot, axis=1))))


@wrong("softmax_cross_entropy_backward", r"n_classes|one column per class")
def sce_eye_of_n_samples(probs, y_true):
    y_true = np.asarray(y_true)
    one_hot = y_true if y_true.ndim == 2 else np.eye(len(y_true))[y_true]
    return (probs - one_hot) / len(probs)


@wrong("accuracy", r"axis|argmax")
def accuracy_one_hot_argmax_no_axis(y_pred, y_true):
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = y_true.argmax()
    return float(np.mean(np.argmax(y_pred, axis=1) == y_true))


@wrong("layer_output", r"single sample|1-d|extra axis")
def layer_biases_as_row(inputs, weights, biases):
    return np.dot(inputs, weights) + np.array(biases).reshape(1, -1)


@wrong("dense_backward", r"transpose")
def dense_dinputs_weights_first(dvalues, inputs, weights):
    return weights @ dvalues.T, inputs.T @ dvalues, dvalues.sum(axis=0, keepdims=True)


@wrong("numerical_gradient", r"every element at once|one element at a time")
def gradient_whole_x_in_loop(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        grad[i] = (f(x + h) - f(x - h)) / (2 * h)
    return grad


@wrong("relu_backward", r"`inputs` < 0")
def relu_backward_nonzero_mask(dvalues, inputs):
    return dvalues * (inputs != 0)


@wrong("sigmoid", r"overflow|nan|inf")
def sigmoid_exp_over_exp_plus_one(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z) / (np.exp(z) + 1)


@wrong("tanh", r"2 ?\* ?z|scal")
def tanh_of_2z(z):
    return np.tanh(2 * np.asarray(z, dtype=float))


@wrong("binary_cross_entropy", r"clip|1e-7")
def bce_clip_1e3(y_pred, y_true):
    p = np.clip(y_pred, 1e-3, 1 - 1e-3)
    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


@wrong("mae", r"columns|every element|mean")
def mae_mean_axis0_then_sum(y_pred, y_true):
    return np.sum(np.mean(np.abs(y_pred - y_true), axis=0))


@wrong("neuron_output", r"bias")
def neuron_sum_start_bias(inputs, weights, bias):
    return sum([x * w for x, w in zip(inputs, weights)], bias) + bias


@wrong("numerical_derivative", r"list|number")
def derivative_in_a_list(f, x, h=1e-5):
    return [(f(x + h) - f(x - h)) / (2 * h)]


@wrong("sigmoid_backward", r"1 − σ\(z\)\) only")
def sigmoid_backward_one_minus_s_only(dvalues, inputs):
    s = _stable_sigmoid(inputs)
    return dvalues * np.exp(-inputs) * s


@valid("step")
def step_sign_floor(z):
    return (np.sign(np.asarray(z, dtype=float)) + 1) // 2


@valid("layer_output")
def layer_biases_transposed_1d(inputs, weights, biases):
    return np.dot(inputs, weights) + np.asarray(biases).T


@valid("relu_backward")
def relu_backward_where_le(dvalues, inputs):
    return np.where(inputs <= 0, 0.0, dvalues)


@valid("accuracy")
def accuracy_sum_over_shape(y_pred, y_true):
    y_true = np.asarray(y_true)
    labels = y_true.argmax(axis=1) if y_true.ndim == 2 else y_true
    return float((y_pred.argmax(axis=1) == labels).sum() / labels.shape[0])


# ================================================================== the tests
def _run(entry: Entry):
    return run(entry.exercise, entry.fn)


def _hint_names_it(entry: Entry, result) -> bool:
    return hint_names(result, entry.pattern, regex=True)  # a regex, and not only what was observed


#: wrong answers rejected without a hint that names the mistake (the generic fallback): what is left to do
KNOWN_GAPS = {"neuron_output:squared_sum"}


@pytest.mark.parametrize("entry", [
    pytest.param(e, marks=pytest.mark.xfail(strict=True, reason="no hint names this mistake yet"))
    if e.id in KNOWN_GAPS else e for e in WRONG], ids=lambda e: e.id)
def test_wrong_answer_is_rejected_with_the_right_hint(entry):
    result = _run(entry)
    assert "checker could not judge" not in result.line, result.line
    assert_rejected(result, entry.pattern, regex=True, exercise=entry.exercise, fn=entry.fn)


@pytest.mark.parametrize("entry", VALID, ids=lambda e: e.id)
def test_valid_alternative_passes(entry):
    assert_accepted(_run(entry))


def test_corpus_size_and_rate(capsys):
    exercises = {e.exercise for e in WRONG}
    assert len(exercises) == 19
    for name in exercises:
        assert sum(e.exercise == name for e in WRONG) >= 10, name
        assert sum(e.exercise == name for e in VALID) >= 3, name
    for entry in [e for e in WRONG if e.id in KNOWN_GAPS]:  # rejected all the same, never crashing
        result = _run(entry)
        assert not result and "checker could not judge" not in result.line, result.text
    named = sum(_hint_names_it(e, _run(e)) for e in WRONG)
    rate = named / len(WRONG)
    with capsys.disabled():
        print(f"\nfresh corpus: {named}/{len(WRONG)} wrong answers get a hint naming the mistake ({rate:.1%}); "
              f"{len(VALID)} valid alternatives")
    assert rate >= 0.95
