"""The `fix` command (click). Being built: see issue 3."""

from __future__ import annotations

import click


@click.command("fix")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
def fix_command(source: str) -> None:
    """Build a compliant copy of an event folder (not available yet)."""
    raise click.UsageError("`mediacheck fix` is not available in this version yet.")
