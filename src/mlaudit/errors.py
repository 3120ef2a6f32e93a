"""Errors that the CLI turns into exit codes and one clear line, never a traceback."""

from __future__ import annotations


class MlauditError(Exception):
    exit_code = 2


class UsageError(MlauditError):
    """Bad flag, bad configuration or bad rubric: exit 2."""

    exit_code = 2


class RubricError(UsageError):
    """A rubric file that does not load; the message names file:line."""


class TargetError(MlauditError):
    """The target could not be read: exit 3."""

    exit_code = 3
