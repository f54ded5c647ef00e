from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from .models import Article, Person, Region, Source


def home(request):
    latest = Article.objects.published().newest_first().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": latest})


def article(request, media_id, slug=None):
    article = get_object_or_404(
        Article.objects.published().select_related("publication").prefetch_related(
            "credits", "regions", "quotes__person", "quotes__given_to"
        ),
        media_id=media_id,
    )
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "articles/article.html", {"article": article})


def region(request, slug):
    region = get_object_or_404(Region, slug=slug)
    articles = Article.objects.published().in_region(region).newest_first().for_listing()[:50]
    return render(request, "articles/region.html", {"region": region, "articles": articles})


def person(request, slug):
    person = get_object_or_404(Person, slug=slug)
    quotes = person.quotes.filter(article__status="published").select_related("article").order_by(
        "article__published_on", "article__media_id", "position"
    )
    return render(request, "articles/person.html", {"person": person, "quotes": quotes})


def source(request, slug):
    source = get_object_or_404(Source, slug=slug)
    articles = Article.objects.published().from_source(source).newest_first().for_listing()[:50]
    return render(request, "articles/source.html", {"source": source, "articles": articles})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
