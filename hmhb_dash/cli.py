"""Command line for scripts and people who prefer it: one subcommand per task, no Streamlit."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

# Each subcommand module registers itself here: name -> (add_arguments, run). run returns an exit code.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, tuple[str, Command]] = {}


def _register_commands() -> None:
    """Import the modules that define commands (kept lazy so `--help` stays fast)."""
    from hmhb_dash import deck

    deck.register(COMMANDS)
    from hmhb_dash import cli_data

    cli_data.register(COMMANDS)


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
    return run(args)
