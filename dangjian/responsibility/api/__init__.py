"""The 两个责任 JSON API (X.3 over R3): the same services, selectors and checks as the pages.

Mounted at /api/responsibility. Sub-routers by subject: lists and ledgers, 履责纪实,
督查考评, 随机抽查 and 纪实校验.
"""

from ninja import Router

from dangjian.responsibility.api import lists, records, spotcheck, supervision

router = Router()
for sub in (lists.router, records.router, supervision.router, spotcheck.router):
    router.add_router("", sub)
