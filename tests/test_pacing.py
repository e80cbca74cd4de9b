"""The paced sender under a fake clock: we record when each send happened and check the limits."""

import asyncio
from collections import Counter
from itertools import pairwise

import pytest

from services.pacing import (
    Delivery,
    DeliveryOutcome,
    PacedSender,
    Progress,
    RecipientUnavailable,
    RetryAfter,
)
from tests.support.fake_clock import FakeClock


class Recorder:
    """Send callables that note (time, chat) and can fail on command."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sends: list[tuple[float, int]] = []
        self.failures: dict[int, list[Exception]] = {}
        self.sent_more = asyncio.Event()  # set at every send, for a test waiting for a few

    def delivery(self, chat_id: int, *, is_group: bool = False) -> Delivery:
        async def send() -> None:
            self.sends.append((self.clock.monotonic(), chat_id))
            self.sent_more.set()
            queued = self.failures.get(chat_id)
            if queued:
                raise queued.pop(0)

        return Delivery(chat_id=chat_id, send=send, is_group=is_group, key=chat_id)

    def times(self, chat_id: int | None = None) -> list[float]:
        return [t for t, chat in self.sends if chat_id is None or chat == chat_id]


def max_in_window(times: list[float], window: float) -> int:
    """The most sends that fall in any half-open window [t, t + window)."""
    return max(sum(1 for u in times if t <= u < t + window - 1e-9) for t in times)


async def test_overall_rate_is_capped_and_as_fast_as_allowed() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    sender = PacedSender(rate_per_second=25, clock=clock)
    start = clock.now
    progress = await sender.deliver(recorder.delivery(chat) for chat in range(1, 101))
    assert (progress.total, progress.sent, progress.failed) == (100, 100, 0)
    assert max_in_window(recorder.times(), 1.0) <= 25
    # 100 messages at 25/s: the last starts after 99 intervals, not later.
    assert clock.now - start <= 99 / 25 + 1e-6


async def test_one_chat_gets_at_most_one_message_a_second_without_stalling_others() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    sender = PacedSender(rate_per_second=25, clock=clock)
    busy = [recorder.delivery(7) for _ in range(5)]
    others = [recorder.delivery(chat) for chat in range(100, 110)]
    await sender.deliver([*busy, *others])
    busy_times = recorder.times(7)
    assert all(b - a >= 1.0 - 1e-9 for a, b in pairwise(busy_times))
    # The ten other chats went out in the first half-second, between the busy chat's sends.
    assert max(recorder.times(chat)[0] for chat in range(100, 110)) < busy_times[1]


async def test_a_group_gets_at_most_twenty_a_minute() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    sender = PacedSender(clock=clock)
    await sender.deliver([recorder.delivery(-100500) for _ in range(45)])
    times = recorder.times()
    assert len(times) == 45
    assert max_in_window(times, 60.0) <= 20
    assert times[20] - times[0] >= 60.0 - 1e-9
    flagged = Recorder(clock)
    await sender.deliver([flagged.delivery(555, is_group=True) for _ in range(21)])
    assert flagged.times()[20] - flagged.times()[0] >= 60.0 - 1e-9


async def test_retry_after_pauses_every_queue_then_retries() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    recorder.failures[3] = [RetryAfter(7)]
    sender = PacedSender(rate_per_second=25, clock=clock)
    outcomes: list[tuple[object, DeliveryOutcome]] = []

    async def note(delivery: Delivery, outcome: DeliveryOutcome) -> None:
        outcomes.append((delivery.key, outcome))

    progress = await sender.deliver([recorder.delivery(c) for c in range(1, 11)], on_outcome=note)
    assert progress.sent == 10
    failed_at = recorder.times(3)[0]
    after = [t for t, chat in recorder.sends if t > failed_at]
    # Nothing at all was sent to anyone during the pause; chat 3 went again right after it.
    assert min(after) >= failed_at + 7 - 1e-9
    assert len(recorder.times(3)) == 2
    assert Counter(key for key, _ in outcomes) == Counter(range(1, 11))
    assert all(outcome is DeliveryOutcome.SENT for _, outcome in outcomes)


async def test_a_pause_applies_to_concurrent_deliveries_too() -> None:
    clock = FakeClock()
    first, second = Recorder(clock), Recorder(clock)
    first.failures[1] = [RetryAfter(30)]
    sender = PacedSender(rate_per_second=25, clock=clock)
    await asyncio.gather(
        sender.deliver([first.delivery(c) for c in range(1, 6)]),
        sender.deliver([second.delivery(c) for c in range(101, 106)]),
    )
    failed_at = first.times(1)[0]
    later = [t for t, _ in first.sends + second.sends if t > failed_at]
    assert min(later) >= failed_at + 30 - 1e-9


async def test_concurrent_deliveries_share_one_rate() -> None:
    clock = FakeClock()
    first, second = Recorder(clock), Recorder(clock)
    sender = PacedSender(rate_per_second=10, clock=clock)
    await asyncio.gather(
        sender.deliver([first.delivery(c) for c in range(1, 31)]),
        sender.deliver([second.delivery(c) for c in range(101, 131)]),
    )
    together = sorted(first.times() + second.times())
    assert len(together) == 60
    assert max_in_window(together, 1.0) <= 10
    # Interleaved, not one after the other.
    assert first.times()[-1] > second.times()[0]
    assert second.times()[-1] > first.times()[0]


async def test_unavailable_is_not_retried_and_failures_give_up() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    recorder.failures[1] = [RecipientUnavailable("Forbidden: bot was blocked by the user")]
    recorder.failures[2] = [RuntimeError("bad request")]
    recorder.failures[3] = [RetryAfter(1) for _ in range(10)]
    sender = PacedSender(max_attempts=3, clock=clock)
    outcomes: dict[object, DeliveryOutcome] = {}

    async def note(delivery: Delivery, outcome: DeliveryOutcome) -> None:
        outcomes[delivery.key] = outcome

    progress = await sender.deliver([recorder.delivery(c) for c in (1, 2, 3, 4)], on_outcome=note)
    assert outcomes == {
        1: DeliveryOutcome.UNAVAILABLE,
        2: DeliveryOutcome.FAILED,
        3: DeliveryOutcome.FAILED,
        4: DeliveryOutcome.SENT,
    }
    assert (len(recorder.times(1)), len(recorder.times(2)), len(recorder.times(3))) == (1, 1, 3)
    assert (progress.sent, progress.unavailable, progress.failed) == (1, 1, 2)


async def test_progress_is_reported_about_once_a_second() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    sender = PacedSender(rate_per_second=20, clock=clock)
    reports: list[tuple[float, int, float]] = []

    async def show(progress: Progress) -> None:
        reports.append((clock.monotonic(), progress.sent, progress.eta_seconds))

    await sender.deliver([recorder.delivery(c) for c in range(1, 101)], on_progress=show)
    times = [t for t, _, _ in reports]
    assert 4 <= len(reports) <= 7
    assert all(b - a >= 1.0 - 1e-9 for a, b in pairwise(times[:-1]))
    assert reports[-1][1:] == (100, 0.0)
    assert reports[0][2] > reports[-2][2]  # the estimate shrinks as it goes


async def test_nothing_to_send_returns_at_once() -> None:
    sender = PacedSender(clock=FakeClock())
    assert await sender.deliver([]) == Progress(0, 0, 0, 0, 0.0)


async def test_deliver_returns_only_after_every_outcome_is_recorded() -> None:
    clock = FakeClock()
    recorder = Recorder(clock)
    sender = PacedSender(clock=clock)
    recorded: list[object] = []

    async def slow_record(delivery: Delivery, _outcome: DeliveryOutcome) -> None:
        for _ in range(delivery.chat_id * 3):  # later chats finish their bookkeeping sooner
            await asyncio.sleep(0)
        recorded.append(delivery.key)

    await sender.deliver([recorder.delivery(c) for c in (5, 4, 3, 2, 1)], on_outcome=slow_record)
    assert sorted(recorded) == [1, 2, 3, 4, 5]  # type: ignore[type-var]


async def test_a_cancelled_delivery_stops_and_leaves_others_running() -> None:
    clock = FakeClock()
    doomed, survivor = Recorder(clock), Recorder(clock)
    sender = PacedSender(rate_per_second=1, clock=clock)
    task = asyncio.create_task(sender.deliver([doomed.delivery(c) for c in range(1, 101)]))
    others = asyncio.create_task(sender.deliver([survivor.delivery(c) for c in range(201, 204)]))
    while len(doomed.sends) < 3:  # a few seconds of fake time pass
        doomed.sent_more.clear()
        await asyncio.wait_for(doomed.sent_more.wait(), 10)
    assert 0 < len(doomed.sends) < 100
    task.cancel()
    progress = await others
    assert progress.sent == 3
    assert len(doomed.sends) < 10


async def test_a_cancelled_delivery_waits_for_sends_already_on_their_way() -> None:
    recorded: list[int] = []
    started: list[int] = []
    all_started = asyncio.Event()
    answers = asyncio.Event()  # Telegram has the sends; their answers come once this is set

    def delivery(chat_id: int) -> Delivery:
        async def send() -> None:
            started.append(chat_id)
            if len(started) == 3:
                all_started.set()
            await answers.wait()

        return Delivery(chat_id=chat_id, send=send)

    async def note(delivery: Delivery, _outcome: object) -> None:
        recorded.append(delivery.chat_id)

    sender = PacedSender(rate_per_second=1000, clock=FakeClock())
    task = asyncio.create_task(
        sender.deliver([delivery(c) for c in (1, 2, 3, 4)], on_outcome=note)
    )
    await all_started.wait()
    task.cancel()
    # The answers arrive only after the cancellation: a sender that dropped its sends on
    # cancel would have cancelled them first (the loop runs the cancelled task first).
    answers.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(recorded) == sorted(started)
    assert len(started) in (3, 4)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
                and t.get_name() != "paced-sender"]  # fmt: skip
