"""Command line for scripts and people who prefer it: one subcommand per task, no Streamlit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# Each subcommand module registers itself here: name -> (add_arguments, run). run returns an exit code.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, tuple[str, Command]] = {}
USAGE_ERROR = 2  # argparse's exit code for a wrong command line; every command uses it too


class UsageError(Exception):
    """An argument the command cannot use (a path, a value): the message says what is wrong."""


def check_output(path: Path) -> Path:
    """A file the command may write: its folder must exist (none is created) and it is not a folder."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"the folder {path.parent} does not exist; nothing was written")
    return path


def write_output(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}; nothing was written") from None


def _register_commands() -> None:
    """Import the modules that define commands (kept lazy so `--help` stays fast)."""
    from hmhb_dash import cli_data, cli_deck

    cli_deck.register(COMMANDS)
    cli_data.register(COMMANDS)
    from hmhb_dash import site

    site.register(COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    _register_commands()
    parser = argparse.ArgumentParser(prog="python -m hmhb_dash", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, (add_arguments, _)) in sorted(COMMANDS.items()):
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _, (_, run) = COMMANDS[args.command]
    try:
        return run(args)
    except UsageError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return USAGE_ERROR
