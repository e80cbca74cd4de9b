"""The twelve-week chart as PNG bytes. Rendered off the event loop: matplotlib is slow and
synchronous, and a Figure (not pyplot's global state) is safe to build in a worker thread."""

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # headless: no display on a server

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[int]


def render_png(*, title: str, weeks: Sequence[str], series: Sequence[Series]) -> bytes:
    figure = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(weeks))
    for line in series:
        axes.plot(positions, list(line.values), marker="o", linewidth=2, label=line.label)
    axes.set_xticks(list(positions), [w.split("-")[-1] for w in weeks])
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    # A quiet stretch of weeks must still read as counts: whole numbers from 0, at least 0–1.
    peak = max((max(line.values, default=0) for line in series), default=0)
    axes.set_ylim(0, max(peak * 1.15, 1))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def render_png_async(*, title: str, weeks: Sequence[str], series: Sequence[Series]) -> bytes:
    return await asyncio.to_thread(render_png, title=title, weeks=weeks, series=series)
