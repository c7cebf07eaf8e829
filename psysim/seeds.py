"""The one seed scheme of psysim: a :class:`numpy.random.SeedSequence` from a root seed and a key.

Every random stream of a run -- an executor task, a stage of an experiment, the displays of a
sweep -- is ``derive_seed(root, *key)``: the child of ``SeedSequence(root)`` whose spawn key is
the first 128 bits of SHA-256 of the key (as four 32-bit words). ``SeedSequence(root).spawn(n)[i]``
is ``SeedSequence(root, spawn_key=(i,))``; addressing the child by a hash of a name instead of a
position means a stream depends only on the root seed and its key -- not on the order in which
streams are asked for, the executor, the number of workers, or whether a run was resumed.

The key is a path: its parts are turned into text with :class:`str` and joined with ``/``, so
``derive_seed(1, "fit", "cgs", 3)`` is ``derive_seed(1, "fit/cgs/3")``, and an executor task's
seed is ``derive_seed(root, task_key)``. Use distinct keys for streams that must be independent.
Collisions between keys are negligible (128 bits), unlike a 32-bit hash over the many thousand
tasks of a sweep.
"""

from __future__ import annotations

import hashlib

import numpy as np

from psysim.errors import PsysimError


def check_seed(seed, what: str = "seed", *, generators: bool = False):
    """The one check of a seed where it enters psysim (models, displays, networks, runs).

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        A whole number >= 0 (Python or numpy integer, not a bool); with ``generators`` also a
        ``SeedSequence`` (what executor tasks receive) or a ``Generator``, returned as they are,
        or a tuple of whole numbers >= 0 (entropy words, e.g. ``(seed, image_index)``).
    what : str
        The argument's name, for the message.
    generators : bool
        Accept a ``SeedSequence`` or ``Generator`` too (where the function hands the seed to
        :func:`numpy.random.default_rng`); torch seeds must be whole numbers.

    Returns
    -------
    int, SeedSequence or Generator

    Raises
    ------
    PsysimError
        One line naming ``what`` and the value, instead of numpy's or torch's own error (a
        negative seed), a silent truncation (``1.5`` -> 1) or a bool taken for 0/1.
    """
    if generators and isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return seed
    if generators and isinstance(seed, tuple) and seed:  # entropy words, as numpy takes them
        return tuple(check_seed(s, what) for s in seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        also = " (or a tuple of them, a numpy SeedSequence or Generator)" if generators else ""
        raise PsysimError(f"{what} must be a whole number >= 0{also}, got {seed!r}")
    return int(seed)


def derive_seed(root: int, *key) -> np.random.SeedSequence:
    """The SeedSequence of the stream named ``key`` in a run with root seed ``root``.

    Parameters
    ----------
    root : int
        Root seed of the run (a whole number >= 0).
    *key
        Parts of the stream's name, e.g. ``("fit", "conjunction", 3)`` or one task key
        ``"fit/cgs/spatial/3/start0"``; joined with ``/`` after :class:`str`.

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(root, spawn_key=w)`` with ``w`` the first four little-endian 32-bit words
        of SHA-256 of the joined key: a child of the root, as ``SeedSequence.spawn`` makes.

    Examples
    --------
    >>> s = derive_seed(7, "obs1", "conjunction")
    >>> s.entropy, len(s.spawn_key)
    (7, 4)
    >>> s.spawn_key == derive_seed(7, "obs1/conjunction").spawn_key
    True
    """
    root = check_seed(root)
    text = "/".join(str(k) for k in key)
    words = np.frombuffer(hashlib.sha256(text.encode("utf-8")).digest()[:16], dtype="<u4")
    return np.random.SeedSequence(entropy=root, spawn_key=tuple(int(w) for w in words))
