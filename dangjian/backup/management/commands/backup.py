"""`dangjian backup [--output DIR_OR_FILE] [--keep N]`: one archive (.tar, mode 0600) of the
database (online: SQLite's backup API, PostgreSQL's pg_dump of one snapshot), the evidence
files and the trail witness, with a signed manifest. The keys are not in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.backup.manifest import BackupError
from dangjian.backup.services import backup_create, backup_prune


def keys_notice() -> str:
    names = "、".join(settings.KEYS)
    return (f"注意：密钥（环境变量 {names}）不在备份中，请另行妥善保管；"
            "恢复时须使用相同的密钥，否则票码、身份证号等加密或签名的数据无法读取或核验。")


class Command(BaseCommand):
    help = "备份数据库、佐证文件与留痕见证文件到一个归档（在线进行，无需停机）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None,
                            help="归档文件名或目录（默认 DANGJIAN_HOME/backups/）")
        parser.add_argument("--keep", type=int, default=0,
                            help="写完后只保留该目录中最新的N个归档（默认全部保留）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"])
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        m = result.manifest
        files = sum(1 for name in m["members"] if name.startswith("files/"))
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(f"  数据库（{m['vendor']}）：{len(m['tables'])}张表，"
                          f"{sum(m['tables'].values())}行；留痕链{len(m['chain_heads'])}条")
        self.stdout.write(f"  文件：{files}个（其中佐证材料{len(m['evidence'])}个）；"
                          f"见证文件：{'已包含' if m['witness'] else '无'}")
        for problem in result.problems:
            self.stderr.write(f"  警告：{problem}")
        if options["keep"] > 0:
            for p in backup_prune(keep=options["keep"], directory=result.path.parent):
                self.stdout.write(f"  已删除较早的归档：{p.name}")
        self.stdout.write(keys_notice())
