"""Emails written from templates: the first line of the rendered text is the subject."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from shop import i18n
from shop.mail import outbox
from shop.templating import build_environment


@cache
def _environment() -> Environment:
    return build_environment()  # the pages' environment: same filters and gettext


def render(template: str, language: str, **context: object) -> tuple[str, str]:
    """``template`` in ``language``: its subject (the first line) and its text."""
    with i18n.language(language):
        body = _environment().get_template(template).render(**context)
    subject, _, text = body.partition("\n")
    return subject.strip(), text.strip()


async def queue_template(
    session: AsyncSession, *, key: str, to: str, template: str, language: str, **context: object
) -> None:
    """Render ``template`` in ``language`` and queue it in the outbox under ``key`` (once)."""
    subject, text = render(template, language, **context)
    await outbox.queue(session, key=key, to=to, subject=subject, text=text)
