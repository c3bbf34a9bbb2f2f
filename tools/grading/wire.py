"""Plain data across the sandbox wall: values as JSON, arrays as base64 of their raw bytes — never pickle.

``encode(value)`` turns None, bools, ints, floats, complex numbers, strings, lists, tuples, dicts and numpy arrays or
scalars of a numeric or boolean dtype into JSON-able data; anything else becomes an *opaque* stand-in
(its type name and a shortened repr), which ``decode`` turns into an object of a made-up class with that name and
repr, so a checker reports "returned a Foo" without ever holding the learner's object. ``decode`` builds nothing
but these types: a learner's bytes can never become code in the judge.

Functions go from the judge to the kernel only by name (``{"__ref__": "module:qualname"}``), and only names under
``utils`` or ``numpy``; any other callable cannot be sent (``Unsendable``) and the exercise is judged the weaker way.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_TEXT = 200
SAFE_DTYPE_KINDS = "biufc"


class Unsendable(TypeError):
    """A value the judge cannot send to the kernel as plain data."""


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _float(x: float) -> Any:
    return x if math.isfinite(x) else {"__float__": repr(x)}


def encode(value: Any, depth: int = 0, strict: bool = False) -> Any:
    """JSON-able plain data for ``value``; ``strict`` (the judge's side) raises Unsendable instead of making an
    opaque stand-in."""
    if depth > MAX_DEPTH:
        if strict:
            raise Unsendable("nested too deeply")
        return {"__opaque__": "deeply nested value", "repr": "…"}
    if value is None or isinstance(value, bool | str):
        return value if not isinstance(value, str) or len(value) < 100_000 else value[:100_000]
    if isinstance(value, int) and not isinstance(value, np.integer):
        return value if abs(value) < 2**63 else {"__float__": repr(float(value))}
    if isinstance(value, float) and not isinstance(value, np.floating):
        return _float(value)
    if isinstance(value, complex):
        return {"__complex__": [_float(value.real), _float(value.imag)]}
    if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in SAFE_DTYPE_KINDS:
        arr = np.asarray(value)
        if arr.size > MAX_ITEMS:
            if strict:
                raise Unsendable("array too large")
            return {"__opaque__": "ndarray", "repr": f"an array of shape {arr.shape} (too large to send)"}
        tag = "__nd__" if isinstance(value, np.ndarray) else "__np__"
        return {tag: arr.dtype.str, "shape": list(arr.shape), "b64": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(value, list | tuple):
        items = [encode(v, depth + 1, strict) for v in value[:MAX_ITEMS]]
        return items if type(value) is list else {"__tuple__": items}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, depth + 1, strict), encode(v, depth + 1, strict)] for k, v in value.items()]}
    if strict:
        if callable(value):
            module, qualname = getattr(value, "__module__", "") or "", getattr(value, "__qualname__", "") or ""
            if module.split(".")[0] in ("utils", "numpy") and "<" not in qualname:
                return {"__ref__": f"{module}:{qualname}"}
        raise Unsendable(f"a {type(value).__name__} cannot be sent as plain data")
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 — a learner's __repr__ may raise
        text = f"<{type(value).__name__}>"
    return {"__opaque__": _short(type(value).__name__, 60), "repr": _short(text)}


_OPAQUE_CLASSES: dict[str, type] = {}


def _opaque(name: str, text: str) -> Any:
    name = "".join(c for c in str(name) if c.isalnum() or c == "_")[:60] or "object"
    cls = _OPAQUE_CLASSES.get(name)
    if cls is None:
        cls = type(name, (), {"__repr__": lambda self: self._text, "__str__": lambda self: self._text,
                              "__module__": "learner"})
        _OPAQUE_CLASSES[name] = cls
    obj = cls()
    obj._text = _short(str(text))
    return obj


def _resolve(ref: str) -> Any:
    module, _, qualname = ref.partition(":")
    if module.split(".")[0] not in ("utils", "numpy"):
        raise ValueError(f"refusing to resolve {ref!r}")
    import importlib

    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def decode(data: Any, depth: int = 0, allow_refs: bool = False) -> Any:
    """The value ``encode`` described; ``allow_refs`` (the kernel's side) resolves functions sent by name."""
    if depth > MAX_DEPTH + 2:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1, allow_refs) for v in data]
    if not isinstance(data, dict):
        raise ValueError(f"unexpected {type(data).__name__} in plain data")
    if "__nd__" in data or "__np__" in data:
        dtype = np.dtype(data.get("__nd__") or data.get("__np__"))
        if dtype.kind not in SAFE_DTYPE_KINDS:
            raise ValueError(f"refusing dtype {dtype}")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["b64"], validate=True)
        arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return arr if "__nd__" in data else arr[()]
    if "__tuple__" in data:
        return tuple(decode(v, depth + 1, allow_refs) for v in data["__tuple__"])
    if "__dict__" in data:
        out = {}
        for k, v in data["__dict__"]:
            key = decode(k, depth + 1, allow_refs)
            out[key if isinstance(key, str | int | float | bool | tuple) or key is None else repr(key)] = decode(
                v, depth + 1, allow_refs)
        return out
    if "__float__" in data:
        return float(data["__float__"])
    if "__complex__" in data:
        re_, im = (decode(p, depth + 1) for p in data["__complex__"])
        return complex(re_, im)
    if "__opaque__" in data:
        return _opaque(data["__opaque__"], data.get("repr", ""))
    if "__ref__" in data and allow_refs:
        return _resolve(str(data["__ref__"]))
    raise ValueError(f"unknown plain-data tag {sorted(data)[:3]}")


def copy_into(target: Any, source: Any) -> None:
    """Write ``source`` (an argument as the learner's function left it) back into the judge's ``target`` in place,
    so the checker sees an argument the learner changed (arrays of the same shape, lists, dicts)."""
    if isinstance(target, np.ndarray) and isinstance(source, np.ndarray) and target.shape == source.shape:
        if not np.array_equal(target, source, equal_nan=target.dtype.kind in "fc" and source.dtype.kind in "fc"):
            with np.errstate(all="ignore"):
                np.copyto(target, source, casting="unsafe")
    elif isinstance(target, list) and isinstance(source, list):
        if len(target) == len(source):
            for i, (t, s) in enumerate(zip(target, source, strict=True)):
                if isinstance(t, np.ndarray | list | dict):
                    copy_into(t, s)
                else:
                    target[i] = s
        else:
            target[:] = source
    elif isinstance(target, dict) and isinstance(source, dict):
        for key, value in source.items():
            if key in target and isinstance(target[key], np.ndarray | list | dict):
                copy_into(target[key], value)
            else:
                target[key] = value
