"""``workflow serve``: the web service and its REST API, with the scheduler inside."""

from __future__ import annotations

import click

from workflow.cli.context import app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (use PostgreSQL for more than one).",
)
@click.option(
    "--no-scheduler",
    "no_scheduler",
    is_flag=True,
    help="Do not sweep and send digests here: a separate `workflow scheduler run` does.",
)
@click.option(
    "--demo",
    is_flag=True,
    help="On an empty store: load a demo agency with about fifty cases, and a login per role.",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, no_scheduler: bool, demo: bool
) -> None:
    """Serve the REST API (/api/v1, docs at /api/docs) and /health."""
    from workflow.web.server import ServeOptions, prepare_store
    from workflow.web.server import serve as run_server

    context = app(ctx)
    for line in prepare_store(context, demo=demo):
        click.echo(line)
    if workers > 1 and context.database.is_sqlite:
        click.echo("note: SQLite serialises writes; use PostgreSQL for several workers", err=True)
    click.echo(f"serving on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    context.close()
    run_server(context.settings, ServeOptions(host, port, workers, not no_scheduler))
