from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .search import indexing

        indexing.connect()
