"""An in-memory index of every graffiti photo's hash that finds near-identical walls.

The index holds every stored hash as one uint64 numpy array; a query XORs the whole array with
the query hash and counts bits, which stays around a millisecond at a million hashes
(bench/bench_phash.py). It is loaded from the database on first use and appended after each
commit, so it assumes one bot process — the deployment this project runs.
"""

import asyncio
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.graffiti import Graffiti, GraffitiPhoto

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


class PhashIndex:
    """Hashes of every stored graffiti photo, with the report each belongs to."""

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)
        self._reports = np.empty(0, dtype=np.int64)
        self._size = 0
        self._loaded = False
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return self._size

    async def ensure_loaded(self, session: AsyncSession) -> None:
        if self._loaded:
            return
        async with self._lock:
            if self._loaded:
                return
            pairs: list[tuple[int, int]] = []
            for model in (Graffiti, GraffitiPhoto):
                rows = await session.exec(
                    select(model.phash, model.report_id).where(model.phash.is_not(None))  # type: ignore[union-attr]
                )
                pairs.extend((h, r) for h, r in rows.all() if h is not None)
            self.extend([h for h, _ in pairs], [r for _, r in pairs])
            self._loaded = True

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
