"""An in-memory index of every graffiti photo's hash that finds near-identical walls.

The index holds every stored hash as one uint64 numpy array; a query XORs the whole array with
the query hash and counts bits, which stays around a millisecond at a million hashes
(bench/bench_phash.py). Every process keeps its own copy, and before each match it catches up
with the database: the rows of `graffiti` and `graffiti_photo` numbered above the last one it
read (an index range scan of the primary key, usually empty), so a wall saved by another
process a moment ago is matched as well as one saved here.

Ids are not committed in order on PostgreSQL: a transaction may take id 10, another id 11 and
commit first. A number skipped by a catch-up is therefore remembered as a gap and read again
until it turns up or GAP_SECONDS pass (then it was rolled back: a wall is saved in a
transaction of milliseconds). On SQLite ids are handed out under the write lock, in commit
order, and gaps are only rolled-back ids.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.graffiti import Graffiti, GraffitiPhoto

# How long a skipped id is looked for again before it counts as rolled back.
GAP_SECONDS = 60.0
# Only the ids this close below the newest one read can still be in flight; older holes in the
# numbering (rolled back long ago) are not looked for, however many there are.
GAP_WINDOW = 1000

if hasattr(np, "bitwise_count"):

    def _popcount(values: NDArray[np.uint64]) -> NDArray[np.uint8]:
        return np.bitwise_count(values)

else:  # numpy < 2.0
    _BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def _popcount(values: NDArray[np.uint64]) -> NDArray[np.uint8]:
        as_bytes = values.view(np.uint8).reshape(-1, 8)
        return _BYTE_BITS[as_bytes].sum(axis=1, dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class Match:
    report_id: int
    distance: int


@dataclass(slots=True)
class _Feed:
    """How far one table has been read: every id up to last_id except the gaps."""

    model: type[Graffiti] | type[GraffitiPhoto]
    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # id -> when it was first missed


class PhashIndex:
    """Hashes of every stored graffiti photo, with the report each belongs to."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)
        self._reports = np.empty(0, dtype=np.int64)
        self._size = 0
        self._clock = clock
        self._feeds = (_Feed(Graffiti), _Feed(GraffitiPhoto))
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return self._size

    async def catch_up(self, session: AsyncSession) -> None:
        """Read the photos committed since the last call, by any process (all on first use).

        It reads what `session` sees, so call it before the transaction writes photos of its
        own: a row of a transaction that then rolls back would stay in the index.
        """
        async with self._lock:
            now = self._clock()
            for feed in self._feeds:
                await self._read(session, feed, now)

    async def _read(self, session: AsyncSession, feed: _Feed, now: float) -> None:
        floor = min(feed.gaps, default=feed.last_id + 1) - 1
        model = feed.model
        rows = await session.exec(
            select(model.id, model.phash, model.report_id)
            .where(col(model.id) > floor)
            .order_by(col(model.id))
        )
        hashes: list[int] = []
        reports: list[int] = []
        newer: set[int] = set()
        for row_id, phash, report_id in rows.all():
            assert row_id is not None
            if row_id > feed.last_id:
                newer.add(row_id)
            elif feed.gaps.pop(row_id, None) is None:
                continue  # held already
            if phash is not None:
                hashes.append(phash)
                reports.append(report_id)
        self.extend(hashes, reports)
        # Expired only after the read: a row committed late is read by the next catch-up,
        # however late that comes.
        feed.gaps = {i: seen for i, seen in feed.gaps.items() if now - seen < GAP_SECONDS}
        if not newer:
            return
        top = max(newer)
        for missing in range(max(feed.last_id + 1, top - GAP_WINDOW), top):
            if missing not in newer:
                feed.gaps[missing] = now
        feed.last_id = top

    def extend(self, hashes: list[int], report_ids: list[int]) -> None:
        needed = self._size + len(hashes)
        if needed > len(self._hashes):
            capacity = max(needed, 2 * len(self._hashes), 1024)
            self._hashes = np.resize(self._hashes, capacity)
            self._reports = np.resize(self._reports, capacity)
        signed = np.array(hashes, dtype=np.int64)
        self._hashes[self._size : needed] = signed.view(np.uint64)
        self._reports[self._size : needed] = report_ids
        self._size = needed

    def add(self, phash: int, report_id: int) -> None:
        self.extend([phash], [report_id])

    def search(self, phash: int, max_distance: int) -> list[Match]:
        """Every report with a photo within max_distance bits, nearest first."""
        query = np.array([phash], dtype=np.int64).view(np.uint64)[0]
        distances = _popcount(np.bitwise_xor(self._hashes[: self._size], query))
        hits = np.flatnonzero(distances <= max_distance)
        best: dict[int, int] = {}
        for position in hits.tolist():
            report_id = int(self._reports[position])
            distance = int(distances[position])
            best[report_id] = min(distance, best.get(report_id, distance))
        return [Match(r, d) for r, d in sorted(best.items(), key=lambda item: (item[1], item[0]))]
