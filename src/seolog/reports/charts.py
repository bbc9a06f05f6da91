"""Charts as inline SVG strings, drawn here: no JavaScript and no network, so the HTML and the
PDF render the same offline. Small on purpose: a score line and horizontal bars cover reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 16, 16, 36


def score_line(points: Sequence[tuple[str, int]], colour: str) -> str:
    """Scores 0-100 over time; `points` are (label, score), oldest first."""
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
        f'class="chart" role="img" aria-label="score trend">'
    ]
    for level in (0, 50, 90, 100):
        _x, y = xy(0, level)
        dash = ' stroke-dasharray="4 3"' if level == 90 else ""  # 90: the healthy line
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="#d9dde3" stroke-width="1"{dash}/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#6b7280">{level}</text>'
        )
    coords = [xy(i, s) for i, (_label, s) in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{escape(colour)}" stroke-width="2.5"/>')
    every = max(1, len(points) // 8)  # at most ~8 labels under the axis
    for i, ((label, score), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{escape(colour)}"/>')
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 14}" font-size="11" text-anchor="middle" '
                f'fill="#6b7280">{escape(label)}</text>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#111827">{score}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bars(
    rows: Sequence[tuple[str, float, str]],
    unit: str = "",
    fmt: Callable[[float], str] | None = None,
) -> str:
    """Horizontal bars: (label, value, colour), in the order given; `fmt` writes the numbers the
    report's language's way."""
    if not rows:
        return ""
    row_h, label_w, value_w = 26, 180, 70
    height = row_h * len(rows) + 8
    top = max(v for _l, v, _c in rows) or 1
    span = WIDTH - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" '
        f'role="img" aria-label="bar chart">'
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = 4 + i * row_h
        w = max(2.0, span * value / top) if value else 0
        shown = (fmt(value) if fmt else f"{value:g}") + unit
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="12" text-anchor="end" fill="#111827">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" rx="3" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="12" fill="#374151">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
