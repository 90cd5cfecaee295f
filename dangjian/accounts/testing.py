"""Named records for the scope matrices: an API token of the ordinary member's."""

from __future__ import annotations

from typing import Any

from dangjian.accounts.services import token_create


def matrix_objects(county: Any) -> dict[str, Any]:
    token, _secret = token_create(actor=county.user("member"), name="矩阵令牌")
    return {"token_member": token}
