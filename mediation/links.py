"""``{% url %}``, remembering its answers: the same view and arguments give the same path.

Django's ``url`` tag reverses the name on every render, ~60 microseconds here,
and a case page has some 25 links (the staff navigation, the case's own
actions), about a tenth of its templates' time. This library replaces the
tag with one that works the same way (same syntax, same errors, same
``as`` form) and keeps the paths it made, keyed by everything a path depends
on: the view name, the arguments, the current application, the script prefix,
the URL configuration of the request and the language. It is a template
builtin (settings.TEMPLATES), so it takes the place of Django's tag in every
template. Arguments that cannot be a key (none here) are reversed every time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _path(view_name: str, args: tuple[Any, ...], kwargs: tuple[Any, ...], *key: Any) -> str:
    current_app, _prefix, urlconf, _language = key
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


@receiver(setting_changed)
def _forget_paths(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _path.cache_clear()


def _current_app(context: template.Context) -> str | None:
    request = getattr(context, "request", None)
    app = getattr(request, "current_app", None)
    if app is None:
        app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return app


class RememberingURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        key = (_current_app(context), get_script_prefix(), get_urlconf(), get_language())
        url = ""
        try:
            try:
                url = _path(view_name, args, kwargs, *key)
            except TypeError:  # an argument that cannot be a key
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=key[0])
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> RememberingURLNode:
    node = defaulttags.url(parser, token)
    return RememberingURLNode(node.view_name, node.args, node.kwargs, node.asvar)
