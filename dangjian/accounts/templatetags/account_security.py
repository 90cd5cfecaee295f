"""`{% demo_mode %}`: whether this is the demo (DANGJIAN_DEMO), for the login page's notice."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def demo_mode() -> bool:
    return bool(settings.DEMO)
