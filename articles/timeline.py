"""Articles per month as an SVG bar chart and a table (templates/includes/timeline.html).

The bars are sized with SVG attributes, never `style`: the Content Security Policy allows
no inline styles. Months without articles between the first and the last get a zero bar,
so the chart's width is time.
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 600
HEIGHT = 120
# English month names, looked up once: calendar.month_name formats a date for each lookup,
# and a timeline of fifteen years names 360 months (1 ms of a page).
MONTH_NAMES = tuple(calendar.month_name)


def about(count):
    """An estimated count to two significant figures: more would claim a precision that a
    sample does not have."""
    return int(float(f"{count:.2g}")) if count >= 100 else count


@dataclass
class Month:
    start: datetime.date
    count: int
    url: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def label(self):
        return f"{MONTH_NAMES[self.start.month]} {self.start.year}"

    @property
    def end(self):
        following = datetime.date(self.start.year + self.start.month // 12, self.start.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)


class Timeline:
    """`per_month` is [(first day of a month, count)], as `ArticleQuerySet.per_month()` gives.

    With `listing`, each month links to that listing filtered by `params` and the month's
    dates: /articles/?region=iraq&date_from=2015-03-01&date_to=2015-03-31.
    """

    width, height = WIDTH, HEIGHT

    def __init__(self, per_month, listing=None, params=None):
        counts = dict(per_month)
        self.months = [Month(start, counts.get(start, 0)) for start in _every_month(counts)]
        self.estimated = False  # counts from a sample, scaled up (search.facets)
        self.total = sum(counts.values())
        self.busiest = max(counts.values(), default=0)
        slot = WIDTH / max(len(self.months), 12)
        # The page's own parameters are encoded once, not for each of 180 months (ISO dates
        # need no quoting): 5 ms of a region page.
        params = params or {}
        own = urlencode({k: v for k, v in params.items() if k not in ("date_from", "date_to")}, doseq=True)
        for i, month in enumerate(self.months):
            month.x = round(i * slot + slot * 0.1, 2)
            month.width = round(slot * 0.8, 2)
            if month.count:
                month.height = round(max(1.0, HEIGHT * month.count / self.busiest), 2)
            month.y = round(HEIGHT - month.height, 2)
            if listing and month.count:
                dates = f"date_from={month.start.isoformat()}&date_to={month.end.isoformat()}"
                month.url = f"{listing}?{own}&{dates}" if own else f"{listing}?{dates}"
        # A tick under every January, so that years can be told apart.
        self.year_ticks = [
            {"x": round(m.x - slot * 0.1, 2), "year": m.start.year} for m in self.months if m.start.month == 1
        ]

    def __bool__(self):
        return bool(self.months)

    # The bars and the table rows are made here rather than in the template: fifteen years
    # are 180 months, and the template language took 200 ms to loop over them twice. Only
    # the links come from outside (a page's own parameters) and are escaped; the rest is
    # numbers and English month names.

    @cached_property
    def bars(self):
        """The SVG bars of the months with articles, each a link when the month has one."""
        out = []
        for m, name, count, url in self._shown_months:
            rect = (f'<rect class="bar" x="{m.x}" y="{m.y}" width="{m.width}" height="{m.height}">'
                    f"<title>{name}: {count}</title></rect>")
            out.append(f'<a href="{url}" tabindex="-1">{rect}</a>' if url else rect)
        return mark_safe("".join(out))

    @cached_property
    def rows(self):
        """The table rows of the months with articles."""
        out = []
        for _, name, count, url in self._shown_months:
            month = f'<a href="{url}">{name}</a>' if url else name
            out.append(f'<tr><th scope="row">{month}</th><td>{count}</td></tr>')
        return mark_safe("".join(out))

    @cached_property
    def _shown_months(self):
        """(month, its name, its count as shown, its link escaped or "") of the months with
        articles."""
        return [(m, m.label, self._shown(m.count), escape(m.url) if m.url else "") for m in self.months if m.count]

    def draw(self):
        """Make the bars and the rows now, once the months' links are set, rather than when
        the template first asks for them (kept: cached_property)."""
        return self.bars, self.rows

    def _shown(self, count):
        # Estimated months as the page says its estimates: about, to two figures.
        return f"\u2248\u202f{about(count):,}" if self.estimated else f"{count:,}"

    @property
    def first(self):
        return self.months[0].start if self.months else None

    @property
    def last(self):
        return self.months[-1].start if self.months else None


def per_year(per_month):
    """[(year, count)] from [(first day of a month, count)]."""
    years = {}
    for start, count in per_month:
        years[start.year] = years.get(start.year, 0) + count
    return sorted(years.items())


def _every_month(counts):
    if not counts:
        return []
    month, last = min(counts), max(counts)
    months = []
    while month <= last:
        months.append(month)
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months
