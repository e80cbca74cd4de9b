"""The web probe at scale: `python bench/bench_probe.py [N]` (default 10,000 checks).

N checks against local servers (in a child process, so the probe's event loop is the only one
measured), 30 % of them black-holed: the server accepts TCP and never answers, so each of those
checks ends at the read time-out. The ideal total is time-out × black-holed ÷ concurrency — the
probe's places spent waiting on black holes, as if every other check cost nothing. Prints the
total against it, the worst event-loop lag meanwhile (a ticker's latest wake-up), and the
verdicts (every black hole inconclusive, every other check online).

Each check has its own host name (all mapped to 127.0.0.1 by the resolver), so the per-host
limit does not serialise them, and a feeder keeps at most four times the concurrency of checks
submitted at once, as a job handing the probe its batch would.
"""

import asyncio
import gc
import multiprocessing
import sys
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rows import Row, table
from models.enums import TargetKind
from services.probe.options import ProbeOptions
from services.probe.results import ProbeTarget, Verdict
from services.probe.web import WebProbe
from tests.support.probe_servers import BlackHole, PageServer, html, resolver_for

BLACK_HOLED = 0.3
CONCURRENCY = 20  # the default of [probe] concurrency
TIMEOUT = 0.25
TICK = 0.005


def _serve(pipe: Connection) -> None:
    async def serve() -> None:
        page = await PageServer({"/": html("Shop", "x" * 2000)}).start()
        hole = await BlackHole().start()
        pipe.send((page.port, hole.port))
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        await page.close()
        await hole.close()

    asyncio.run(serve())


async def _ticker(done: asyncio.Event) -> float:
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not done.is_set():
        before = loop.time()
        await asyncio.sleep(TICK)
        worst = max(worst, loop.time() - before - TICK)
    return worst


async def measure(size: int, page_port: int, hole_port: int) -> tuple[float, float, Counter[str]]:
    names = {f"s{n}.test": ["127.0.0.1"] for n in range(size)}
    options = ProbeOptions(
        allowlist=("127.0.0.1",),
        concurrency=CONCURRENCY,
        connect_timeout=5.0,
        read_timeout=TIMEOUT,
        total_timeout=10.0,
    )
    probe = WebProbe(options, resolver=resolver_for(names))
    verdicts: Counter[str] = Counter()
    feeder = asyncio.Semaphore(4 * CONCURRENCY)
    done = asyncio.Event()

    async def one(n: int) -> None:
        holed = int(n % 10) < BLACK_HOLED * 10
        port = hole_port if holed else page_port
        url = f"http://s{n}.test:{port}/"
        try:
            result = await probe.check(ProbeTarget(n, TargetKind.WEBSITE, f"s{n}", url))
            expected = Verdict.INCONCLUSIVE if holed else Verdict.ONLINE
            verdicts["as expected" if result.verdict is expected else str(result.verdict)] += 1
        finally:
            feeder.release()

    async def feed() -> None:
        async with asyncio.TaskGroup() as group:
            for n in range(size):
                await feeder.acquire()
                group.create_task(one(n))
        done.set()

    ticker = asyncio.create_task(_ticker(done))
    started = time.monotonic()
    await feed()
    elapsed = time.monotonic() - started
    lag = await ticker
    await probe.aclose()
    return elapsed, lag, verdicts


async def rows(size: int = 10_000) -> list[Row]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve, args=(theirs,), daemon=True)
    server.start()
    try:
        page_port, hole_port = await asyncio.to_thread(ours.recv)
        gc.collect()
        gc.freeze()  # as `python -m bot` does at start
        try:
            elapsed, lag, verdicts = await measure(size, page_port, hole_port)
        finally:
            gc.unfreeze()
    finally:
        ours.send("stop")
        await asyncio.to_thread(server.join, 10)
    black_holed = sum(1 for n in range(size) if n % 10 < BLACK_HOLED * 10)
    ideal = TIMEOUT * black_holed / CONCURRENCY
    unexpected = {k: v for k, v in verdicts.items() if k != "as expected"}
    return [
        Row(
            measure=(
                f"web probe, {size:,} checks, {black_holed:,} black-holed"
                f" (time-out {TIMEOUT} s, concurrency {CONCURRENCY});"
                f" worst loop lag {lag * 1000:.0f} ms; unexpected verdicts {unexpected or 0}"
            ),
            figure=f"{elapsed:.1f} s",
            baseline=f"ideal time-out × black-holed ÷ concurrency: {ideal:.1f} s",
            ratio=elapsed / ideal,
            target="≤ 1.2, lag < 100 ms",
        )
    ]


def main() -> None:
    print(table(asyncio.run(rows(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))))


if __name__ == "__main__":
    main()
