"""Errors that psysim raises for bad input.

Every error for bad input is a :class:`PsysimError` whose message is one line naming what is
wrong and where (file, row, column, parameter). The command line prints that line and exits
with code 2.
"""


class PsysimError(ValueError):
    """Bad input: the message is one line that names what is wrong and where."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class DataError(PsysimError):
    """A data file or table does not have the expected shape or content."""


class ParameterError(PsysimError):
    """A model or experiment parameter is unknown, non-numeric or out of bounds."""


class OfflineError(PsysimError):
    """Something must be downloaded, and this machine cannot download it."""


def did_you_mean(name, choices) -> str:
    """``" (did you mean 'gs6'?)"`` for a misspelt ``name`` among ``choices`` (empty if none is close).

    Parameters
    ----------
    name : str
        What the user typed.
    choices : iterable of str
        The names that would have been accepted.

    Returns
    -------
    str
        A suffix for a one-line error message, or ``""``.
    """
    import difflib

    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
