"""Charts drawn on the server as SVG: readable at a glance, no JavaScript, and allowed by
the strict Content-Security-Policy (no ``style`` attributes, no inline script: series
are told apart by CSS classes, ``chart-s0``, ``chart-s1``… in haven.css, and by dash
patterns, not by colour alone). Every chart has a ``<title>`` and a ``<desc>`` and is
labelled by them; each point or bar carries its own ``<title>`` with its value; the
page shows the same numbers as a table.

Usage: ``{% load charts %}{% svg_chart chart %}`` with a
``moderation.selectors.metrics.Chart``."""

import math

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 56
SERIES_CLASSES = 6  # chart-s0 .. chart-s5 in haven.css


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value`` (at least 1),
    so the axis ends on a round number."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _num(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _axes(chart, top: float) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = []
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_num(y)}" '
            f'y2="{_num(y)}" stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{_num(y + 4)}" '
            f'text-anchor="end">{escape(_fmt(value))}</text>'
        )
    band = plot_w / max(1, len(chart.labels))
    every = max(1, math.ceil(len(chart.labels) / 13))  # at most ~13 labels fit
    for i, label in enumerate(chart.labels):
        if i % every:
            continue
        x = LEFT + band * (i + 0.5)
        out.append(
            f'<text class="chart-tick" x="{_num(x)}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    out.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}" stroke="currentColor"/>'
        f'<text class="chart-axis-label" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 12}" '
        f'text-anchor="middle">Week starting</text>'
    )
    if chart.unit:
        out.append(
            f'<text class="chart-axis-label" x="14" y="{TOP + plot_h / 2:.0f}" '
            f'text-anchor="middle" transform="rotate(-90 14 {TOP + plot_h / 2:.0f})">'
            f"{escape(chart.unit.capitalize())}</text>"
        )
    return out


def _point_title(series_name: str, label: str, value: float | None, unit: str) -> str:
    shown = "none" if value is None else f"{_fmt(value)}{' ' + unit if unit else ''}"
    return escape(f"{series_name}, week of {label}: {shown}")


def _lines(chart, top: float) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(chart.labels))
    out = []
    for s, series in enumerate(chart.series):
        css = f"chart-s{s % SERIES_CLASSES}"
        points = [
            None if v is None else (LEFT + band * (i + 0.5), TOP + plot_h - plot_h * v / top)
            for i, v in enumerate(series.values)
        ]
        run: list[tuple[float, float]] = []
        for point in [*points, None]:  # a gap (no value) breaks the line
            if point is not None:
                run.append(point)
                continue
            if len(run) > 1:
                coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                out.append(
                    f'<polyline class="chart-line {css}" fill="none" stroke-width="2" '
                    f'points="{coords}"/>'
                )
            run = []
        for i, point in enumerate(points):
            if point is None:
                continue
            x, y = point
            title = _point_title(series.name, chart.labels[i], series.values[i], chart.unit)
            out.append(
                f'<circle class="chart-point {css}" cx="{_num(x)}" cy="{_num(y)}" r="4">'
                f"<title>{title}</title></circle>"
            )
    return out


def _bars(chart, top: float) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(chart.labels))
    count = max(1, len(chart.series))
    bar_w = band * 0.8 / count
    out = []
    for s, series in enumerate(chart.series):
        css = f"chart-s{s % SERIES_CLASSES}"
        for i, value in enumerate(series.values):
            height = 0 if not value else plot_h * value / top
            x = LEFT + band * i + band * 0.1 + bar_w * s
            title = _point_title(series.name, chart.labels[i], value, chart.unit)
            out.append(
                f'<rect class="chart-bar {css}" x="{_num(x)}" y="{_num(TOP + plot_h - height)}" '
                f'width="{_num(max(bar_w - 1, 1))}" height="{_num(height)}">'
                f"<title>{title}</title></rect>"
            )
    return out


def render_chart(chart) -> SafeString:
    """The SVG for ``chart`` (every piece of text in it escaped)."""
    values = [v for series in chart.series for v in series.values if v is not None]
    top = nice_max(max(values, default=0))
    title_id, desc_id = f"chart-{chart.slug}-title", f"chart-{chart.slug}-desc"
    parts = [
        f'<svg class="chart chart-{chart.kind}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
        *_axes(chart, top),
        *(_lines(chart, top) if chart.kind == "line" else _bars(chart, top)),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - built above, every text escaped


@register.simple_tag
def svg_chart(chart) -> SafeString:
    return render_chart(chart)


@register.filter
def series_class(index: int) -> str:
    """The CSS class of the ``index``-th series (for legends beside a chart)."""
    return f"chart-s{int(index) % SERIES_CLASSES}"


@register.filter
def cell(series, index: int):
    """``series.values[index]`` (templates cannot index by a variable)."""
    return series.values[int(index)]
