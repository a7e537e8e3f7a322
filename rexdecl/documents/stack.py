"""Room on CPython's frame stack for WeasyPrint's deep recursion (:func:`with_stack_room`).

CPython (3.11 on) keeps the frames of Python calls in chunks of 16 KB that it maps from the
system when a call does not fit and unmaps as soon as the call returns. Laying out a
document recurses deeply (block in block in table in cell, then line breaking) and goes up
and down across such a boundary thousands of times per document: each crossing maps a chunk,
faults its pages in and unmaps it again. Profiled (perf, page faults): 70 % of a rendering
worker's page faults, ~1,800 per shipment, and ~7 % of its time in the kernel.

:func:`with_stack_room` calls the render from a function whose frame is large (declared
locals that are never assigned), so that CPython gives it a chunk of 128 KB of which half is
left free: the render's recursion then runs inside that one chunk, which stays mapped until
the call returns. On another Python it is an ordinary call with a large frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["with_stack_room"]

T = TypeVar("T")

# 8,200 locals of 8 bytes: a frame just over 64 KB, so CPython's chunk doubles to 128 KB
# and leaves ~64 KB (several hundred frames) free above it.
_LOCALS = 8200


def _build() -> Callable[[Callable[[], T]], T]:
    names = "=".join(f"_{number}" for number in range(_LOCALS))
    # The assignment is never run: the names only make the frame large (they are locals
    # because they are assigned somewhere in the body).
    source = f"def with_stack_room(fn):\n    if False:\n        {names} = None\n    return fn()\n"
    namespace: dict[str, object] = {}
    exec(compile(source, __file__, "exec"), namespace)  # noqa: S102 - source built above, no input
    built: Callable[[Callable[[], T]], T] = namespace["with_stack_room"]  # type: ignore[assignment]
    return built


with_stack_room = _build()
with_stack_room.__doc__ = "``fn()``, run with room on the frame stack for deep recursion (see the module)."
