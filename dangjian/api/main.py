"""The JSON API (X.3): same services, same scope gate as the pages. Session auth + CSRF.

Routers, one per area: me (/me, /workbench), bodies, people, posts, changes. Every operation
has an explicit url_name in the "api" namespace (e.g. "api:person_detail") for the scope matrix.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from dangjian.api import bodies, changes, errors, me, people, posts
from dangjian.api.auth import session
from dangjian.api.parser import JsonOrFormParser
from dangjian.responsibility import api as responsibility


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as itself, not \\u escapes: readable in logs and curl."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="县直机关党建工作系统 API",
    version="1",
    description=(
        "与页面相同的业务规则与权限范围。使用登录会话认证（先在页面登录）；"
        "写操作须带 X-CSRFToken 请求头（值取 csrftoken Cookie）。请求体为 JSON 对象"
        "（也接受表单）。范围外的记录一律返回 404；无权限的写操作返回 403；"
        "输入有误返回 422，detail 为 [{field, message}] 列表。"
    ),
    auth=session,
    parser=JsonOrFormParser(),
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)

api.add_router("", me.router)
api.add_router("/bodies", bodies.router)
api.add_router("/people", people.router)
api.add_router("/posts", posts.router)
api.add_router("/changes", changes.router)
api.add_router("/responsibility", responsibility.router)
