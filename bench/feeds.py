"""Shopping feeds at national scale: how long one generation takes, and how much memory.

    python bench/feeds.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench --load

``--load`` migrates the database and loads national-scale data first (idempotent: 20,000
products, 700 locations, 200,000 stock levels, 5 million movements). The feeds are then
generated in this process as ``ocop jobs run`` would (``files.generate``: one streamed pass
writing the Google product feed, the local inventory feed and Meta's catalog feed), ``--runs``
times into a scratch folder. Prints each run's wall time, each file's size and rows, the
watermark query's time, one sales point's feed cut from the national one, and peak RSS
(``ru_maxrss``) before and after generating, so memory can be seen not to grow with the data
(issue 17's target: under 30 s, bounded memory). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import OCOP
from shop.catalog.sellability import today
from shop.db import Database
from shop.db_types import utcnow
from shop.settings import Settings
from shop.storefront.feeds import files, rows


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _store_rows(path: Path, code: str) -> int:
    prefix = code.encode() + b"\t"
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(prefix))


def _busiest_store(settings: Settings) -> str:
    """The code of the sales point with most rows in the local inventory feed."""
    counts: dict[str, int] = {}
    with files.path(settings, files.GOOGLE_LOCAL).open() as handle:
        next(handle)
        for line in handle:
            code = line.split("\t", 1)[0]
            counts[code] = counts.get(code, 0) + 1
    return max(counts, key=lambda c: counts[c])


async def bench(url: str, runs: int) -> None:
    db = Database.connect(url)
    scratch = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    settings = Settings(database_url=url, secret_key=secrets.token_hex(16), var_dir=scratch)  # signs nothing
    try:
        async with db.read_sessions() as session:
            started = time.perf_counter()
            await files.watermark(session, today())
            mark_ms = (time.perf_counter() - started) * 1000
            points = len(await rows.open_points(session, today()))
        before = peak_rss_mb()
        print(f"{url.split(':', 1)[0]}: {points} open sales points and fairs")
        print(f"watermark query: {mark_ms:.1f} ms")
        print(f"peak RSS before generating: {before:.0f} MB")
        for run in range(1, runs + 1):
            started = time.perf_counter()
            await files.generate(db, settings, now=utcnow())
            print(f"run {run}: all three feeds in {time.perf_counter() - started:.1f} s")
        after = peak_rss_mb()
        for feed in files.FEEDS:
            path = files.path(settings, feed)
            size = path.stat().st_size / 1_000_000
            print(f"  {feed.file:<28}{size:>8.1f} MB{_lines(path):>10} lines")
        code = _busiest_store(settings)
        started = time.perf_counter()
        found = _store_rows(files.path(settings, files.GOOGLE_LOCAL), code)
        cut_ms = (time.perf_counter() - started) * 1000
        print(f"one sales point's feed ({code}, {found} rows) cut from the national file: {cut_ms:.0f} ms")
        print(f"peak RSS after generating: {after:.0f} MB (+{after - before:.0f} MB)")
    finally:
        await db.dispose()
        shutil.rmtree(scratch)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("OCOP_DATABASE_URL", "sqlite+aiosqlite:///var/bench.db")
    )
    parser.add_argument("--load", action="store_true", help="migrate and load national data first")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if args.load:
        env = {**os.environ, "OCOP_DATABASE_URL": args.database_url}
        subprocess.run([OCOP, "db", "upgrade"], env=env, check=True)
        started = time.monotonic()
        subprocess.run([OCOP, "demo", "load", "--scale", "national"], env=env, check=True)
        print(f"national load: {time.monotonic() - started:.1f} s")
    asyncio.run(bench(args.database_url, args.runs))


if __name__ == "__main__":
    main()
