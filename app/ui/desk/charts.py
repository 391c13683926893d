"""The dashboard's charts, drawn with pyqtgraph: bars (grouped or horizontal), a line and a heat map.

The charts only draw what they are given (labels already in the window's language, values already computed
by the services); the dashboard redraws them after each refresh and on a language change. They take no
mouse (nothing to pan or zoom by accident at a counter) and no keyboard focus (Tab goes from control to
control). Tick labels go through QLocale, so counts read 1.250 in Vietnamese. This module is imported the
first time the dashboard is shown: pyqtgraph and NumPy stay out of the till's start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QFontMetrics

BACKGROUND = "#000000"
FOREGROUND = "#ffffff"
GRID_ALPHA = 0.25
YELLOW, GREEN, BLUE, ORANGE = "#ffe14d", "#2fd67a", "#4dc3ff", "#ffb347"
MAX_TICKS = 12
Stops = Sequence[tuple[float, tuple[int, int, int]]]

pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground=FOREGROUND)


class LocaleAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no type information
    """Tick labels in the window's locale; whole numbers without decimals."""

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        locale = QLocale()
        out = []
        for value in values:
            v = value * scale
            if abs(v - round(v)) < 1e-9:
                out.append(locale.toString(round(v)))
            else:
                out.append(locale.toString(float(v), "f", 1))
        return out


def count_step(top: float, ticks: int = 6) -> float:
    """A whole, round tick step (1, 2, 5, 10, 20, 50…) giving about ``ticks`` ticks up to ``top``: counts
    of members and points have no halves."""
    rough = max(1.0, top / ticks)
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= rough:
            return float(factor * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _every(count: int) -> int:
    """Label every n-th category so that at most MAX_TICKS labels share an axis."""
    return max(1, -(-count // MAX_TICKS))


def heat_colours(values: NDArray[np.float64], stops: Stops) -> NDArray[np.uint8]:
    """RGBA for shares in [0, 1] on the colour scale ``stops`` (position, RGB); NaN (a month still to come)
    is transparent."""
    shares = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    positions = [p for p, _ in stops]
    for channel in range(3):
        levels = [colour[channel] for _, colour in stops]
        rgba[..., channel] = np.interp(shares, positions, levels).round().astype(np.uint8)
    rgba[..., 3] = np.where(np.isnan(values), 0, 255).astype(np.uint8)
    return rgba


class Chart(pg.PlotWidget):  # type: ignore[misc]
    """One plot with the till's look; each ``draw_*`` replaces what it showed."""

    def __init__(self) -> None:
        super().__init__(
            background=BACKGROUND,
            axisItems={"left": LocaleAxis("left"), "bottom": LocaleAxis("bottom")},
        )
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(260)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        font = QFont()
        font.setPixelSize(13)
        self.metrics = QFontMetrics(font)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setStyle(tickFont=font, autoExpandTextSpace=False)
            axis.setTextPen(FOREGROUND)
            axis.enableAutoSIPrefix(False)
        self.legend: Any = None
        self.drawn: dict[str, Any] = {}  # what was last drawn, for the tests and the accessible description

    def _reset(self, *, legend: bool = False) -> None:
        plot = self.getPlotItem()
        plot.clear()
        if legend and self.legend is None:  # one legend for the chart's life, emptied at each drawing
            self.legend = plot.addLegend(offset=(10, 5), labelTextColor=FOREGROUND, labelTextSize="11pt")
        if self.legend is not None:
            self.legend.clear()
            self.legend.setVisible(legend)
        plot.invertY(False)
        plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setTicks(None)
            axis.setTickSpacing()

    def _left_labels(self, labels: Sequence[str]) -> None:
        """Room on the left axis for its widest label (pyqtgraph would otherwise drop what does not fit)."""
        widest = max((self.metrics.horizontalAdvance(text) for text in labels), default=0)
        self.getPlotItem().getAxis("left").setWidth(widest + 14)

    def _counts(self, side: str, top: float) -> float:
        """Whole-number ticks on a count axis up to ``top``; returns the axis' upper end."""
        step = count_step(top)
        end = max(step, math.ceil(top * 1.1 / step) * step)
        axis = self.getPlotItem().getAxis(side)
        axis.setTickSpacing(step, step)
        if side == "left":
            self._left_labels([QLocale().toString(round(end))])
        return end

    def draw_bars(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]]) -> None:
        """Vertical bars, one group per label, one bar per series (name, values, colour)."""
        self._reset(legend=len(series) > 1)
        plot = self.getPlotItem()
        n = max(1, len(series))
        slot = 0.8 / n
        top = 0.0
        for i, (name, values, colour) in enumerate(series):
            x = np.arange(len(labels)) + (i - (n - 1) / 2) * slot
            heights = np.asarray(values, dtype=np.float64)
            top = max(top, float(heights.max()) if heights.size else 0.0)
            if heights.size:
                plot.addItem(
                    pg.BarGraphItem(x=x, height=heights, width=slot * 0.9, brush=colour, pen=None, name=name)
                )
        every = _every(len(labels))
        plot.getAxis("bottom").setTicks([[(i, text) for i, text in enumerate(labels) if i % every == 0], []])
        plot.setXRange(-0.6, max(0, len(labels) - 1) + 0.6, padding=0)
        plot.setYRange(0, self._counts("left", top), padding=0)
        self.drawn = {"labels": list(labels), "series": [(name, list(values)) for name, values, _ in series]}

    def draw_hbars(self, labels: Sequence[str], values: Sequence[float], colour: str) -> None:
        """Horizontal bars, the first label on top."""
        self._reset()
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=False, alpha=GRID_ALPHA)
        widths = np.asarray(values, dtype=np.float64)
        if widths.size:
            y = np.arange(len(labels), dtype=np.float64)
            plot.addItem(pg.BarGraphItem(x0=0, y=y, width=widths, height=0.7, brush=colour, pen=None))
        plot.invertY(True)
        plot.getAxis("left").setTicks([[(i, text) for i, text in enumerate(labels)], []])
        self._left_labels(labels)
        plot.setYRange(-0.6, max(0, len(labels) - 1) + 0.6, padding=0)
        plot.setXRange(0, self._counts("bottom", float(widths.max()) if widths.size else 0.0), padding=0)
        self.drawn = {"labels": list(labels), "values": list(values)}

    def draw_line(self, labels: Sequence[str], values: Sequence[float], colour: str) -> None:
        """A line with a dot at each point."""
        self._reset()
        plot = self.getPlotItem()
        y = np.asarray(values, dtype=np.float64)
        x = np.arange(len(labels), dtype=np.float64)
        plot.plot(x, y, pen=pg.mkPen(colour, width=3), symbol="o", symbolBrush=colour, symbolPen=None)
        every = _every(len(labels))
        plot.getAxis("bottom").setTicks([[(i, text) for i, text in enumerate(labels) if i % every == 0], []])
        plot.setXRange(-0.5, max(0, len(labels) - 1) + 0.5, padding=0)
        plot.setYRange(0, self._counts("left", float(y.max()) if y.size else 0.0), padding=0)
        self.drawn = {"labels": list(labels), "values": list(values)}

    def draw_heat(
        self, rows: Sequence[str], columns: Sequence[str], shares: NDArray[np.float64], stops: Stops
    ) -> None:
        """A heat map of shares in [0, 1], one row per label of ``rows`` (first on top); NaN cells empty."""
        self._reset()
        plot = self.getPlotItem()
        plot.showGrid(x=False, y=False)
        if shares.size:
            # ImageItem indexes [x, y]: columns across, rows down.
            image = pg.ImageItem(heat_colours(shares, stops).transpose(1, 0, 2))
            plot.addItem(image)
        plot.invertY(True)
        every = _every(len(columns))
        plot.getAxis("bottom").setTicks(
            [[(j + 0.5, text) for j, text in enumerate(columns) if j % every == 0], []]
        )
        step = _every(len(rows))
        plot.getAxis("left").setTicks([[(i + 0.5, text) for i, text in enumerate(rows) if i % step == 0], []])
        self._left_labels(rows)
        plot.setXRange(0, max(1, len(columns)), padding=0)
        plot.setYRange(0, max(1, len(rows)), padding=0)
        self.drawn = {"rows": list(rows), "columns": list(columns), "shares": shares.copy()}
