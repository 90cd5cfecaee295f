"""The JSON API (X.3): same services, same scope gate as the pages. Session auth + CSRF."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="县直机关党建工作系统 API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
