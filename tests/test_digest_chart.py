"""The digest chart: dates (each week's Monday) on the x-axis, and lines told apart by marker
and dash pattern, not colour alone — even when they lie on top of each other."""

import numpy as np
from aiogram.utils.i18n import I18n
from sqlmodel.ext.asyncio.session import AsyncSession

from services.digest.build import build_digest
from services.digest.chart import build_figure
from services.tallies import PointWeights
from services.weeks import Week
from views.digest import chart_series, chart_title, chart_weeks, chart_x_label

W02 = Week(2026, 2)


async def test_chart_reads_dates_and_tells_equal_lines_apart(db: AsyncSession, i18n: I18n) -> None:
    digest = await build_digest(db, week=W02, weights=PointWeights())  # twelve empty weeks
    with i18n.context(), i18n.use_locale("ru"):
        title, series, x_label = chart_title(), chart_series(digest), chart_x_label(digest)
    figure = build_figure(title=title, weeks=chart_weeks(digest), series=series, x_label=x_label)
    axes = figure.axes[0]

    ticks = [label.get_text() for label in axes.get_xticklabels()]
    assert ticks[-1] == "05.01"
    assert ticks[-2] == "29.12"
    assert ticks[0] == "20.10"
    assert not any("W" in tick for tick in ticks)
    assert axes.get_xlabel() == "Недели, по их понедельнику (2025–2026)"

    lines = axes.get_lines()
    assert len(lines) == len(series) == 4
    assert all(
        np.asarray(line.get_ydata()).tolist() == [0] * 12 for line in lines
    )  # all on top of each other
    looks = {(line.get_marker(), str(line.get_linestyle())) for line in lines}
    assert len({marker for marker, _ in looks}) == 4
    assert len({style for _, style in looks}) == 4
