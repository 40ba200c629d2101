"""Helpers shared by the command modules: turning domain errors into messages and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import EkspertrapportError, ExitStatus

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, status: int = ExitStatus.USAGE) -> None:
    """Print a Norwegian error message to stderr and exit."""
    click.echo(f"feil: {message}" if "\n" not in message else f"feil:\n{message}", err=True)
    sys.exit(int(status))


def run_safely(func: F) -> F:
    """Decorator for click commands: EkspertrapportError → message on stderr + its exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EkspertrapportError as exc:
            fail(exc.message, exc.exit_status)
        except KeyboardInterrupt:
            fail("avbrutt", ExitStatus.USAGE)

    return wrapper  # type: ignore[return-value]
