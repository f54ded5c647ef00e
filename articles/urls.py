"""Every public URL of the archive (DESIGN.md, "Public URLs")."""

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:media_id>/", views.article, name="article-short"),
    path("articles/<int:media_id>/<slug:slug>/", views.article, name="article"),
    path("regions/<slug:slug>/", views.region, name="region"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("healthz", views.healthz, name="healthz"),
]
