"""`quizapp city-admin USERNAME`: the first city admin account, made on the server (the city
admin then makes towns and their admins on the city's pages). Prints the one-time password once.
The command parses and prints; towns.service decides."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from quizapp.extensions import db


@click.command("city-admin")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The person's name as colleagues know it.")
@click.option("--city", "city_name", default="本市", show_default=True,
              help="The city's name, if the installation has no city yet.")
@with_appcontext
def city_admin(username: str, display_name: str, city_name: str) -> None:
    """Make a city admin account with a one-time password (shown once)."""
    from quizapp.clock import utcnow
    from quizapp.rules.errors import Invalid
    from quizapp.towns.service import create_city_admin

    try:
        account, password = create_city_admin(username, display_name, city_name, utcnow())
    except Invalid as error:
        click.echo(f"error: {error.code} {error.data}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"city admin {account.username}: one-time password {password} (set your own at the first sign-in)")
