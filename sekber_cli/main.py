"""The `sekber` command: run the system, its services one by one, and data chores."""

from __future__ import annotations

import typer

from sekber_cli import accounts, data, notifications, probe, routing, services, up

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Sekber: joint case handling for East Java's social pillars.",
)
accounts.register(app)
data.register(app)
notifications.register(app)
probe.register(app)
routing.register(app)
services.register(app)
up.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
