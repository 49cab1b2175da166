"""Options that take a code: the code or its Chinese label, as the importers read them.

A ``CodeParam`` reads a fixed set (``workflow.codes``) or a set the definition declares
(triggers, outcomes, states), resolved when the command runs. Help lists every code
with its label; an unknown value is refused with the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

import click

from workflow.codes import Coded, code_for, known

Labels = Callable[[click.Context], Mapping[str, str]]


class CodeParam(click.ParamType[str]):
    """A code, given as the code or its label; the value is always the code."""

    def __init__(self, noun: str, labels: type[Coded] | Labels) -> None:
        """``labels``: a vocabulary enum, or a function reading the definition's codes."""
        self.name = noun
        self._fixed: Mapping[str, str] | None = None
        self._read: Labels | None = None
        if isinstance(labels, type):
            self._fixed = cast(type[Coded], labels).labels()
        else:
            self._read = labels

    def labels(self, ctx: click.Context | None) -> Mapping[str, str]:
        if self._fixed is not None:
            return self._fixed
        assert self._read is not None
        assert ctx is not None, "a definition's codes are read within a command"
        return self._read(ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return self.name.upper().replace(" ", "_")

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        labels = self.labels(ctx)
        code = code_for(str(value), labels)
        if code is None:
            self.fail(f"unknown {self.name} {value!r}; known: {known(labels)}", param, ctx)
        return code


class CodesCommand(click.Command):
    """A command whose ``--help`` ends with the codes its options take, with their labels."""

    def __init__(
        self,
        *args: object,
        codes: tuple[tuple[str, type[Coded] | Labels], ...] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.codes = codes

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        for title, labels in self.codes:
            with formatter.section(title):
                formatter.write_dl(list(CodeParam(title, labels).labels(ctx).items()))
