"""`dangjian ballots-scrub`: the used codes' deleted rows leave the database files.

A cast deletes its code's row. SQLite overwrites the row's bytes at once (`secure_delete`) and
this command only checkpoints the write-ahead log into the file. PostgreSQL keeps the deleted
version (its digest, and as `xmax` the ballot's transaction id) in the table's pages until it is
vacuumed, and its bytes may outlive a plain vacuum: a `VACUUM` removes the dead versions, then
`VACUUM FULL` writes the codes table and its indexes anew from the live rows (on its own, `VACUUM
FULL` was seen to copy versions deleted moments before as still needed). A transaction older
than the deletes, open in the same database, keeps them until it ends. It locks the codes table
for its duration (a fraction of a second for thousands of codes; casts wait for it), so run it
after closing a box, e.g. from cron at night. Running it again does no harm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from dangjian.ballots.models import Code


class Command(BaseCommand):
    help = "清除已使用票码在数据库文件中的残留（PostgreSQL：VACUUM FULL 票码表；SQLite：检查点）"

    def handle(self, *args: Any, **options: Any) -> None:
        table = connection.ops.quote_name(Code._meta.db_table)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"VACUUM {table}")
                cur.execute(f"VACUUM FULL {table}")
            elif connection.vendor == "sqlite":
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write("已清除已使用票码的残留数据")
