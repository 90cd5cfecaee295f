"""`{% form_once %}`: the hidden one-time token of a form that creates an append-only record
(see dangjian/core/once.py). Each rendering gets a new token; when the page is reached again by
the browser's Back, app.js puts back the token this tab sent, so sending it again is recognised."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dangjian.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def form_once() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
