"""Django's ``i18n`` template library, with a ``translate`` tag that remembers its answers.

``{% translate "Cases" %}`` builds a lazy string, translates it and escapes it
on every render, ~20 microseconds here, and a case page has some 40 of them.
For a literal message the answer depends only on the message, its context,
``noop``, the language and whether the template escapes, so this tag keeps
the answer under those and renders any other use (a variable, filters,
``as``) exactly as Django's does. The module is loaded by ``{% load i18n %}``
(settings.TEMPLATES ``libraries``) and offers every other tag and filter of
Django's library unchanged.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_answers: dict[tuple[Any, ...], str] = {}


@receiver(setting_changed)
def _forget_answers(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _answers.clear()


class RememberingTranslateNode(django_i18n.TranslateNode):
    def render(self, context: template.Context) -> str:
        key = self._key(context)
        if key is None:
            return super().render(context)
        answer = _answers.get(key)
        if answer is None:
            answer = _answers[key] = super().render(context)
        return answer

    def _key(self, context: template.Context) -> tuple[Any, ...] | None:
        """What the answer depends on, or None unless the message is a plain literal."""
        expression, message_context = self.filter_expression, self.message_context
        if expression.filters or self.asvar or not isinstance(expression.var, Variable):
            return None
        if expression.var.literal is None:
            return None
        if message_context is not None and (
            message_context.filters or not isinstance(message_context.var, str)
        ):
            return None
        label = message_context.var if message_context is not None else None
        return (expression.var.literal, label, self.noop, get_language(), context.autoescape)


def _remembering(parser: Parser, token: Token) -> RememberingTranslateNode:
    node = django_i18n.do_translate(parser, token)
    return RememberingTranslateNode(
        node.filter_expression, node.noop, node.asvar, node.message_context
    )


register.tag("translate", _remembering)
register.tag("trans", _remembering)
