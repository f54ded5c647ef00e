"""Every page type is valid HTML, as the Nu Html Checker (vnu.jar, from npm) sees it."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.builders import make_article, make_person, make_region, make_source

VNU = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")),
    reason="needs Java and node_modules/vnu-jar (make install runs npm ci)",
)


def test_every_page_type_is_valid_html(client, tree, tmp_path, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    person = make_person("Hisham al-Hashimi", description="Iraqi analyst <b>“quoted”</b>")
    arabic = make_person("هشام الهاشمي")
    afp = make_source("AFP", kind="agency")
    place = make_region("Sinjar & <Mount>", "city", tree["iraq"])
    article = make_article("Title with <script>alert(1)</script> & “quotes”", summary="A summary.", byline="By me",
                           section="Middle East", original_url="https://example.org/a?b=1&c=2", publication=afp,
                           credits=[afp], regions=[tree["baiji"], place], quotes=[(person, "Words."), (arabic, "كلمات")])
    article.quotes.update(given_to=afp)
    make_article("Another", regions=[tree["aleppo"]], quotes=[(person, "More.")])
    urls = [
        "/", "/articles/", "/articles/?page=2&region=iraq&region=syria&date_from=2015-01-01",
        "/articles/?region=nowhere&date_from=yesterday&sort=x", article.get_absolute_url(), "/regions/",
        "/regions/iraq/", "/regions/aleppo/", "/people/", "/people/?sort=quotes", person.get_absolute_url(),
        arabic.get_absolute_url(), "/sources/", "/sources/afp/", "/archive/2015/", "/archive/2015/12/",
        "/no/such/page/", "/articles/?page=99", "/feeds/articles/?region=nowhere",
    ]
    files = []
    for n, url in enumerate(urls):
        response = client.get(url)
        assert response.status_code < 500, url
        files.append(tmp_path / f"{n:02d}.html")
        files[-1].write_bytes(response.content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [f"{urls[int(Path(m['url']).stem)]}: {m['message']} [{m.get('extract', '')}]" for m in messages]
    assert problems == []
