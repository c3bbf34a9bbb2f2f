"""The checker framework every exercise uses — one import for checker authors.

A checker runs the learner's function on several cases, compares each answer with the reference implementation,
and shows one line: ✓ with what was verified, or ✗ with a failing case, expected vs got, and a hint — followed, for
a failure, by a second line that says *why* and which section of the lesson explains it.

The framework is split by idea; this module re-exports the public names (and the few private ones tests use):

- ``result``     — ``CheckResult``, its display (text / HTML, WCAG AA in light and dark JupyterLab themes),
                   ``RESULT_LISTENERS`` (every result is handed to each listener), ``fmt``, ``lesson_section``,
                   ``run_quietly``;
- ``compare``    — right or wrong (``compare``), two outputs alike (``_matches``);
- ``learner``    — running the learner's function, their parameter names, their line that raised or wrote into
                   an argument;
- ``claims``     — a hint is a claim, and a claim is verified: ``Diagnosis`` (with ``predict``), ``claim_holds``;
- ``relations``, ``localise``, ``exceptions``, ``diagnosis`` — the diagnosis layer (``diagnose``);
- ``checker``    — ``Case``, ``Mistake``, ``Checker``.

How a failure is explained, in order (``Checker._explain``):

1. the function changed its input (its own line that wrote into the argument is quoted, found in its source);
2. a known ``Mistake`` that reproduces the learner's output on **every** case (on the cases the learner got right,
   too: a mistake that differs from them is contradicted);
3. the learner's own function with two arguments swapped is right on every case;
4. a diagnosed relation (factor, sign, offset, transpose, axis, rounding, tuple order, ...) whose prediction
   reproduces the learner's output on every case it says something about, shown beside a case it explains;
   an observation of one case (None, a list, a shape, an exception on the learner's line) beside that case;
5. otherwise what was observed, true by construction (``localise.observe``): which cases pass and fail, which
   part of the output is wrong, and the smallest failing case to work by hand. Never a guess.
"""

from utils.checks.checker import _NOT_RUN, Case, Checker, Mistake
from utils.checks.claims import Diagnosis, Part, claim_holds
from utils.checks.compare import ARRAY, NUMBER, TUPLE, _is_number, _matches, as_floats, compare
from utils.checks.diagnosis import diagnose
from utils.checks.learner import _call, _learner_arg_name, _Raised
from utils.checks.result import (
    OUTPUT_MODE,
    RESULT_LISTENERS,
    CheckResult,
    _show,
    _to_html,
    emit,
    fmt,
    lesson_section,
    run_quietly,
    second_line,
)

__all__ = [
    "ARRAY", "NUMBER", "OUTPUT_MODE", "RESULT_LISTENERS", "TUPLE", "Case", "CheckResult", "Checker", "Diagnosis",
    "Mistake", "Part", "_NOT_RUN", "_Raised", "_call", "_is_number", "_learner_arg_name", "_matches", "_show",
    "_to_html", "as_floats", "claim_holds", "compare", "diagnose", "emit", "fmt", "lesson_section", "run_quietly", "second_line",
]
