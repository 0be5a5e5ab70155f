"""The ``carnet`` command line. Errors become exit codes and one stderr line here, nowhere else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carnet",
        description="carnet: your health record in a Telegram chat, encrypted and yours.",
    )
    parser.add_argument("--version", action="version", version=f"carnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run", help="start the Telegram bot (or the local chat when no TELEGRAM_BOT_TOKEN is set)"
    )
    run.add_argument("--webhook", metavar="URL", help="use webhook mode at this public URL")

    sub.add_parser("chat", help="talk to carnet in this terminal (/doc PATH sends a file)")

    extract = sub.add_parser("extract", help="read documents and print FHIR R4 or JSON records")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--format", choices=["fhir", "json"], default="fhir")

    keys = sub.add_parser("keys", help="manage the master key (keys rotate)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    keys_sub.add_parser("rotate", help="re-wrap every data key under a new master key")

    db = sub.add_parser("db", help="database maintenance (db upgrade)")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply database migrations")

    sub.add_parser("worker", help="process queued documents (scaled deployments)")

    jobs = sub.add_parser("jobs", help="document job queue maintenance (jobs requeue)")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    requeue = jobs_sub.add_parser(
        "requeue", help="queue the reading of received documents that have no job (one-off)"
    )
    requeue.add_argument("--dry-run", action="store_true", help="count them, queue nothing")
    return parser


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command: str = args.command
    if command == "run":
        if settings.telegram_bot_token is None and not args.webhook:
            from bot.chat.terminal import run_chat

            return run_chat(settings)
        from bot.tg.runner import run_bot

        return run_bot(settings, webhook_url=args.webhook)
    if command == "chat":
        from bot.chat.terminal import run_chat

        return run_chat(settings)
    if command == "extract":
        from bot.extract_command import run_extract

        return run_extract(settings, list(args.paths), args.format)
    if command == "keys":
        from bot.maintenance import rotate_keys

        return rotate_keys(settings)
    if command == "db":
        from bot.maintenance import upgrade_database

        return upgrade_database(settings)
    if command == "worker":
        from bot.worker import run_worker

        return run_worker(settings)
    if command == "jobs":
        from bot.maintenance import requeue_documents

        return requeue_documents(settings, dry_run=args.dry_run)
    raise AssertionError(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carnet`` script; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"carnet: {exc}", file=sys.stderr)
        return 2
    from bot.errors import describe_fatal

    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = describe_fatal(exc)
        if message is None:
            raise
        print(f"carnet: {message}", file=sys.stderr)
        return 1
