from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

admin.site.site_header = "Archive editors"
admin.site.site_title = "Archive editors"
admin.site.index_title = "The archive"
