"""The twelve-week chart as PNG bytes. Rendered off the event loop: matplotlib is slow and
synchronous, and a Figure (not pyplot's global state) is safe to build in a worker thread.

matplotlib is imported on the first chart, not with the bot: it needs a writable cache folder
(MPLCONFIGDIR), and a container started with an unwritable one must reach the bot's own
start-up checks and their one-line messages, not die in an import.
"""

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[int]


# Equal lines lie on top of each other, and a chart may be printed or seen by a colour-blind
# reader: each line also has its own marker and dash pattern, not only its colour.
_MARKERS = ("o", "s", "^", "D", "v", "P")
_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)))


def build_figure(
    *, title: str, weeks: Sequence[str], series: Sequence[Series], x_label: str = ""
) -> "Figure":
    """`weeks` are the tick labels as readers should see them (the weeks' Mondays)."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on a server
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(weeks))
    for index, line in enumerate(series):
        axes.plot(
            positions,
            list(line.values),
            marker=_MARKERS[index % len(_MARKERS)],
            linestyle=_STYLES[index % len(_STYLES)],
            markersize=7 - index % 3,
            linewidth=2,
            label=line.label,
        )
    axes.set_xticks(list(positions), list(weeks))
    axes.tick_params(axis="x", labelrotation=45)
    if x_label:
        axes.set_xlabel(x_label)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    # A quiet stretch of weeks must still read as counts: whole numbers from 0, at least 0–1.
    peak = max((max(line.values, default=0) for line in series), default=0)
    axes.set_ylim(0, max(peak * 1.15, 1))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    return figure


def render_png(
    *, title: str, weeks: Sequence[str], series: Sequence[Series], x_label: str = ""
) -> bytes:
    figure = build_figure(title=title, weeks=weeks, series=series, x_label=x_label)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def render_png_async(
    *, title: str, weeks: Sequence[str], series: Sequence[Series], x_label: str = ""
) -> bytes:
    return await asyncio.to_thread(
        render_png, title=title, weeks=weeks, series=series, x_label=x_label
    )
