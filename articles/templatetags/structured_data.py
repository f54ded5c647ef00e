"""JSON-LD for search engines: schema.org `NewsArticle` on every article page.

A `<script type="application/ld+json">` is data, not script: the browser never runs it, so
the Content Security Policy has nothing to allow. What matters is that no title can close
the element early, so `<`, `>` and `&` go out as JSON escapes, as in Django's `json_script`.
"""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json(data):
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(json.dumps(data, ensure_ascii=False, indent=1).translate(JSON_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def news_article(context, article, places, quotes):
    absolute = context["request"].build_absolute_uri
    people = {quote.person_id: quote.person for quote in quotes}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": absolute(article.get_absolute_url()),
        "identifier": {"@type": "PropertyValue", "propertyID": "media ID", "value": str(article.media_id)},
        "datePublished": article.published_on.isoformat(),
        "dateModified": article.updated.isoformat(),
        "inLanguage": article.language,
        "contentLocation": [
            {"@type": "Place", "name": region.name, "url": absolute(region.get_absolute_url())} for region in places
        ],
        "mentions": [
            {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}
            for person in people.values()
        ],
    }
    if article.summary:
        data["description"] = article.summary
    if article.section:
        data["articleSection"] = article.section
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    if article.publication:
        data["publisher"] = {"@type": "Organization", "name": article.publication.name}
    if article.original_url:
        data["isBasedOn"] = article.original_url
    return ld_json(data)
