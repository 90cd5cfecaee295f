"""`dangjian demo-data --seed N [--if-empty]`: build the demo county (R0.9)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.demo.builder import DemoExists, demo_build, demo_exists, demo_summary
from dangjian.demo.catalog import COUNTY
from dangjian.demo.guard import data_present

DEFAULT_SEED = 1


class Command(BaseCommand):
    help = f"创建演示数据：虚构的{COUNTY}的组织机构、人员、职务、上一年度的变化、演示账号和待办"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"随机种子，相同种子生成相同的数据（默认 {DEFAULT_SEED}）")
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有任何数据时不做任何事（不加此项则报错）")
        parser.add_argument("--no-modules", action="store_true",
                            help="只创建组织机构、人员、职务、账号和待办，不生成各业务模块的演示数据")

    def handle(self, *args: Any, seed: int, if_empty: bool, no_modules: bool,
               **options: Any) -> None:
        if demo_exists():
            self.stdout.write("演示数据已存在，未做任何更改。")
            return
        found = data_present()  # not the demo's (guard.py): someone's real data
        if found and if_empty:
            self.stdout.write(f"数据库中已有数据（{'、'.join(found[:5])}），未创建演示数据。")
            return
        if found:
            raise CommandError(f"数据库中已有其他数据（{'、'.join(found[:5])}），不是演示数据，"
                               "不在其上创建演示数据。")
        started = time.monotonic()
        try:
            county = demo_build(seed=seed, modules=not no_modules)
        except DemoExists:
            self.stdout.write("演示数据已存在，未做任何更改。")
            return
        took = time.monotonic() - started
        s = demo_summary()
        self.stdout.write(self.style.SUCCESS(
            f"已创建演示数据（{COUNTY}，种子 {seed}，用时 {took:.1f} 秒）："
            f"部门 {s['departments']} 个，党组织 {s['party_orgs']} 个，"
            f"在职人员 {s['people']} 名，现任职务 {s['posts']} 项，"
            f"历史任职 {s['ended_posts']} 项，演示账号 {s['accounts']} 个。"
        ))
        if county.steps:
            self.stdout.write(f"各模块演示数据：{'、'.join(county.steps)}")
        self.stdout.write("查看演示账号：dangjian demo-accounts")
