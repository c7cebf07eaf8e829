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
