"""Headless Chromium for the browser tests: Debian's own, driven by Playwright, on a live
server with real data. These tests skip, saying why, only when Chromium or axe-core is
missing (`make install` puts both in place)."""

import datetime
import functools
import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.builders import make_article, make_person, make_region, make_source

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# The live server needs committed data, so these tests run in transactions that are flushed
# afterwards. On PostgreSQL the search index (not a Django model) references the articles,
# and Django truncates with CASCADE only when `available_apps` is given.
LIVE_DB = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

# Every violation of the Content Security Policy, as the page itself reports it.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def pytest_collection_modifyitems(items):
    missing = [what for what, path in [("/usr/bin/chromium", CHROMIUM), ("node_modules/axe-core", AXE)]
               if not path.exists()]
    if missing:
        skip = pytest.mark.skip(reason=f"needs {' and '.join(missing)}: `make install` installs them")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # meanwhile are plain synchronous ones, so Django's guard against async contexts stands down.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(path, viewport=DESKTOP, dark=False): a fresh page at `path` on the live
    server, watched for CSP violations and console errors."""
    contexts = []

    def open_page(path, viewport=DESKTOP, dark=False):
        context = browser.new_context(viewport=viewport, color_scheme="dark" if dark else "light")
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(WATCH_CSP)
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.goto(live_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def csp_violations(page):
    return page.evaluate("window.__csp") + [m for m in page.console_errors if "Content Security Policy" in m]


def axe_violations(page, load=True):
    """axe-core's violations on the page, as 'rule (impact): target' lines.

    axe goes in through Playwright's evaluate, which DevTools runs outside the page's
    Content Security Policy; an injected <script> would be (rightly) refused by it.
    `load=False` runs the axe already in the page again (after a change of colour scheme)."""
    if load:
        page.evaluate(axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:200]}"
        for v in result["violations"] for node in v["nodes"]
    ]


@functools.cache
def axe_source():
    return AXE.read_text()


@pytest.fixture
def live_archive(transactional_db):
    """Committed data for the live server. The search index is not a Django model, so the
    flush after a transactional test would leave its rows behind for the next test;
    deleting the articles first lets the index follow them out."""
    yield
    from articles.models import Article

    Article.objects.all().delete()


@pytest.fixture
def newsroom(live_archive, settings):
    """A small real archive for the live server: a region tree, sources, people, and
    enough articles for two pages of listings."""
    settings.ARCHIVE_PAGE_SIZE = 5
    middle_east = make_region("Middle East", "world_region")
    iraq = make_region("Iraq", "country", middle_east)
    saladin = make_region("Saladin Governorate", "province", iraq)
    baiji = make_region("Baiji", "city", saladin)
    syria = make_region("Syria", "country", middle_east)
    aleppo = make_region("Aleppo", "city", make_region("Aleppo Governorate", "province", syria))
    asharq = make_source("Asharq Al-Awsat")
    afp = make_source("AFP", kind="agency")
    hashimi = make_person("Hisham al-Hashimi", description="Iraqi analyst who monitors ISIS")
    balanche = make_person("Fabrice Balanche", description="French geographer")
    arabic = make_person("هشام الهاشمي", description="محلل عراقي")
    articles = []
    for n in range(12):
        articles.append(make_article(
            f"Fighting near Baiji, day {n + 1}",
            summary=f"Iraqi forces advance on day {n + 1}.",
            body="Forces advanced.\n\nThe group retreated north.",
            published_on=datetime.date(2015, 10 + n // 5, 1 + n),
            publication=asharq, credits=[afp], byline="Hamza Mustafa", section="Middle East",
            regions=[baiji, iraq], quotes=[(hashimi, f"ISIS is on the defensive ({n}).")],
        ))
    for n in range(4):
        articles.append(make_article(
            f"Aleppo under siege, part {n + 1}", published_on=datetime.date(2016, 2, 1 + n), publication=afp,
            regions=[aleppo], quotes=[(balanche, "The Kurds advance."), (arabic, "كلمات")],
        ))
    return {"articles": articles, "hashimi": hashimi, "iraq": iraq, "baiji": baiji}


def page_types(newsroom):
    """One address of every public page type."""
    article = newsroom["articles"][0]
    return {
        "home": "/",
        "articles": "/articles/?region=iraq&date_from=2015-10-01",
        "article": article.get_absolute_url(),
        "regions": "/regions/",
        "region": "/regions/iraq/",
        "people": "/people/",
        "person": newsroom["hashimi"].get_absolute_url(),
        "sources": "/sources/",
        "source": "/sources/afp/",
        "year": "/archive/2015/",
        "month": "/archive/2015/10/",
        "bad-filter": "/articles/?region=atlantis",
        "not-found": "/no/such/page/",
    }


def dump(value):
    return json.dumps(value, indent=1, ensure_ascii=False)
