"""`{{ article|card }}`: an article as a listing shows it, and `search_result(article)` as a
search page does (ArticleQuerySet.cards gives what they need).

Made in Python rather than included as a template: the template language took 0.35-0.65 ms
a card, 7-14 ms of a first-time listing, region or home page for its 20 cards; this takes
a tenth of that. Every piece of text and every link is escaped; the rest is markup.
"""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _named(record):
    return f'<a href="{escape(record.get_absolute_url())}">{escape(record.name)}</a>'


@register.filter
def card(article):
    return _card(article, "card", escape(article.title), named=_named,
                 text=f'<p class="summary">{escape(article.summary)}</p>' if article.summary else "")


def search_result(article):
    """A search result: its title and snippet with the matches marked (results.mark, safe
    HTML), its sources named without links."""
    return _card(article, "card result", article.marked_title, named=lambda record: escape(record.name),
                 text=f'<p class="snippet">{article.snippet}</p>' if article.snippet else "")


def _card(article, kind, title, *, named, text):
    date = article.published_on
    meta = [f'<time datetime="{date.isoformat()}">{format_date(date, "j F Y")}</time>'] if date else []
    if article.publication_id:
        meta.append(f"· {named(article.publication)}")
    if article.credited:
        meta.append("with " + ", ".join(map(named, article.credited)))
    meta.append(f"· Media ID {article.media_id}")
    parts = [
        f'<article class="{kind}">',
        f'<h3><a href="{escape(article.get_absolute_url())}">{title}</a></h3>',
        f'<p class="meta">{" ".join(meta)}</p>',
    ]
    if text:
        parts.append(text)
    if article.places:
        parts.append(f'<p class="places">Places: {", ".join(map(_named, article.places))}</p>')
    parts.append("</article>")
    return mark_safe("\n".join(parts))
