"""The `sekber` command: run the system, its services one by one, and data chores."""

from __future__ import annotations

import sys

import typer

from sekber_cli import accounts, data, notifications, probe, routing, services, up
from shared import config_errors

# Plain Python tracebacks: never the values of local variables (a traceback may go to a
# log, and locals hold settings, secrets and personal data).
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
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
    # Every command reads its settings through shared.config.load_settings: a mistake in
    # them ends here, as one line per problem, whichever command met it.
    try:
        app()
    except config_errors.SettingsError as error:
        sys.exit(config_errors.report(error))


if __name__ == "__main__":
    main()
