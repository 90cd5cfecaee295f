"""The JSON API (X.3): same services, same scope gate as the pages. Auth: an API token
(Bearer) or the session (+ CSRF on writes), the default for every operation (api/auth.py).

Routers, one per area: me (/me, /workbench), bodies, people, posts, changes. Every operation
has an explicit url_name in the "api" namespace (e.g. "api:person_detail") for the scope matrix.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from dangjian.api import bodies, changes, errors, me, people, posts
from dangjian.api.auth import default_auth
from dangjian.api.parser import JsonOrFormParser
from dangjian.assessment import api as assessment_api
from dangjian.ballots import api as ballots_api
from dangjian.duty_review import api as duty_review_api
from dangjian.rectification import api as rectification_api
from dangjian.responsibility import api as responsibility_api


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as itself, not \\u escapes: readable in logs and curl."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="县直机关党建工作系统 API",
    version="1",
    description=(
        "与页面相同的业务规则与权限范围。两种认证任选其一：API 令牌（请求头 "
        "Authorization: Bearer <令牌>，在“工作台 → API 令牌”页面创建，无须 CSRF），"
        "或登录会话（先在页面登录；写操作须带 X-CSRFToken 请求头，值取 csrftoken Cookie）。"
        "令牌请求与令牌所属账号本人完全相同：同样的权限范围，每次使用都有记录。请求体为 JSON 对象"
        "（也接受表单）。范围外的记录一律返回 404；无权限的写操作返回 403；"
        "输入有误返回 422，detail 为 [{field, message}] 列表。"
    ),
    auth=default_auth,
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
api.add_router("/assessment", assessment_api.router)
api.add_router("/ballots", ballots_api.router)
api.add_router("/rectification", rectification_api.router)
api.add_router("/duty-review", duty_review_api.router)
api.add_router("/responsibility", responsibility_api.router)
