"""Jinja2's sandbox with a size bound: a template cannot compute or write a huge string.

The sandbox keeps a template from reaching Python, but not from spending memory:
``{{ "x" * 10**10 }}``, ``{{ "x" | center(10**10) }}`` or ``{{ 9 ** (9 ** 9) }}`` each
allocate gigabytes before anything is written. An operator's override template runs
inside a step, so here each such operation is refused before it runs, and a rendering is
stopped once its output passes ``MAX_OUTPUT`` characters (loops that write a little many
times). Letters and reports are a few thousand characters.

Nor does the sandbox bound time: two nested loops over ``range(100000)`` that write
nothing, or a macro calling itself twice, run for hours. A rendering may take at most
``MAX_STEPS`` loop iterations and calls (a shipped letter takes a few hundred): every
``for`` loop's iterable is counted (the parsed template is rewritten so), every call goes
through ``call``, and a recursive loop, which would iterate what it is given unseen, is
refused when the template is read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import Template, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 1_000_000  # characters of one rendering, and of any value computed on the way
MAX_STEPS = 200_000  # loop iterations and calls of one rendering (a macro call: ~3 µs)
_MAX_POWER_BITS = 64 * 1024
# A width or precision of seven digits or more in a format string ("%9999999s", "{:>9999999}").
_HUGE_WIDTH = re.compile(r"\d{7,}")


class OutputTooLarge(SecurityError):
    """A template computed or wrote more than ``MAX_OUTPUT`` characters."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: a template may write at most {MAX_OUTPUT} characters")


class TooMuchWork(SecurityError):
    """A template took more than ``MAX_STEPS`` loop iterations and calls."""

    def __init__(self) -> None:
        super().__init__(f"a template may take at most {MAX_STEPS} loop iterations and calls")


# The steps a rendering has left; None outside ``render_bounded``.
_steps_left: ContextVar[list[int] | None] = ContextVar("template_steps_left", default=None)


def _step() -> None:
    left = _steps_left.get()
    if left is not None:
        left[0] -= 1
        if left[0] < 0:
            raise TooMuchWork


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """``ImmutableSandboxedEnvironment`` refusing operations that would build huge values."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded(f) for name, f in self.filters.items()}
        # Placeholder text has no place in a letter or a report, and its count is of
        # paragraphs, not characters: ``lipsum(10**6)`` passed the bound and ran a minute
        # (the hostile-input run found it).
        del self.globals["lipsum"]

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template as Jinja2 parses it, each loop's iterable counted (``counted``)."""
        template = super()._parse(source, name, filename)
        for loop in template.find_all(nodes.For):
            if loop.recursive:
                raise TemplateSyntaxError(
                    "a recursive loop is not allowed here", loop.lineno, name, filename
                )
            counted = nodes.EnvironmentAttribute("counted", lineno=loop.lineno)
            loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.lineno)
        return template

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, each one a step of the rendering."""
        for item in iterable:
            _step()
            yield item

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**" and _power_bits(left, right) > _MAX_POWER_BITS:
            raise OutputTooLarge(f"{left} ** {right}")
        elif operator == "%" and isinstance(left, str) and _HUGE_WIDTH.search(left):
            raise OutputTooLarge("a format width")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_OUTPUT:
            raise OutputTooLarge(f"the result of {operator}")
        return result

    def call(
        __self,
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _step()
        _check_arguments(args, kwargs)
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str) and _HUGE_WIDTH.search(owner):
            raise OutputTooLarge("a format width")
        return super().call(__context, __obj, *args, **kwargs)


def render_bounded(template: Template, variables: Mapping[str, Any]) -> str:
    """``template.render(variables)``, stopped once the output passes ``MAX_OUTPUT`` or
    the rendering has taken ``MAX_STEPS`` loop iterations and calls."""
    written = 0
    parts: list[str] = []
    steps = _steps_left.set([MAX_STEPS])
    try:
        for chunk in template.generate(variables):
            written += len(chunk)
            if written > MAX_OUTPUT:
                raise OutputTooLarge("the rendering")
            parts.append(chunk)
    finally:
        _steps_left.reset(steps)
    return "".join(parts)


def _check_repeat(sequence: Any, count: Any) -> None:
    repeats = isinstance(sequence, str | list | tuple) and isinstance(count, int)
    if repeats and len(sequence) * count > MAX_OUTPUT:
        raise OutputTooLarge(f"repeating {len(sequence)} items {count} times")


def _power_bits(base: Any, exponent: Any) -> int:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return 0
    return max(abs(base).bit_length(), 1) * exponent


def _check_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    """A width, count or length argument past the bound (``center(10**10)``) is refused."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise OutputTooLarge(f"an argument of {value}")


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja2's pass_context/pass_environment marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs)  # the first is the value (or the context)
        return function(*args, **kwargs)

    return bounded
