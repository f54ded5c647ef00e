import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    # Archive-wide figures and rendered pages are cached per process; each test starts
    # from a clean slate.
    from django.core.cache import cache, caches

    caches["pages"].clear()

    cache.clear()


@pytest.fixture
def tree(db):
    """Middle East > Iraq > Saladin Governorate > Baiji, and enough around it to be a tree."""
    from tests.builders import make_region

    middle_east = make_region("Middle East", "world_region")
    iraq = make_region("Iraq", "country", middle_east, iso_code="IQ")
    saladin = make_region(
        "Saladin Governorate", "province", iraq, iso_code="IQ-SD",
        aliases=["Saladin", "Salahuddin", "Salah ad-Din", "Saladin Province"],
    )
    baiji = make_region("Baiji", "city", saladin, aliases=["Bayji"])
    syria = make_region("Syria", "country", middle_east, iso_code="SY")
    aleppo_gov = make_region("Aleppo Governorate", "province", syria, aliases=["Aleppo", "Aleppo Province"])
    aleppo = make_region("Aleppo", "city", aleppo_gov)
    return {r.slug: r for r in [middle_east, iraq, saladin, baiji, syria, aleppo_gov, aleppo]}


@pytest.fixture(autouse=True)
def no_threads_left():
    # A search outside a transaction (a transactional test, the browser tests' server) starts
    # threads for its second connection; other tests fork worker processes, which a process
    # with threads should not do.
    yield
    from articles import parallel

    parallel.shutdown()


@pytest.fixture
def committed(transactional_db):
    """Committed rows (tests marked builders.COMMITTED), as worker processes and second
    connections need. The search index and its counts are not Django models, which the flush
    after the test empties: empty them first."""
    from articles import search
    from tests.builders import clear_archive

    yield
    clear_archive()
    search.backend().clear()
