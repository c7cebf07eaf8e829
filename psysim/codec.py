"""Plain data to bytes and back, without pickle: what checkpoints store.

:func:`encode` turns a task's result into one JSON text (plain values, containers and tags)
plus one buffer of raw array bytes; :func:`decode` builds the same value again. Reading runs no
code from the file: JSON is parsed, and arrays are made with :func:`numpy.frombuffer` from a
dtype descriptor that may not hold Python objects. So a checkpoint received from someone else
can at worst hold wrong numbers (which its checksum and the run's manifest guard against),
never execute anything.

What round-trips, with its type and dtype:

* ``None``, ``bool``, ``int``, ``float`` (NaN and infinities too), ``str``; ``list``, ``tuple``,
  ``dict`` (any keys that are themselves supported; order kept);
* numpy arrays and scalars of any dtype without Python objects (``float64``, ``int32``, ``bool``,
  ``<U7``, ``datetime64``, ...), in C order;
* pandas ``DataFrame``, ``Series`` and ``Index`` (``RangeIndex`` kept as a range) whose columns
  have numpy dtypes or ``object`` dtype holding supported values.

Anything else (a model object, a generator, a category column) is a :class:`TypeError` when it
is *written*, naming the type: a task must return plain data.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd


class _Encoder:
    def __init__(self):
        self.arrays: list = []
        self.blob = bytearray()

    def array(self, a: np.ndarray) -> int:
        if a.dtype.hasobject or a.dtype.names is not None:
            raise TypeError(f"cannot store an array of dtype {a.dtype} in a checkpoint")
        a = a if a.flags.c_contiguous else a.copy(order="C")  # (ascontiguousarray makes 0-d arrays 1-d)
        self.arrays.append([a.dtype.str, list(a.shape), len(self.blob), a.nbytes])
        self.blob += a.tobytes()
        return len(self.arrays) - 1

    def values(self, s):
        """A Series' or an Index's values, with their dtype: raw array (numpy dtypes), plain
        values (object dtype) or text (pandas' string dtype)."""
        dt = s.dtype
        if isinstance(dt, pd.StringDtype):
            return {"$strings": [dt.storage, dt.na_value is not pd.NA, [v if isinstance(v, str) else None for v in s]]}
        if not isinstance(dt, np.dtype):
            raise TypeError(f"cannot store pandas values of dtype {dt} in a checkpoint")
        a = s.to_numpy()
        if dt.hasobject:
            return {"$objects": [self(v) for v in a.tolist()]}
        return {"$array": self.array(a)}

    def index(self, ix: pd.Index):
        if isinstance(ix, pd.RangeIndex):
            return {"$range": [ix.start, ix.stop, ix.step, self(ix.name)]}
        if isinstance(ix, pd.MultiIndex):
            raise TypeError("cannot store a MultiIndex in a checkpoint")
        return {"$index": [self.values(ix), self(ix.name)]}

    def __call__(self, v):
        if isinstance(v, np.generic):
            return {"$scalar": self.array(np.asarray(v))}
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, np.ndarray):
            return {"$array": self.array(v)}
        if isinstance(v, list):
            return [self(x) for x in v]
        if isinstance(v, tuple):
            return {"$tuple": [self(x) for x in v]}
        if isinstance(v, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in v):
                return {k: self(x) for k, x in v.items()}
            return {"$dict": [[self(k), self(x)] for k, x in v.items()]}
        if isinstance(v, pd.DataFrame):
            cols = [self.values(v.iloc[:, j]) for j in range(v.shape[1])]
            return {"$frame": [self.index(v.columns), self.index(v.index), cols]}
        if isinstance(v, pd.Series):
            return {"$series": [self.values(v), self.index(v.index), self(v.name)]}
        if isinstance(v, pd.Index):
            return self.index(v)
        raise TypeError(f"cannot store a {type(v).__module__}.{type(v).__name__} in a checkpoint: "
                        "a task must return plain data (numbers, text, lists, dicts, arrays, data frames)")


def encode(value) -> tuple[bytes, bytes]:
    """``(json_bytes, array_bytes)`` of ``value`` (see the module notes for what is supported).

    ``json_bytes`` is one line of ASCII JSON (NaN and infinities as ``NaN``/``Infinity``) holding
    the value and the dtype, shape and place of each array in ``array_bytes``.
    """
    enc = _Encoder()
    doc = {"value": enc(value), "arrays": enc.arrays}
    return json.dumps(doc, separators=(",", ":")).encode("ascii"), bytes(enc.blob)


class _Decoder:
    def __init__(self, arrays, blob: bytes):
        self.arrays, self.blob = arrays, blob

    def array(self, i) -> np.ndarray:
        descr, shape, start, size = self.arrays[i]
        dtype = np.dtype(str(descr))
        n = int(np.prod(shape, dtype=np.int64))
        if dtype.hasobject or dtype.names is not None or size != n * dtype.itemsize or not 0 <= start <= len(self.blob) - size:
            raise ValueError(f"array {i} ({descr}, shape {shape}) does not match its data")
        return np.frombuffer(self.blob, dtype, count=n, offset=start).reshape(tuple(shape)).copy()

    def values(self, d):
        if "$strings" in d:
            storage, nan, items = d["$strings"]
            na = np.nan if nan else pd.NA
            return pd.array([na if x is None else x for x in items], dtype=pd.StringDtype(storage, na_value=na))
        if "$objects" in d:
            out = np.empty(len(d["$objects"]), dtype=object)
            out[:] = [self(v) for v in d["$objects"]]
            return out
        return self.array(d["$array"])

    def index(self, d) -> pd.Index:
        if "$range" in d:
            start, stop, step, name = d["$range"]
            return pd.RangeIndex(start, stop, step, name=self(name))
        vals, name = d["$index"]
        vals = self.values(vals)
        return pd.Index(vals, dtype=vals.dtype, name=self(name), copy=False)

    def __call__(self, v):
        if isinstance(v, list):
            return [self(x) for x in v]
        if not isinstance(v, dict):
            return v
        if len(v) == 1 and next(iter(v)).startswith("$"):
            (tag, body), = v.items()
            if tag == "$scalar":
                return self.array(body)[()]
            if tag == "$array":
                return self.array(body)
            if tag == "$tuple":
                return tuple(self(x) for x in body)
            if tag == "$dict":
                return {self(k): self(x) for k, x in body}
            if tag in ("$range", "$index"):
                return self.index(v)
            if tag == "$frame":
                columns, index, data = body
                index = self.index(index)
                cols = [self.values(c) for c in data]
                frame = pd.DataFrame({j: pd.Series(c, index=index, dtype=c.dtype, copy=False) for j, c in enumerate(cols)},
                                     index=index)
                frame.columns = self.index(columns)
                return frame
            if tag == "$series":
                vals, index, name = body
                vals = self.values(vals)
                return pd.Series(vals, index=self.index(index), dtype=vals.dtype, name=self(name), copy=False)
            raise ValueError(f"unknown tag {tag}")
        return {k: self(x) for k, x in v.items()}


def decode(json_bytes: bytes, array_bytes: bytes):
    """The value :func:`encode` stored. A malformed document is a :class:`ValueError`."""
    try:
        doc = json.loads(json_bytes)
        return _Decoder(doc["arrays"], array_bytes)(doc["value"])
    except (KeyError, TypeError, IndexError, RecursionError) as exc:
        raise ValueError(f"malformed checkpoint data ({type(exc).__name__}: {exc})") from None
