"""Pickling of slotted data classes as their constructor call, for the on-disk cache.

Python pickles a `@dataclass(slots=True)` through `__getstate__`/`__setstate__` methods that
call `dataclasses.fields()` in Python for every object, on dump and on load: on a 3,900-file
repository (roboflow/inference, 270,000 parsed calls and imports) that was 2 s of a warm
scan's 8. Pickled as `cls(*field values)` instead, an object costs one constructor call; the
cache's unpickler still accepts only mlaudit's own data classes (`cache._data_class`).
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Give the dataclass `cls` a `__reduce__` that rebuilds it from its field values (apply
    it above `@dataclass`). Fields with `init=False` are not supported: they are not
    constructor arguments."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not f.init for f in fields):
        raise TypeError(f"{cls.__name__} has a field outside its constructor")
    names = tuple(f.name for f in fields)
    get = operator.attrgetter(*names)
    single = len(names) == 1  # attrgetter of one name returns the value, not a tuple

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, ((get(self),) if single else get(self))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
