"""`dangjian restore ARCHIVE [--force]`: check the whole archive (each member against the
signed manifest) before touching anything, refuse a database holding data unless --force,
restore the database, the files and the witness, then check the result and exit non-zero if
any check fails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangjian.backup.management.commands.backup import keys_notice
from dangjian.backup.manifest import BackupError
from dangjian.backup.services import RestoreResult, backup_restore


class Command(BaseCommand):
    help = "从归档恢复数据库、佐证文件与留痕见证文件，并校验恢复结果（请先停止服务和后台任务进程）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="dangjian backup 写出的归档")
        parser.add_argument("--force", action="store_true",
                            help="当前数据库已有数据时仍以归档覆盖（原有文件移到旁边保留）")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"找不到归档：{archive}")
        try:
            result = backup_restore(archive=archive, force=options["force"])
        except BackupError as exc:
            raise CommandError(f"未恢复：{exc}（未改动任何数据）") from exc
        self._summary(result)
        if not result.check.ok:
            raise CommandError("恢复后的校验不通过，见上")
        self.stdout.write(self.style.SUCCESS("恢复完成，校验全部通过"))

    def _summary(self, r: RestoreResult) -> None:
        c, m = r.check, r.manifest
        w = self.stdout.write
        made = timezone.localtime(dt.datetime.fromisoformat(m["created_at"]))
        w(f"已恢复归档（{made:%Y-%m-%d %H:%M:%S} 备份，"
          f"程序版本 {m['app_version']}，{m['vendor']}）")
        w(f"  行数：{c.tables}张表共{c.rows}行，"
          + ("与清单一致" if not c.count_mismatches else f"{len(c.count_mismatches)}张表不符"))
        for line in c.count_mismatches[:20]:
            w(f"    不符  {line}")
        w(f"  链头：{c.heads}条，" + ("与清单一致" if not c.head_mismatches
                                  else f"{len(c.head_mismatches)}条不符"))
        for line in c.head_mismatches[:20]:
            w(f"    不符  {line}")
        w(f"  留痕完整性校验（verify-trail --files）：{'通过' if c.trail_ok else '不通过'}"
          f"（{c.trail_message}）")
        w(f"  佐证文件：{c.evidence}个，"
          + ("SM3摘要全部一致" if not c.evidence_bad else f"{len(c.evidence_bad)}个不符"))
        for line in c.evidence_bad[:20]:
            w(f"    不符  {line}")
        w(f"  {c.witness}")
        for p in r.set_aside:
            w(f"  原有内容已移到：{p}")
        if r.pending_migrations:
            w(f"  本程序比归档多{len(r.pending_migrations)}个迁移：请运行 dangjian migrate")
        w(keys_notice())
