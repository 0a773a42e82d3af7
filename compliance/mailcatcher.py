"""`flask mailcatcher`: the demo's mailbox, a local SMTP server that prints what it receives.

Staff never see a candidate's links (the outbox masks them), so the demo needs somewhere the
candidate's mail arrives: `make run` starts this catcher on loopback and points the app's SMTP
settings at it. Each message is printed to the terminal with its subject and links, for the
person trying the demo to follow as the candidate would. It keeps nothing.
"""

import ipaddress
import re
import threading
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from typing import Any

import click

DEFAULT_PORT = 8025
_LINK = re.compile(r"https?://\S+")


class Catcher:
    """An aiosmtpd handler that hands every message, as printable lines, to `echo`."""

    def __init__(self, echo: Callable[[str], Any]):
        self.echo = echo

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook)
        self.echo(describe(envelope.rcpt_tos, envelope.content))
        return "250 OK"


def describe(recipients: list[str], content: bytes) -> str:
    """Say who a message is for, its subject and every link in its text."""
    message = BytesParser(policy=policy.default).parsebytes(content)
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    lines = [f"--- mail to {', '.join(recipients)}: {message['Subject']}"]
    lines += [f"    {link}" for link in _LINK.findall(text)]
    return "\n".join(lines)


def serve(host: str, port: int, echo: Callable[[str], Any], stop: threading.Event) -> None:
    """Receive mail on host:port until `stop` is set."""
    from aiosmtpd.controller import Controller  # a development dependency, like the demo

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise click.UsageError("the mail catcher prints candidates' links: loopback only")
    controller = Controller(Catcher(echo), hostname=host, port=port)
    controller.start()
    echo(f"Mail catcher on {host}:{port}: candidates' e-mails and their links appear here.")
    try:
        stop.wait()
    finally:
        controller.stop()


@click.command("mailcatcher")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
def mailcatcher_command(host: str, port: int) -> None:
    """Receive the demo's e-mail and print each message's links (Ctrl-C stops it)."""
    try:
        serve(host, port, lambda text: click.echo(text), threading.Event())
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port} ({error.strerror})") from None
    except KeyboardInterrupt:
        pass
