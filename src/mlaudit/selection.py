"""Which checks run: `select`, `ignore`, `extend-select`, `extend-ignore` — ruff's model.

A selector is `ALL`, a check id (`REP008`), a prefix of ids (`SEC`, `SEC0`) or a check
name (`deps-locked`). `select` defaults to `ALL`; `extend-*` add to the lists. When a check
matches both a select and an ignore selector, the more specific one wins (a check id beats
a prefix, a longer prefix beats a shorter one, anything beats `ALL`); on a tie, ignore wins.
Ignored checks are not run at all. A selector that matches no check is an error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

from mlaudit.errors import UsageError
from mlaudit.rubric.model import Rubric

_PREFIX = re.compile(r"^[A-Z]{1,3}\d{0,3}$")


def _specificity(selector: str, check_id: str, name: str) -> int | None:
    """How specifically `selector` names the check (higher = more), None if it does not."""
    if selector == "ALL":
        return 0
    if selector in (name, check_id):
        return 10
    if _PREFIX.match(selector) and check_id.startswith(selector):
        return len(selector)
    return None


def _validate(selectors: Iterable[str], rubric: Rubric, key: str) -> list[str]:
    checks = [(c.id, c.name) for _, c in rubric.checks()]
    out = []
    for raw in selectors:
        selector = str(raw).strip()
        if selector.upper() == "ALL" or _PREFIX.match(selector.upper()):
            selector = selector.upper()
        if not any(_specificity(selector, cid, name) is not None for cid, name in checks):
            known = [cid for cid, _ in checks] + [n for _, n in checks]
            known += sorted({cid[:3] for cid, _ in checks})
            close = difflib.get_close_matches(selector, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"{key}: {selector!r} matches no check of the rubric{hint}")
        out.append(selector)
    return out


def build_selector(
    rubric: Rubric,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
    extend_ignore: Iterable[str] = (),
) -> Callable[[str], bool] | None:
    """A predicate on check ids, or None when every check runs."""
    chosen = _validate(list(select) if select is not None else ["ALL"], rubric, "select")
    chosen += _validate(extend_select, rubric, "extend-select")
    dropped = _validate(ignore, rubric, "ignore") + _validate(
        extend_ignore, rubric, "extend-ignore"
    )
    names = {c.id: c.name for _, c in rubric.checks()}
    if chosen == ["ALL"] and not dropped:
        return None

    def selected(check_id: str) -> bool:
        name = names.get(check_id, "")
        best_in = max(
            (s for s in (_specificity(x, check_id, name) for x in chosen) if s is not None),
            default=None,
        )
        if best_in is None:
            return False
        best_out = max(
            (s for s in (_specificity(x, check_id, name) for x in dropped) if s is not None),
            default=None,
        )
        return best_out is None or best_in > best_out

    return selected
