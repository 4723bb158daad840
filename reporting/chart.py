"""The summary's chart: one bar per section, a segment per rating, drawn as inline SVG.

The numbers are also in the table printed with it: the chart is never the only place
they are. A plan of many sections gets several charts of at most ``SECTIONS_PER_CHART``
bars each, on one scale, so that no chart is taller than a page and none is cut off.
"""

from actionplan.models import Rag

RAG_COLUMNS = Rag.columns()
SECTIONS_PER_CHART = 14
LABEL_WIDTH = 78
BAR_WIDTH = 360
ROW_HEIGHT = 19
BAR_HEIGHT = 13


def rag_charts(parts):
    """The charts' geometry: one chart for up to ``SECTIONS_PER_CHART`` sections, and
    as many as needed beyond that, each with its own title and legend."""
    longest = max((part.total for part in parts), default=0) or 1
    unit = BAR_WIDTH / longest
    chunks = [
        parts[start : start + SECTIONS_PER_CHART]
        for start in range(0, len(parts), SECTIONS_PER_CHART)
    ] or [[]]
    charts = []
    for number, chunk in enumerate(chunks, start=1):
        chart = _chart(chunk, unit)
        chart["id"] = f"rag-chart-{number}"
        if len(chunks) > 1:
            first, last = chunk[0].section.number, chunk[-1].section.number
            chart["sections"] = f"sections {first} to {last}"
        charts.append(chart)
    return charts


def _chart(parts, unit):
    bars = []
    for index, part in enumerate(parts):
        y = 8 + index * ROW_HEIGHT
        x = LABEL_WIDTH
        segments = []
        for rag, label, count in part.counts:
            if count:
                width = count * unit
                segments.append(
                    {
                        "fill": Rag.fill(rag),
                        "ink": Rag.ink(rag),
                        "label": label,
                        "count": count,
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "text_x": round(x + width / 2, 1),
                        "show_count": width >= 14,
                    }
                )
                x += width
        bars.append(
            {
                "label": f"Section {part.section.number}",
                "y": y,
                "text_y": y + BAR_HEIGHT - 3,
                "segments": segments,
                "total": part.total,
                "total_x": round(x + 6, 1),
            }
        )
    legend_y = 8 + len(parts) * ROW_HEIGHT + 10
    legend = [
        {
            "fill": Rag.fill(rag),
            "label": label,
            "x": LABEL_WIDTH + index * 76,
            "text_x": LABEL_WIDTH + index * 76 + 16,
            "text_y": legend_y + 10,
        }
        for index, (rag, label) in enumerate(RAG_COLUMNS)
    ]
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + 40,
        "height": legend_y + 20,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
        "legend": legend,
        "legend_y": legend_y,
    }
