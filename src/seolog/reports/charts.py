"""Charts as inline SVG strings, drawn here: no JavaScript and no network, so the HTML and the
PDF render the same offline. Small on purpose: a score line and horizontal bars cover reports.

Labels are measured (Arial's advance widths, scaled up to the report's Inter) so that axis labels
never overlap each other or run off the drawing: labels that would collide are left out (the first
and the last always show), and bar labels too long for their column are cut with an ellipsis, the
whole label kept as the bar's tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from seolog.checks.textwidth import text_width_px

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 24, 22, 36
FONT = "Inter, 'DejaVu Sans', Arial, sans-serif"  # the report's font (report.css)
FONT_SIZE = 11
INTER_OVER_ARIAL = 1.12  # Inter runs ~10% wider than Arial at the same size; a margin on top
LABEL_GAP = 8  # px between two axis labels
EDGE = 1  # px kept clear at the drawing's sides
BANDS = (
    90,
    50,
)  # dashed guides at the score bands' lower edges (labels.GOOD_FROM, NEEDS_WORK_FROM)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return text_width_px(text, size) * INTER_OVER_ARIAL


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text`, cut with an ellipsis to fit `width` px."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def axis_labels(xs: Sequence[float], labels: Sequence[str], left: float, right: float) -> list[int]:
    """Which labels to draw under points at `xs` so none overlaps another or leaves [left,
    right]: the last always, then from the first on each that clears the one before it and the
    last; of equal labels in a row (two scans on one day) only the last is drawn."""
    if not xs:
        return []

    def span(i: int) -> tuple[float, float]:
        w = text_width(labels[i])
        x = min(max(xs[i], left + w / 2), right - w / 2)  # pushed inside the drawing
        return x - w / 2, x + w / 2

    last = len(xs) - 1
    chosen: list[int] = []
    for i in range(last):
        if labels[i] == labels[i + 1]:
            continue  # the next point has the same label: it speaks for both
        if chosen and span(i)[0] < span(chosen[-1])[1] + LABEL_GAP:
            continue
        if span(last)[0] < span(i)[1] + LABEL_GAP:
            break  # it would touch the last label, which always shows
        chosen.append(i)
    return [*chosen, last]


def _text(x: float, y: float, body: str, size: float = FONT_SIZE, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}"{extra}>'
        f"{escape(body)}</text>"
    )


def _score_y(points: Sequence[tuple[str, int]], i: int, y: float) -> float:
    """Where a point's score is written: above the point, or below it where the line comes from
    or goes to higher scores (a dip), so the line does not cross the number."""
    near = [points[j][1] for j in (i - 1, i + 1) if 0 <= j < len(points)]
    below = y + FONT_SIZE + 6
    if near and sum(near) / len(near) > points[i][1] and below < HEIGHT - PAD_BOTTOM - 2:
        return below
    return y - 8


def score_line(
    points: Sequence[tuple[str, int]], colour: str, title: str = "Score over time"
) -> str:
    """Scores 0-100 over time; `points` are (label, score), oldest first; `title` is what a
    screen reader says of the chart, in the report's language."""
    if not points:
        return ""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, score: int) -> tuple[float, float]:
        x = PAD_LEFT + (i * step if len(points) > 1 else plot_w / 2)
        return x, PAD_TOP + plot_h * (1 - score / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}">'
    ]
    for level in (0, *BANDS, 100):
        _x, y = xy(0, level)
        dash = ' stroke-dasharray="4 3"' if level in BANDS else ""
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="#d9dde3" stroke-width="1"{dash}/>'
            # 100 sits 10 points above 90, too close for two labels: its line speaks for it
            + (
                ""
                if level == 100
                else _text(PAD_LEFT - 6, y + 4, str(level), text_anchor="end", fill="#6b7280")
            )
        )
    coords = [xy(i, s) for i, (_label, s) in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{escape(colour)}" stroke-width="2.5"/>')
    labels = [label for label, _score in points]
    shown = set(axis_labels([x for x, _y in coords], labels, EDGE, WIDTH - EDGE))
    # Every point's score when there is room for it (scores are short), else those under a date
    every_score = len(points) < 2 or step >= text_width("100") + LABEL_GAP
    for i, ((label, score), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{escape(colour)}"/>')
        if i in shown:
            w = text_width(label)
            lx = min(max(x, EDGE + w / 2), WIDTH - EDGE - w / 2)
            parts.append(_text(lx, HEIGHT - 14, label, text_anchor="middle", fill="#6b7280"))
        if i in shown or every_score:
            sw = text_width(str(score))
            sx = min(max(x, EDGE + sw / 2), WIDTH - EDGE - sw / 2)
            parts.append(
                _text(sx, _score_y(points, i, y), str(score), text_anchor="middle", fill="#111827")
            )
    parts.append("</svg>")
    return "".join(parts)


def bars(
    rows: Sequence[tuple[str, float, str]],
    unit: str = "",
    fmt: Callable[[float], str] | None = None,
    title: str = "Bar chart",
) -> str:
    """Horizontal bars: (label, value, colour), in the order given; `fmt` writes the numbers the
    report's language's way."""
    shown = [(fmt(v) if fmt else f"{v:g}") + unit for _l, v, _c in rows]
    return _bar_chart([(label, [(value, colour)]) for label, value, colour in rows], shown, title)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[float, str]]]], title: str = "Bar chart"
) -> str:
    """Horizontal bars in segments: (label, [(value, colour), …]), in the order given, each bar's
    total written after it (issues per area, split by severity)."""
    return _bar_chart(rows, [f"{sum(v for v, _c in parts):g}" for _l, parts in rows], title)


def _bar_chart(
    rows: Sequence[tuple[str, Sequence[tuple[float, str]]]], shown: list[str], title: str
) -> str:
    """The bars of `bars` and `stacked_bars`: a label cut to fit, the segments, and `shown` (the
    bar's number as written) after it. A bar of one segment has round ends and is at least 2
    units wide, so a small value still shows."""
    if not rows:
        return ""
    size = 12
    row_h, label_w = 26, 190
    totals = [sum(v for v, _c in parts) for _l, parts in rows]
    value_w = max(text_width(v, size) for v in shown) + 12
    height = row_h * len(rows) + 8
    top = max(totals) or 1
    span = WIDTH - label_w - value_w
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" '
        f'role="img" aria-label="{escape(title)}">'
    ]
    for i, ((label, parts), written) in enumerate(zip(rows, shown, strict=True)):
        y = 4 + i * row_h
        out.append(
            f"<g><title>{escape(label)}</title>"
            + _text(
                label_w - 8,
                y + 17,
                fit(label, label_w - 12, size),
                size,
                text_anchor="end",
                fill="#111827",
            )
        )
        x = float(label_w)
        single = len(parts) == 1
        for value, colour in parts:
            if not value:
                continue
            w = max(2.0, span * value / top) if single else span * value / top
            rounded = ' rx="3"' if single else ""
            out.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}"{rounded} '
                f'fill="{escape(colour)}"/>'
            )
            x += w
        out.append(_text(x + 6, y + 17, written, size, fill="#374151") + "</g>")
    out.append("</svg>")
    return "".join(out)
