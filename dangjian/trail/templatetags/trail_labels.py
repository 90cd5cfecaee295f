from django import template

from dangjian.trail.chains import chain_label as _chain_label

register = template.Library()


@register.filter
def chain_label(chain: str) -> str:
    """{{ entry.chain|chain_label }}: the chain's name for a reader."""
    return _chain_label(chain)
