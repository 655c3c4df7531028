"""The `sekber` command: run the system, its services one by one, and data chores.

Only Typer and the standard library are imported here and at the top of the command
modules: each command imports what it needs (SQLAlchemy, Celery, the settings) when it
runs, so `sekber --help` and the probe start fast. Typer reads the annotations of the
command functions, so the types named there must be light (tests/integration/cli/
test_fast_help.py checks what `--help` imports).
"""

from __future__ import annotations

import sys

import typer

from sekber_cli import (
    accounts,
    calendar,
    data,
    imports,
    notifications,
    probe,
    regions,
    routing,
    services,
    up,
)
from sekber_cli.helptext import use_plain_help

# Plain Click help (rich_markup_mode=None and helptext.PlainCommand): no boxes, no type
# labels (`<bool>`, `<str>`), no word broken across lines at 80 columns, no Rich import.
# Plain Python tracebacks: never the values of local variables (a traceback may go to a
# log, and locals hold settings, secrets and personal data).
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    help="Sekber: joint case handling for East Java's social pillars.",
)
up.register(app)
services.register(app)
probe.register(app)
data.register(app)
imports.register(app)
routing.register(app)
notifications.register(app)
accounts.register(app)
calendar.register(app)
regions.register(app)
use_plain_help(app)


def main() -> None:
    # Every command reads its settings through shared.config.load_settings: a mistake in
    # them ends here, as one line per problem, whichever command met it. The module is
    # looked up, not imported: it is loaded (with pydantic) by whatever raised the error.
    try:
        app()
    except Exception as error:
        config_errors = sys.modules.get("shared.config_errors")
        if config_errors is None or not isinstance(error, config_errors.SettingsError):
            raise
        sys.exit(config_errors.report(error))


if __name__ == "__main__":
    main()
