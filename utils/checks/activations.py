"""Checkers for lesson 03 (activation functions)."""

from __future__ import annotations

import numpy as np

from utils import activations as ref
from utils.checks.core import Case, Checker, Mistake, lesson_section

_rng = np.random.default_rng(3)
_BATCH = _rng.normal(scale=3.0, size=(4, 5))
_HAND = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])
_HUGE = np.array([-1000.0, -20.0, 0.0, 20.0, 1000.0])
_F32 = _rng.normal(size=(3, 4)).astype(np.float32)
_INTS = np.array([-3, -1, 0, 2, 5])


def _elementwise_cases(name: str, huge_hint: str) -> list[Case]:
    return [
        Case("z = [-2, -1, -0.5, 0.5, 1, 2]", (_HAND,)),
        Case("a batch of shape (4, 5)", (_BATCH,), hint_if_fails=f"{name} works elementwise: the output has "
             "the shape of z"),
        Case("z = [-1000, -20, 0, 20, 1000]", (_HUGE,), hint_if_fails=huge_hint),
        Case("float32 input, shape (3, 4)", (_F32,), rtol=1e-5, atol=1e-6),
        Case("integer input z = [-3, -1, 0, 2, 5]", (_INTS,),
             hint_if_fails="integer arrays must work too: convert first with z = np.asarray(z, dtype=float)"),
    ]


def _exp(z):
    return np.exp(np.asarray(z, dtype=np.float64))


_FIVE = lesson_section("03", "Exercises: five activations")
_CLASSIC = lesson_section("03", "2. The classic activations")
_SIGMOID = lesson_section("03", "Sigmoid without overflow")
_SOFTMAX = lesson_section("03", "3. Softmax: scores to probabilities")
_OVERFLOW = lesson_section("03", "Overflow, and the one-line fix")
_ROWS = lesson_section("03", "Batches: one softmax per row")
_COPY_FIX = "work on a copy, {name} = np.array({name}, dtype=float), or build a new array"
_ELEMENTWISE = {"elementwise": _FIVE, "dtype": _FIVE, "reduce": _FIVE, "branch": _CLASSIC}


check_step = Checker(
    name="step",
    mutation_fix=_COPY_FIX,
    reference=ref.step,
    verified="1 where z > 0 and 0 elsewhere (step(0) = 0), batches, float32, integers",
    section=_FIVE, sections=_ELEMENTWISE,
    about="step gives 1.0 where z > 0 and 0.0 elsewhere, element by element, as floats.",
    cases=[Case("z = [-2, -1, 0, 1, 2]", (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),))]
    + _elementwise_cases("step", "step only compares with 0"),
    mistakes=[
        Mistake("step(0) is 0 in this course: use z > 0, not z >= 0",
                lambda z: (np.asarray(z) >= 0).astype(float)),
        Mistake("the result has dtype bool: convert it with (z > 0).astype(float)", lambda z: np.asarray(z) > 0),
        Mistake("that is relu (z where z > 0); step gives 1 where z > 0 and 0 elsewhere",
                lambda z: np.maximum(0.0, np.asarray(z, dtype=float))),
        Mistake("the comparison is reversed: step gives 1 where z > 0 (not z < 0) and 0 elsewhere",
                lambda z: (np.asarray(z) < 0).astype(float)),
        Mistake("np.sign gives -1 for negative z: step gives 0 there — use (z > 0).astype(float)",
                lambda z: np.sign(np.asarray(z, dtype=float))),
        Mistake("step(0) is 0 in this course, not 0.5: use np.heaviside(z, 0.0) or (z > 0).astype(float)",
                lambda z: np.heaviside(np.asarray(z, dtype=float), 0.5)),
    ],
)

check_sigmoid = Checker(
    name="sigmoid",
    mutation_fix=_COPY_FIX,
    reference=ref.sigmoid,
    verified="values, batches, no overflow at z = ±1000, float32, integers",
    section=_SIGMOID, sections={**_ELEMENTWISE, "branch": _SIGMOID},
    about="sigmoid(z) = 1 / (1 + e^(-z)), computed so that no exponent is large and positive.",
    cases=_elementwise_cases(
        "sigmoid", "np.exp(-z) overflows for z = -1000: compute e = np.exp(-np.abs(z)) (never above 1) and use "
        "1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0"),
    mistakes=[
        Mistake("np.exp(-z) overflows for z = -1000 (np.exp(1000) is inf, with a RuntimeWarning), even inside "
                "np.where, which evaluates both branches: compute e = np.exp(-np.abs(z)) and use 1/(1+e) for z >= 0, e/(1+e) for z < 0",
                lambda z: 1.0 / (1.0 + _exp(-np.asarray(z, dtype=np.float64)))),
        Mistake("np.exp(z) / (1 + np.exp(z)) gives inf/inf = nan for z = 1000: compute e = np.exp(-np.abs(z)) "
                "and use 1/(1+e) for z >= 0, e/(1+e) for z < 0", lambda z: _exp(z) / (1.0 + _exp(z))),
        Mistake("np.where evaluates both branches, so the branch you do not pick still overflows: apply the "
                "exponent to -np.abs(z), which is never positive",
                lambda z: np.where(np.asarray(z) >= 0, 1 / (1 + _exp(-np.asarray(z, dtype=float))),
                                   _exp(z) / (1 + _exp(z)))),
        Mistake("sign error: sigmoid(z) = 1 / (1 + e^(-z)), with a minus in the exponent",
                lambda z: 1.0 / (1.0 + _exp(z)),
                why="With +z in the exponent the curve is mirrored: large z gives 0 instead of 1."),
        Mistake("that is tanh, whose outputs are in (-1, 1); sigmoid is 1 / (1 + e^(-z)), with outputs in (0, 1)",
                lambda z: np.tanh(np.asarray(z, dtype=float))),
        Mistake("1 / 1 + np.exp(-z) is (1 / 1) + np.exp(-z): put the denominator in parentheses, "
                "1 / (1 + np.exp(-z))", lambda z: 1.0 + _exp(-np.asarray(z, dtype=float)),
                why="Division binds tighter than addition."),
        Mistake("the denominator is 1 + e^(-z), with a plus: sigmoid(z) = 1 / (1 + e^(-z))",
                lambda z: 1.0 / (1.0 - _exp(-np.asarray(z, dtype=float)))),
    ],
)

check_tanh = Checker(
    name="tanh",
    mutation_fix=_COPY_FIX,
    reference=ref.tanh,
    verified="values, batches, z = ±1000 without overflow, float32, integers",
    section=_CLASSIC, sections={**_ELEMENTWISE, "overflow": _SIGMOID, "scale": _CLASSIC},
    about="tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2·sigmoid(2z) - 1, with outputs in (-1, 1); np.tanh computes "
          "it without overflow.",
    cases=_elementwise_cases("tanh", "(e^z - e^-z) / (e^z + e^-z) is inf/inf = nan at z = ±1000: use np.tanh(z), "
                                     "or 2 * sigmoid(2 * z) - 1 with a stable sigmoid"),
    mistakes=[
        Mistake("(e^z - e^-z) / (e^z + e^-z) overflows to inf/inf = nan at z = ±1000: use np.tanh(z)",
                lambda z: (_exp(z) - _exp(-np.asarray(z, dtype=float))) / (_exp(z) + _exp(-np.asarray(z, dtype=float)))),
        Mistake("that is the sigmoid, whose outputs are in (0, 1); tanh's are in (-1, 1): use np.tanh(z)",
                ref.sigmoid),
        Mistake("2 * sigmoid(z) - 1 is tanh(z / 2): the identity is tanh(z) = 2 * sigmoid(2 * z) - 1 (or use "
                "np.tanh(z))", lambda z: 2 * ref.sigmoid(z) - 1,
                why="Stretching sigmoid to (-1, 1) also needs the input doubled: 2·sigmoid(2z) - 1."),
    ],
)

check_relu = Checker(
    name="relu",
    reference=ref.relu,
    verified="max(0, z) elementwise on vectors, batches, ±1000, float32, integers; input left unchanged",
    section=_FIVE, sections=_ELEMENTWISE,
    about="relu keeps z where z > 0 and gives 0 elsewhere, element by element.",
    cases=_elementwise_cases("relu", "relu is max(0, z) for every element"),
    mistakes=[
        Mistake("Python's max(0, z) compares the whole array with 0 at once and fails; use np.maximum(0, z), "
                "which works element by element", lambda z: max(0, z)),
        Mistake("np.max(z) is the largest element of the array; use np.maximum(0, z), which compares "
                "element by element", lambda z: np.max(np.asarray(z, dtype=float), 0)),
        Mistake("that keeps the negative part: relu keeps z where z > 0 and gives 0 elsewhere",
                lambda z: np.minimum(0.0, np.asarray(z, dtype=float))),
        Mistake("np.clip(z, 0, 1) also caps the positive side at 1; relu has no upper limit: np.maximum(0, z)",
                lambda z: np.clip(np.asarray(z, dtype=float), 0, 1)),
        Mistake("that is the step function (1 where z > 0): relu keeps the value of z itself there, "
                "np.maximum(0, z)", lambda z: (np.asarray(z) > 0).astype(float)),
        Mistake("that is leaky relu (a small slope for z < 0): relu gives exactly 0 there, np.maximum(0, z)",
                lambda z: np.maximum(np.asarray(z, dtype=float), 0.01 * np.asarray(z, dtype=float))),
    ],
    mutation_hint="z[z < 0] = 0 changed the caller's array; return a new one with np.maximum(0, z)",
    mutation_fix="return a new array with np.maximum(0, {name}), or work on a copy, {name} = np.array({name}, "
                 "dtype=float)",
)

_leaky_cases = _elementwise_cases(
    "leaky_relu", "leaky_relu is z where z > 0 and alpha * z elsewhere") + [
    Case("alpha = 0.2 on z = [-2, -1, 0.5, 3]", (np.array([-2.0, -1.0, 0.5, 3.0]),), {"alpha": 0.2},
         hint_if_fails="use the alpha argument, not a hard-coded 0.01"),
]
_leaky_cases[-2].hint_if_fails = (
    "integer input: z.copy() keeps the integer dtype, so z[z < 0] *= alpha fails or rounds to 0; "
    "start with z = np.asarray(z, dtype=float)")


def _leaky_inplace(z, alpha=0.01):
    out = np.array(z, copy=True)
    out[out < 0] *= alpha
    return out


check_leaky_relu = Checker(
    name="leaky_relu",
    reference=ref.leaky_relu,
    verified="slope alpha on the negative side, the alpha argument, batches, ±1000, float32, integers",
    section=_FIVE, sections=_ELEMENTWISE,
    about="leaky_relu keeps z where z > 0 and gives alpha * z elsewhere, so negative inputs keep a small slope.",
    cases=_leaky_cases,
    mistakes=[
        Mistake("the slope is on the wrong side: keep z where z > 0 and multiply by alpha where z <= 0",
                lambda z, alpha=0.01: np.where(np.asarray(z) > 0, alpha * np.asarray(z, dtype=float), z)),
        Mistake("alpha was ignored: use the alpha argument instead of a hard-coded 0.01",
                lambda z, alpha=0.01: ref.leaky_relu(z, 0.01)),
        Mistake("the default alpha is 0.01: def leaky_relu(z, alpha=0.01)",
                lambda z, alpha=0.1: ref.leaky_relu(z, alpha)),
        Mistake("integer input: z.copy() keeps the integer dtype, so z[z < 0] *= alpha fails or rounds to 0; "
                "start with z = np.asarray(z, dtype=float)", _leaky_inplace),
        Mistake("that is plain relu: negative inputs must give alpha * z, not 0",
                lambda z, alpha=0.01: np.maximum(0, z)),
        Mistake("negative inputs were divided by alpha: they must be multiplied, alpha * z",
                lambda z, alpha=0.01: np.where(np.asarray(z) > 0, np.asarray(z, dtype=float),
                                               np.asarray(z, dtype=float) / alpha)),
        Mistake("negative inputs gave alpha itself, a constant: they must give alpha * z",
                lambda z, alpha=0.01: np.where(np.asarray(z) > 0, np.asarray(z, dtype=float), alpha),
                why="The slope on the negative side is alpha, so the value there is alpha times z."),
    ],
    mutation_hint="z[z < 0] *= alpha changed the caller's array; work on z = np.array(z, dtype=float) (a copy)",
    mutation_fix="work on a copy, {name} = np.array({name}, dtype=float), or build a new array with np.where",
)


# ------------------------------------------------------------------------------ softmax
def _softmax_wrong(axis=-1, keepdims=True, shift="row", whole=False):
    def fn(z):
        z = np.asarray(z, dtype=np.float64)
        if shift == "row":
            z = z - z.max(axis=-1, keepdims=True)
        elif shift == "row_no_keepdims":
            z = z - z.max(axis=-1)
        elif shift == "col":
            z = z - z.max(axis=0, keepdims=True)
        elif shift == "all":
            z = z - z.max()
        e = np.exp(z)
        if whole:
            return e / e.sum()
        return e / e.sum(axis=axis, keepdims=keepdims)
    return fn


check_softmax = Checker(
    name="softmax",
    reference=ref.softmax,
    verified="rows sum to 1, each row on its own, one vector, logits of ±1000, float32, integers",
    section=_SOFTMAX,
    sections={"overflow": _OVERFLOW, "axis": _ROWS, "keepdims": _ROWS, "broadcast": _ROWS, "shape": _ROWS,
              "order": _ROWS, "dtype": _SOFTMAX},
    about="softmax exponentiates each row (after subtracting the row's max) and divides by that row's sum, so "
          "each row is a probability distribution.",
    cases=[
        Case("a batch of shape (2, 3)", (np.array([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5]]),)),
        Case("a square batch (3, 3)", (np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.0, 5.0, -1.0]]),)),
        Case("one vector [4.8, 1.21, 2.385] -> [0.895, 0.025, 0.080]", (np.array([4.8, 1.21, 2.385]),),
             hint_if_fails="a single vector must work too: use axis=-1 (the last axis), not axis=1"),
        Case("large logits [[1000, 1000, 1000], [1000, 0, -1000]]",
             (np.array([[1000.0, 1000.0, 1000.0], [1000.0, 0.0, -1000.0]]),),
             hint_if_fails="subtract each row's max before np.exp, so the largest exponent is 0"),
        Case("rows on very different scales [[1000, 999, 998], [1, 2, 3]]",
             (np.array([[1000.0, 999.0, 998.0], [1.0, 2.0, 3.0]]),)),
        Case("float32 logits, shape (3, 4)", (_F32,), rtol=1e-5, atol=1e-6),
        Case("integer logits [[1, 2, 3], [0, 0, 1]]", (np.array([[1, 2, 3], [0, 0, 1]]),),
             hint_if_fails="integer arrays must work too: convert first with z = np.asarray(z, dtype=float)"),
    ],
    mistakes=[
        Mistake("axis=1 needs a 2-D batch; use axis=-1 (the last axis) so one vector works too",
                _softmax_wrong(axis=1)),
        Mistake("softmax summed over the whole array: use axis=-1, keepdims=True so each row sums to 1",
                _softmax_wrong(whole=True)),
        Mistake("softmax summed over the whole array: use axis=-1, keepdims=True so each row sums to 1",
                _softmax_wrong(whole=True, shift="all")),
        Mistake("keepdims is missing on the row max: z.max(axis=-1) has shape (n,) and does not line up with the "
                "rows; use z - z.max(axis=-1, keepdims=True)", _softmax_wrong(shift="row_no_keepdims"),
                why="A reduction drops its axis; keepdims=True keeps it with size 1 so it broadcasts along the row.",
                section=_ROWS),
        Mistake("keepdims is missing: exp.sum(axis=-1) has shape (n,) and does not line up with the rows; "
                "use exp.sum(axis=-1, keepdims=True)", _softmax_wrong(keepdims=False),
                why="A reduction drops its axis; keepdims=True keeps it with size 1 so it broadcasts along the row.",
                section=_ROWS),
        Mistake("keepdims is missing: exp.sum(axis=1) has shape (n,) and does not line up with the rows; "
                "use exp.sum(axis=-1, keepdims=True)", _softmax_wrong(axis=1, keepdims=False)),
        Mistake("summed down the columns (axis=0): rows are samples, so use axis=-1", _softmax_wrong(axis=0),
                section=_ROWS),
        Mistake("normalised down the columns (axis=0): each column sums to 1, but each row (sample) should — use "
                "axis=-1 for the max and the sum", _softmax_wrong(axis=0, shift="col"),
                why="Rows are samples: a sample's probabilities lie along its row.", section=_ROWS),
        Mistake("np.exp is missing: softmax exponentiates the scores first, then divides each row by its sum",
                lambda z: np.asarray(z, dtype=float) / np.asarray(z, dtype=float).sum(axis=-1, keepdims=True)),
        Mistake("np.exp(1000) overflows to inf and inf/inf is nan: subtract the row max first, "
                "z - z.max(axis=-1, keepdims=True)", _softmax_wrong(shift="none")),
        Mistake("you subtracted the max of the whole batch: a row far below it underflows to 0/0; subtract each "
                "row's own max, z.max(axis=-1, keepdims=True)", _softmax_wrong(shift="all")),
    ],
    mutation_hint="z -= z.max(...) changed the caller's array; write z = z - z.max(...) to make a new one",
    mutation_fix="write {name} = {name} - {name}.max(axis=-1, keepdims=True), which makes a new array, instead of "
                 "changing the caller's",
)
