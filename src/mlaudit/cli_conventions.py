"""What every mlaudit command does the same way: one-line usage errors, colour, suggestions.

- A usage error (unknown flag, bad value) is one line on stderr naming the flag once,
  `mlaudit: error: --width: 'x' is not a valid integer`, exit 2 — not click's three-line
  usage block.
- Colour follows `--color auto|always|never`; with `auto`, NO_COLOR (any value) turns it
  off and FORCE_COLOR (any value but `0`) turns it on, else only a terminal gets colour
  (https://no-color.org, https://force-color.org).
- "Did you mean …?" for a misspelt check id, name or quality.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

COLOR_CHOICES = ("auto", "always", "never")
_INVALID = re.compile(r"^Invalid value for '([^']+)'(?: \(.*?\))?: (.*)$", re.S)


def usage_line(message: str) -> str:
    """click's `Invalid value for '--width': Input should be …` → `--width: input should be …`."""
    message = " ".join(message.split())
    match = _INVALID.match(message)
    if match:
        flag, detail = match.groups()
        flag = flag.split("/")[0].strip()
        message = f"{flag}: {detail[:1].lower()}{detail[1:]}"
    return message


def one_line_usage_errors(main: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a click `main` so that usage errors print one line and exit 2."""
    import typer
    from typer._click import exceptions as click_errors

    if not kwargs.get("standalone_mode", True):
        return main(*args, **kwargs)
    kwargs["standalone_mode"] = False
    try:
        code = main(*args, **kwargs)
    except click_errors.NoArgsIsHelpError as exc:
        exc.show()  # prints the help
        sys.exit(exc.exit_code)
    except click_errors.UsageError as exc:
        from mlaudit.report.escape import error_line

        command = exc.ctx.command_path if exc.ctx is not None else "mlaudit"
        sys.stderr.write(
            f"mlaudit: error: {error_line(usage_line(exc.format_message()))} (see '{command} -h')\n"
        )
        sys.exit(2)
    except typer.Abort:
        sys.stderr.write("mlaudit: interrupted\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def color_wanted(choice: str, is_tty: bool, env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if choice == "always":
        return True
    if choice == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force is not None and force != "0":
        return True
    return is_tty


def validate_choice(flag: str, value: str, choices: Iterable[str]) -> str:
    from mlaudit.errors import UsageError

    allowed = list(choices)
    if value not in allowed:
        raise UsageError(
            f"{flag}: {value!r} is not one of {', '.join(allowed)}{hint(value, allowed)}"
        )
    return value


def suggestions(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Close matches, case-insensitive, in the candidates' own spelling."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[c] for c in close]


def hint(word: str, candidates: Iterable[str]) -> str:
    close = suggestions(word, candidates)
    return f"; did you mean {' or '.join(close)}?" if close else ""
