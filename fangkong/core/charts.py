"""Charts drawn on the server: SVG for the pages, PNG for the .docx a township files.

A `Chart` is plain data (categories along the bottom, one or more series of whole numbers);
`svg(chart)` writes it as an inline SVG that needs no script, no stylesheet of its own and no
inline style (colours are SVG presentation attributes, so the page's CSP holds), scales to
the width of a phone and weighs a few kilobytes; `png(chart)` draws the same picture with
Pillow for documents, whose text (title, legend) is written by the document itself since the
embedded picture carries only numbers and dates.

Why not a chart library: the JavaScript ones would be loaded on phones over slow links, and
pygal writes inline styles the CSP forbids and needs cairo for PNG; these two small
renderers over one data shape are all the product's charts need (bars, stacked bars, lines).
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass, field
from html import escape

#: colours of the series, in order (readable in grey print too)
PALETTE = ("#c0392b", "#e67e22", "#2e86c1", "#27ae60", "#8e44ad", "#7f8c8d")
BAR, STACKED, LINE = "bar", "stacked", "line"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]
    colour: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    kind: str = BAR
    #: a short note under the chart (the source, the unit)
    note: str = ""
    #: label every n-th category only (0: choose so that labels do not overlap)
    label_every: int = 0
    colours: tuple[str, ...] = field(default=PALETTE)

    def colour(self, index: int) -> str:
        return self.series[index].colour or self.colours[index % len(self.colours)]

    @property
    def top(self) -> int:
        """The largest value the axis must reach (stacked: the largest column)."""
        if not self.categories or not self.series:
            return 0
        if self.kind == STACKED:
            return max(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))
        return max((max(s.values, default=0) for s in self.series), default=0)

    @property
    def empty(self) -> bool:
        return self.top == 0


def nice_top(value: int) -> int:
    """The axis maximum: `value` rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power: int = 10 ** len(str(value)) // 10  # the power of ten at or below value
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def ticks_for(top: int) -> int:
    """How many steps the axis up to `top` (a `nice_top`) is cut into, each a whole number:
    1 → 1, 2 → 2, 5 → 5, 10 → 5, 20 → 4, 50 → 5, …"""
    if top <= 2:
        return top
    return 4 if str(top)[0] == "2" else 5


def _label_step(chart: Chart, width: float) -> int:
    if chart.label_every:
        return chart.label_every
    n = len(chart.categories)
    longest = max((len(c) for c in chart.categories), default=1)
    fits = max(1, int(width / (longest * FONT * 0.62 + 6)))
    return max(1, math.ceil(n / fits))


# --- geometry shared by both renderers ---------------------------------------------------------

W, H = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 34
#: the labels' size, in the chart's own units (about 10 px on a 375 px phone)
FONT = 13


@dataclass(frozen=True)
class _Shape:
    kind: str  # rect, line, text
    coords: tuple[float, ...]
    colour: str = "#333"
    text: str = ""
    anchor: str = "middle"


def _shapes(chart: Chart) -> list[_Shape]:
    shapes: list[_Shape] = []
    top = nice_top(chart.top)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    base = TOP + plot_h
    ticks = ticks_for(top)
    for i in range(ticks + 1):
        y = base - plot_h * i / ticks
        shapes.append(_Shape("line", (LEFT, y, W - RIGHT, y), "#ddd"))
        shapes.append(_Shape("text", (LEFT - 5, y + 4), "#555", str(top * i // ticks), "end"))
    n = max(1, len(chart.categories))
    slot = plot_w / n
    step = _label_step(chart, plot_w)
    for i, category in enumerate(chart.categories):
        if i % step == 0:
            shapes.append(_Shape("text", (LEFT + slot * (i + 0.5), base + 16), "#555", category))
    k = max(1, len(chart.series))
    if chart.kind == LINE:
        for si, series in enumerate(chart.series):
            points = [
                (LEFT + slot * (i + 0.5), base - plot_h * v / top)
                for i, v in enumerate(series.values)
            ]
            for (x1, y1), (x2, y2) in itertools.pairwise(points):
                shapes.append(_Shape("line", (x1, y1, x2, y2), chart.colour(si)))
            for x, y in points:
                shapes.append(_Shape("rect", (x - 2, y - 2, 4, 4), chart.colour(si)))
    elif chart.kind == STACKED:
        width = slot * 0.7
        for i in range(len(chart.categories)):
            y = base
            for si, series in enumerate(chart.series):
                h = plot_h * series.values[i] / top
                if h > 0:
                    shapes.append(
                        _Shape(
                            "rect",
                            (LEFT + slot * i + slot * 0.15, y - h, width, h),
                            chart.colour(si),
                        )
                    )
                y -= h
    else:
        width = slot * 0.8 / k
        for si, series in enumerate(chart.series):
            for i, v in enumerate(series.values):
                h = plot_h * v / top
                if h > 0:
                    x = LEFT + slot * i + slot * 0.1 + width * si
                    shapes.append(_Shape("rect", (x, base - h, width, h), chart.colour(si)))
    shapes.append(_Shape("line", (LEFT, base, W - RIGHT, base), "#888"))
    return shapes


def svg(chart: Chart, *, element_id: str = "") -> str:
    """The chart as inline SVG markup (safe to mark safe: every text is escaped)."""
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg"'
        + (f' id="{escape(element_id)}"' if element_id else "")
        + ">",
        f"<title>{escape(chart.title)}</title>",
    ]
    for s in _shapes(chart):
        if s.kind == "line":
            x1, y1, x2, y2 = s.coords
            width = 2 if s.colour not in ("#ddd", "#888") else 1
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="{s.colour}" stroke-width="{width}"/>'
            )
        elif s.kind == "rect":
            x, y, w, h = s.coords
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{s.colour}"/>'
            )
        else:
            x, y = s.coords
            parts.append(
                f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" fill="{s.colour}" '
                f'text-anchor="{s.anchor}">{escape(s.text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def png(chart: Chart, *, scale: int = 2) -> bytes:
    """The chart as a PNG (Pillow), for documents; numbers and dates only, no title."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (W * scale, H * scale), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT * scale)
    for s in _shapes(chart):
        c = [v * scale for v in s.coords]
        if s.kind == "line":
            width = 2 * scale if s.colour not in ("#ddd", "#888") else scale
            draw.line(c, fill=s.colour, width=width)
        elif s.kind == "rect":
            x, y, w, h = c
            draw.rectangle((x, y, x + w, y + h), fill=s.colour)
        else:
            x, y = c
            anchor = {"middle": "ms", "end": "rs"}.get(s.anchor, "ls")
            draw.text((x, y), s.text, fill=s.colour, font=font, anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
