"""The left menu, by module. Modules add their entries to MENU; each entry names the
permission that makes it appear (the pages themselves check scope again)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from dangjian.org.scope import Perm, has_perm


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    perm: Perm


@dataclass(frozen=True)
class Section:
    label: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)


MENU: list[Section] = [
    Section("工作台", (Entry("我的待办", "core:workbench", Perm.SELF_VIEW),
                    Entry("通知", "core:notifications", Perm.SELF_VIEW),
                    Entry("我的任务", "jobs:list", Perm.SELF_VIEW))),
    Section("组织机构", (
        Entry("组织架构", "org:tree", Perm.ORG_VIEW),
        Entry("人员", "org:person_list", Perm.ORG_VIEW),
        Entry("职务任职", "org:post_list", Perm.ORG_VIEW),
        Entry("Excel导入", "org:import", Perm.ORG_EDIT),
    )),
    Section("整改与测评", (
        Entry("整改方案", "rectification:plan_list", Perm.SELF_VIEW),
        Entry("测评（投票）", "ballots:box_list", Perm.BALLOT_MANAGE),
    )),
    Section("系统", (
        Entry("账号与授权", "accounts:user_list", Perm.ACCOUNT_MANAGE),
        Entry("变更留痕", "trail:change_list", Perm.TRACE_VIEW),
        Entry("年度", "core:years", Perm.ORG_STRUCTURE),
    )),
]


def add_section(section: Section, before: str = "整改与测评") -> None:
    """Modules add their menu section from AppConfig.ready(), in front of `before`."""
    if any(s.label == section.label for s in MENU):
        return
    labels = [s.label for s in MENU]
    MENU.insert(labels.index(before) if before in labels else len(MENU) - 1, section)


@functools.lru_cache(maxsize=256)
def _address(url_name: str, prefix: str) -> str:
    """An entry's address: the same for every request under one script prefix, so it is
    reversed once per process rather than on every page."""
    return reverse(url_name)


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    path = request.path
    sections: list[dict[str, Any]] = []
    for section in MENU:
        entries: list[dict[str, Any]] = [
            {"label": e.label, "url": _address(e.url_name, get_script_prefix()), "active": False}
            for e in section.entries if has_perm(user, e.perm)
        ]
        if entries:
            sections.append({"label": section.label, "entries": entries})
    # The one entry whose address is the longest prefix of this page is the current one.
    matches = [e for s in sections for e in s["entries"]
               if path == e["url"] or (e["url"] != "/" and path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return sections
