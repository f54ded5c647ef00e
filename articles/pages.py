"""Extract an article from a raw captured page (plain-text capture or saved HTML).

Pure Python: no Django. ``extract(text, places=None, sources=None) -> PageArticle``.

What it reads
-------------
* Plain-text captures like ``fixtures/pages/000_31fd84cbd806a696.txt``: site chrome (menu lines,
  "Select Page", share bars), a title line (a site suffix such as
  " | ASHARQ AL-AWSAT English Archive 2005 -2017" is stripped), metadata lines
  ("Media ID: 55345953", "Published: 12 March 2016", "By Jane Doe", "Section: ...",
  "URL: ..."), then the body: one paragraph per line, or blank-line separated blocks whose
  hard-wrapped lines are joined. The body ends at a footer ("Related Articles", "Read more",
  "(Reporting by ...)", "Copyright ...", "Tags: ...").
* Saved HTML pages: metadata from ``<title>``/``<h1>``, ``<meta>`` tags (og:, article:,
  author...), JSON-LD and ``<time>``; the main text from trafilatura when it is installed,
  else from the page's ``<p>`` elements outside navigation, share, related and footer blocks.
  Spans of an HTML page index :attr:`PageArticle.text`, a plain rendition of the page
  (title, blank line, paragraphs separated by blank lines), since the HTML markup itself is
  not the article's text.

Where things come from
----------------------
Every extracted item keeps a character span into :attr:`PageArticle.text` (for a plain-text
capture this is the capture itself, decoded) and, for body items, the paragraph index.

Rules (documented choices)
--------------------------
* Dates are never guessed: only an explicit publication date (a labelled line such as
  "Published: ...", a bare date line in the page header, a dateline with a year, HTML
  publication metadata) counts. "Updated: ..." alone does not. Numeric dates such as
  03/04/2016 are used only when unambiguous. No date -> ``published_on=None`` and the flag
  "needs a date".
* Speakers: see :func:`parse_speaker`. A name is the run of capitalised words (with Arabic and
  European particles: al-, bin, abu, de, van...) just before the speech verb, after the last
  role word ("Analyst", "expert", "Minister"...); words before it form the description, with a
  comma appositive or relative clause ("Fabrice Balanche, a French expert on Syria, said";
  "Hisham al-Hashimi, who monitors ..., told AFP") added to it. Honorifics (Mr., Dr., Sheikh,
  Sayyed, Haj...) are dropped; ranks and offices (Gen., Colonel, President...) are dropped from
  the name and kept as the description when there is no other. Later references resolve
  within the article: a surname or "al-Surname" ("Balanche", "Al- Hashimi") is the known
  speaker with that surname; "he"/"she" is the last named speaker; "the analyst"/"the expert"
  is the last speaker whose description has that noun. A single unknown capitalised word
  ("Hezbollah said", "Damascus said") is not taken as a person unless the article elsewhere
  gives a fuller name ending with it, or describes it as a person ("said Amal, a mother of
  three"). "Tomas Lindqvist of the Nordic Institute" is Tomas Lindqvist. "Council members Ahmad
  Saleh and Mariam Hassoun said ..." gives the quote to each of them. Organisations and
  anonymous speakers ("a spokesman", "one resident") give a quote with ``speaker=None`` and the
  flag "quote without a speaker". A named person who speaks without a quote ("spokesman X
  announced the decision") is remembered for a following "He said:".
* Quotes: direct quotes in double quotation marks (curly or straight), with the attribution
  after ("...," X said / said X) or before (X said: "..."; X told AFP "..."); a quote
  interrupted by its attribution ("A," he said. "B.") is one quote; a quote left open at the
  end of a paragraph and reopened in the next is one quote; a paragraph ending "X said:"
  introduces a quote in the next paragraph; an unattributed full-paragraph quote right after a
  paragraph quoting X is X's. Short quoted fragments (fewer than 4 words) inside a sentence are
  scare quotes, not quotes. Reported speech: "X said/told AFP/added/pointed out/warned...
  (that) CLAUSE", "CLAUSE, X said." and "according to X" when X resolves to a person.
  ``given_to`` comes from "told AFP", "in an interview with Reuters", "speaking to ...".
* Places: ``places.scan()`` over the title and each paragraph (names of 3 or more characters,
  capitalised in the text). Adjectives are not places ("Iraqi", "Kurdish": names match whole
  words only). A country or world region followed by a possessive ("Russia's air power") is an
  actor, not a place of the article, so that mention is dropped (applied when every candidate
  has such a ``kind``). Place names inside organisation names ("Islamic State of Iraq and the
  Levant", "University of Baghdad", "Berlin Centre for ..."), in compound adjectives
  ("London-based", "Tehran-backed") and in the dateline ("BEIRUT (Reuters) -", "SANAA - ",
  "FALLUJAH: ", "Beirut- ", "Jeddah - ": where the story was filed) are not place mentions; nor
  is a capital standing for its government ("Damascus has denied", "Riyadh accused Tehran of
  ...", but "analysts in Baghdad said" is a place), a country as a noun adjunct ("an Iraq
  researcher"), "Saudi" (the adjective) or a city before "Strip"/"Heights" ("the Gaza Strip"). Names that are
  common words ("North", "Of", "Capital": see PLACE_STOPWORDS) are never mentions on their own. "the Governorate of Diyala" / "Diyala province" resolve to the governorate
  when the index knows "Diyala Governorate"/"Diyala Province"; "the city of X" / "X city" keep
  only city-like candidates when there are some. Candidates are otherwise returned as found:
  the caller resolves the remaining ambiguity.
* Publication: an explicit "Publication:" line, a known publication in the title suffix, the
  site chrome or a masthead line (built-in list plus the ``sources`` index), HTML og:site_name /
  JSON-LD publisher; else an unknown site name from a " | Site" title suffix or a lone first
  line ("The Gulf Observer"); else, on a wire page, the dateline agency. None -> flag
  "needs a publication". No "Media ID" -> flag "needs a media id".
* Sources: news agencies in the dateline ("BEIRUT (Reuters) -", "(AFP) -"), in credit lines
  ("AFP", "- Reuters", "With agencies"...) and quote ``given_to`` agencies ("told AFP").
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .names import Mention, NameIndex, fold_name

__all__ = [
    "UnreadablePage",
    "Paragraph",
    "ExtractedQuote",
    "Speaker",
    "PageArticle",
    "extract",
    "extract_file",
    "parse_date",
    "parse_speaker",
    "FLAG_NEEDS_DATE",
    "FLAG_NO_MEDIA_ID",
    "FLAG_NO_PUBLICATION",
    "FLAG_QUOTE_WITHOUT_SPEAKER",
]

FLAG_NEEDS_DATE = "needs a date"
FLAG_NO_MEDIA_ID = "needs a media id"
FLAG_NO_PUBLICATION = "needs a publication"
FLAG_QUOTE_WITHOUT_SPEAKER = "quote without a speaker"

# Reasons of UnreadablePage (stable strings; details go to .detail)
REASON_EMPTY = "empty page"
REASON_BINARY = "binary content"
REASON_NOT_ARTICLE = "not an article page"
REASON_NO_TITLE = "no title"
REASON_NO_BODY = "no body"


class UnreadablePage(ValueError):
    """The capture cannot be read as an article. ``reason`` is one of a few stable strings
    ("empty page", "binary content", "not an article page", "no title", "no body");
    ``detail`` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


# --------------------------------------------------------------------------------------
# Output records
# --------------------------------------------------------------------------------------


@dataclass
class Paragraph:
    """A body paragraph. ``text`` is the paragraph with whitespace runs collapsed;
    ``start``/``end`` its span in :attr:`PageArticle.text`."""

    text: str
    start: int
    end: int
    offsets: list[int] = field(default_factory=list, repr=False, compare=False)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Map ``text[a:b]`` back to a span of the original text."""
        if not self.offsets:
            return self.start + a, self.start + b
        if b <= a:
            pos = self.offsets[a] if a < len(self.offsets) else self.end
            return pos, pos
        return self.offsets[a], self.offsets[b - 1] + 1


@dataclass
class ExtractedQuote:
    speaker: str | None
    description: str | None
    text: str
    given_to: str | None
    kind: str  # "direct" | "reported"
    paragraph: int
    start: int
    end: int


@dataclass
class Speaker:
    name: str
    description: str | None = None
    aliases: list[str] = field(default_factory=list)  # surface forms seen ("Al- Hashimi")


@dataclass
class PageArticle:
    title: str
    media_id: int | None
    publication: str | None
    byline: str | None
    section: str | None
    published_on: date | None
    original_url: str | None
    language: str | None
    paragraphs: list[Paragraph]
    body: str
    quotes: list[ExtractedQuote]
    place_mentions: list[Mention]
    sources: list[str]
    flags: list[str]
    speakers: list[Speaker] = field(default_factory=list)
    text: str = field(default="", repr=False)  # what every span indexes
    format: str = "text"  # "text" | "html"
    title_span: tuple[int, int] = (0, 0)
    dateline: str | None = None
    # where header fields came from: "title", "media_id", "published_on", "byline", "section",
    # "original_url", "publication", "source:<name>" -> span in ``text`` (plain-text captures)
    origins: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    def as_record(self, status: str = "draft") -> dict[str, Any]:
        """The article in the JSON Lines shape of DESIGN.md. ``regions`` names each place once:
        the region's own name when the mention has a single candidate ("Governorate of Diyala"
        -> "Diyala Governorate"), else the name as written ("Aleppo", which the importer
        resolves to the city, or "Tripoli", which it reports as ambiguous)."""
        regions: list[str] = []
        seen: set[str] = set()
        for m in self.place_mentions:
            name = _obj_name(m.candidates[0]) if len(m.candidates) == 1 else " ".join(m.surface.split())
            if fold_name(name) not in seen:
                seen.add(fold_name(name))
                regions.append(name)
        return {
            "media_id": self.media_id,
            "title": self.title,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "publication": self.publication,
            "credits": list(self.sources),
            "section": self.section or "",
            "byline": self.byline or "",
            "original_url": self.original_url or "",
            "language": self.language or "",
            "summary": "",
            "body": self.body,
            "regions": regions,
            "quotes": [
                {
                    "person": q.speaker,
                    "description": q.description or "",
                    "text": q.text,
                    "given_to": q.given_to,
                }
                for q in self.quotes
                if q.speaker
            ],
            "status": status,
        }


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

# canonical name -> aliases (matched folded)
AGENCIES: dict[str, list[str]] = {
    "AFP": ["AFP", "Agence France-Presse", "Agence France Presse", "A.F.P."],
    "Reuters": ["Reuters", "Thomson Reuters"],
    "Associated Press": ["AP", "Associated Press", "The Associated Press", "A.P."],
    "dpa": ["dpa", "Deutsche Presse-Agentur", "DPA"],
    "Anadolu Agency": ["Anadolu", "Anadolu Agency", "AA"],
    "SANA": ["SANA", "Syrian Arab News Agency"],
    "Xinhua": ["Xinhua", "Xinhua News Agency"],
    "EFE": ["EFE"],
    "ANSA": ["ANSA"],
    "IRNA": ["IRNA", "Islamic Republic News Agency"],
    "Tasnim": ["Tasnim", "Tasnim News Agency"],
    "Fars": ["Fars", "Fars News Agency"],
    "KUNA": ["KUNA", "Kuwait News Agency"],
    "WAM": ["WAM", "Emirates News Agency"],
    "SPA": ["SPA", "Saudi Press Agency"],
    "MENA": ["MENA", "Middle East News Agency"],
    "QNA": ["QNA", "Qatar News Agency"],
    "NNA": ["NNA", "National News Agency"],
    "TASS": ["TASS", "ITAR-TASS"],
    "RIA Novosti": ["RIA Novosti", "RIA"],
    "Interfax": ["Interfax"],
    "Kyodo": ["Kyodo", "Kyodo News"],
    "UPI": ["UPI", "United Press International"],
    "Bloomberg": ["Bloomberg"],
}
PUBLICATIONS: dict[str, list[str]] = {
    "Asharq Al-Awsat": ["Asharq Al-Awsat", "Asharq Alawsat", "Asharq al Awsat", "aawsat", "aawsat.com",
                        "english.aawsat.com"],
    "Al-Monitor": ["Al-Monitor", "Al Monitor", "al-monitor.com"],
    "Arab News": ["Arab News", "arabnews.com"],
    "The National": ["The National", "thenational.ae"],
    "Al Jazeera": ["Al Jazeera", "Al Jazeera English", "aljazeera.com"],
    "Al Arabiya": ["Al Arabiya", "Al Arabiya English", "alarabiya.net"],
    "Middle East Eye": ["Middle East Eye", "middleeasteye.net"],
    "Rudaw": ["Rudaw", "rudaw.net"],
    "Kurdistan 24": ["Kurdistan 24", "Kurdistan24", "kurdistan24.net"],
    "Syria Direct": ["Syria Direct", "syriadirect.org"],
    "Enab Baladi": ["Enab Baladi", "enabbaladi.net"],
    "The New Arab": ["The New Arab", "newarab.com"],
    "The Daily Star": ["The Daily Star", "Daily Star Lebanon", "dailystar.com.lb"],
    "Naharnet": ["Naharnet", "naharnet.com"],
    "Gulf News": ["Gulf News", "gulfnews.com"],
    "Daily Sabah": ["Daily Sabah", "dailysabah.com"],
    "Hurriyet Daily News": ["Hurriyet Daily News", "hurriyetdailynews.com"],
    "BBC News": ["BBC News", "BBC", "bbc.com", "bbc.co.uk"],
    "The Guardian": ["The Guardian", "theguardian.com"],
    "The New York Times": ["The New York Times", "New York Times", "nytimes.com"],
    "The Washington Post": ["The Washington Post", "Washington Post", "washingtonpost.com"],
    "CNN": ["CNN", "cnn.com"],
    "Shafaq News": ["Shafaq News", "shafaq.com"],
    "Reuters": ["reuters.com"],
    "AFP": ["afp.com"],
    "Associated Press": ["apnews.com"],
}


def _build_table(*tables: dict[str, list[str]]) -> NameIndex[str]:
    idx: NameIndex[str] = NameIndex()
    for table in tables:
        for canon, aliases in table.items():
            idx.add(canon, [canon, *aliases])
    return idx


_AGENCY_INDEX = _build_table(AGENCIES)
_PUBLICATION_INDEX = _build_table(PUBLICATIONS, AGENCIES)

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_WEEKDAY_RE = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"

SPEECH_VERBS = [
    "said", "says", "say", "added", "adds", "told", "tells", "stated", "states", "explained",
    "explains", "noted", "notes", "stressed", "stresses", "warned", "warns", "argued", "argues",
    "asked", "asks", "wrote", "writes", "continued", "concluded", "pointed out", "points out",
    "insisted", "insists", "remarked", "commented", "declared", "emphasized", "emphasised",
    "emphasizes", "emphasises", "affirmed", "acknowledged", "admitted", "tweeted", "recalled",
    "replied", "responded", "answered", "cautioned", "predicted", "predicts", "claimed",
    "claims", "observed", "suggested", "suggests", "mentioned", "announced", "confirmed",
    "complained", "urged", "vowed", "maintained", "revealed", "underlined", "highlighted",
    "indicated", "went on", "goes on", "shouted", "cried", "pleaded", "wondered", "believes", "believed", "thinks", "estimated",
    "estimates", "considered", "considers", "reckons", "explained", "elaborated", "described",
    "describes",
]
# verbs of opinion count for reported speech only
_OPINION_VERBS = {"believes", "believed", "thinks", "estimated", "estimates", "considered",
                  "considers", "reckons"}
_VERB_ALT = "|".join(sorted({re.escape(v).replace(r"\ ", r"\s+") for v in SPEECH_VERBS},
                            key=len, reverse=True))
_VERB_RE = re.compile(rf"\b(?P<verb>{_VERB_ALT})\b")
_ADVERBS = {"also", "further", "later", "then", "previously", "earlier", "separately", "again",
            "recently", "once", "had", "has", "have", "was", "is", "reportedly", "furthermore",
            "additionally", "however", "too", "meanwhile", "moreover", "subsequently",
            "repeatedly", "publicly", "privately", "openly", "explicitly", "clearly",
            "frankly", "simply", "bluntly", "flatly"}

PRONOUNS_PERSON = {"he", "she"}
PRONOUNS_OTHER = {"they", "it", "we", "i", "you", "who", "which", "this", "that", "both",
                  "others", "some", "many", "most", "all"}
DETERMINERS = {"the", "a", "an", "one", "another", "this", "that", "these", "those", "some",
               "two", "three", "several", "many", "most", "other"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sheikh", "shaikh", "sheik", "sayyed", "sayyid",
              "sayed", "sayyida", "haj", "hajj", "hajji", "sir", "dame", "lord", "lady",
              "mullah", "mawlana", "monsieur", "madame", "mme", "herr", "frau"}
# ranks and offices: dropped from names, kept as a description when there is no other
RANKS = {
    "gen": "General", "general": "General", "lt": "Lieutenant", "lieutenant": "Lieutenant",
    "maj": "Major", "major": "Major", "col": "Colonel", "colonel": "Colonel",
    "brig": "Brigadier", "brigadier": "Brigadier", "capt": "Captain", "captain": "Captain",
    "cmdr": "Commander", "cdr": "Commander", "sgt": "Sergeant", "sergeant": "Sergeant",
    "adm": "Admiral", "admiral": "Admiral", "prof": "Professor", "professor": "Professor",
    "president": "President", "minister": "Minister", "premier": "Premier", "king": "King",
    "queen": "Queen", "prince": "Prince", "princess": "Princess", "emir": "Emir", "imam": "Imam",
    "ayatollah": "Ayatollah", "sen": "Senator", "senator": "Senator", "rep": "Representative",
    "gov": "Governor", "governor": "Governor", "mayor": "Mayor", "ambassador": "Ambassador",
    "judge": "Judge", "bishop": "Bishop", "patriarch": "Patriarch", "pope": "Pope",
    "mufti": "Mufti", "father": "Father", "rev": "Reverend", "reverend": "Reverend",
    "commander": "Commander", "chancellor": "Chancellor", "secretary": "Secretary",
    "envoy": "Envoy", "chief": "Chief", "deputy": "Deputy", "spokesman": "Spokesman",
    "spokeswoman": "Spokeswoman", "speaker": "Speaker",
}
# titles that are dropped from descriptions when the person has another description
RANK_TITLES = {"gen", "general", "lt", "lieutenant", "maj", "major", "col", "colonel", "brig",
               "brigadier", "capt", "captain", "cmdr", "cdr", "sgt", "sergeant", "adm", "admiral",
               "prof", "professor", "rev", "reverend", "father", "sen", "rep", "gov"}
ROLE_WORDS = {
    "analyst", "analysts", "expert", "experts", "researcher", "fellow", "scholar", "specialist",
    "academic", "historian", "economist", "journalist", "reporter", "correspondent", "editor",
    "writer", "author", "activist", "official", "officer", "spokesman", "spokeswoman",
    "spokesperson", "representative", "envoy", "ambassador", "diplomat", "minister",
    "president", "premier", "chief", "head", "director", "commander", "leader", "general",
    "colonel", "major", "captain", "lieutenant", "sergeant", "brigadier", "admiral", "fighter",
    "militant", "soldier", "resident", "witness", "doctor", "physician", "surgeon", "nurse",
    "engineer", "lawyer", "judge", "governor", "mayor", "lawmaker", "legislator",
    "parliamentarian", "mp", "deputy", "senator", "member", "chairman", "chairwoman", "chair",
    "secretary", "secretary-general", "adviser", "advisor", "consultant", "strategist",
    "observer", "monitor", "coordinator", "negotiator", "mediator", "cleric", "imam", "emir",
    "king", "prince", "founder", "co-founder", "manager", "executive", "owner", "farmer",
    "student", "teacher", "worker", "volunteer", "defector", "source", "figure", "politician",
    "geographer", "sociologist", "anthropologist", "demographer", "commentator", "columnist",
    "blogger", "photographer", "filmmaker", "poet", "novelist", "refugee", "survivor", "medic",
    "paramedic", "rebel", "professor", "lecturer", "mufti", "sheikh", "chancellor", "speaker",
    "veteran", "opponent", "supporter", "ally", "aide", "investigator", "inspector", "agent",
    "pilot", "driver", "shopkeeper", "trader", "merchant", "man", "woman", "mother", "father",
    "son", "daughter", "brother", "sister", "chieftain", "elder", "vice-president",
}
ORG_WORDS = {
    "observatory", "ministry", "forces", "army", "council", "committee", "organization",
    "organisation", "agency", "group", "coalition", "command", "department", "office", "front",
    "units", "unit", "brigade", "brigades", "battalion", "government", "party", "movement",
    "network", "institute", "center", "centre", "union", "commission", "authority",
    "authorities", "police", "administration", "pentagon", "kremlin", "white", "house",
    "state", "states", "nations", "regime", "militia", "militias", "court", "parliament",
    "assembly", "foundation", "university", "company", "corporation", "bank", "fund", "watch",
    "international", "association", "federation", "alliance", "mission", "embassy",
    "consulate", "directorate", "service", "services", "news", "times", "post", "press",
    "tv", "television", "radio", "channel", "daily", "magazine", "newspaper", "statement",
    "spokesman", "spokeswoman", "spokesperson", "media", "crescent", "cross", "hospital",
}
KNOWN_ORGS = {
    "isis", "isil", "is", "daesh", "al qaeda", "al qaida", "qaeda", "nusra", "al nusra",
    "hezbollah", "hizbollah", "hamas", "ypg", "ypj", "sdf", "pkk", "pyd", "fsa", "nato", "un",
    "eu", "unhcr", "unicef", "who", "icrc", "msf", "hrw", "amnesty", "washington", "moscow",
    "tehran", "ankara", "damascus", "baghdad", "riyadh", "cairo", "amman", "beirut", "london",
    "paris", "berlin", "beijing", "jerusalem", "doha", "erbil", "peshmerga", "hts", "ahrar",
    "jaish", "taliban", "houthis", "houthi", "pentagon", "kremlin", "opec",
}
_PARTICLES = {"al", "el", "ad", "ud", "as", "ash", "at", "az", "ez", "es", "an", "ar", "bin",
              "ibn", "bint", "ben", "de", "del", "della", "di", "da", "du", "dos", "das", "van",
              "von", "der", "den", "ter", "la", "le", "ul", "ur", "abu", "abou", "bou", "y",
              "al-", "el-"}
_LOWER_PARTICLES = _PARTICLES - {"abu", "abou", "y"}
_PREPOSITIONS = {"of", "for", "on", "in", "at", "from", "to", "with", "about", "and", "by",
                 "into", "across", "against", "between", "near", "over", "under", "within",
                 "without", "toward", "towards", "or", "than", "like", "via", "per", "among",
                 "amid", "after", "before", "during", "since", "behind"}
_DISCOURSE = {"however", "though", "meanwhile", "moreover", "also", "in turn", "for his part",
              "for her part", "for their part", "in addition", "instead", "separately",
              "likewise", "similarly", "nevertheless", "still", "yet", "indeed", "in fact",
              "in contrast", "by contrast", "on the other hand", "too", "then", "later",
              "earlier", "now", "today", "yesterday", "again", "in response", "in reply",
              "speaking to reporters", "in a statement", "in an interview"}
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "brig",
                  "prof", "sen", "rep", "gov", "st", "jr", "sr", "no", "vs", "etc", "jan",
                  "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                  "inc", "co", "corp", "ltd", "adm", "cmdr", "cdr", "rev", "mt", "ft", "approx",
                  "dept", "est", "fig", "a.m", "p.m", "u.s", "u.n", "u.k", "e.u", "i.e", "e.g"}
_DEMONYM_SUFFIXES = ("ian", "ish", "ese", "i", "an", "ic")

_QUOTE_OPEN = "“„«‟"
_QUOTE_CLOSE = "”»"
_QUOTE_ANY = _QUOTE_OPEN + _QUOTE_CLOSE + '"'
_APOS = "'’ʼ"
_TERMINAL = ".!?"

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _obj_name(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return str(obj.get("name") or obj.get("slug") or obj)
    name = getattr(obj, "name", None)
    return str(name) if name else str(obj)


def _obj_kind(obj: Any) -> str | None:
    if isinstance(obj, dict):
        kind = obj.get("kind")
    else:
        kind = getattr(obj, "kind", None)
    if kind is None:
        return None
    return str(getattr(kind, "value", kind)).lower().replace("_", " ")


def _words(s: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", s)


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _strip_quotes(s: str) -> str:
    return s.strip().strip(_QUOTE_ANY).strip()


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_DATE_RES = [
    ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?\b")),
    ("ymd", re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(\d{{4}})\b",
                       re.I)),
    ("mdy", re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("num", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")),
]


def parse_date(s: str) -> date | None:
    """The first explicit full date in ``s`` (day, month and year), else None.

    "12 March 2016", "March 12, 2016", "Saturday, 12 March, 2016", "2016-03-12",
    "2016-03-12T10:00:00Z", "12/03/2016" only if unambiguous ("25/03/2016").
    """
    if not s:
        return None
    best: tuple[int, date] | None = None
    for kind, rx in _DATE_RES:
        for m in rx.finditer(s):
            try:
                if kind == "ymd":
                    d = date(int(m[1]), int(m[2]), int(m[3]))
                elif kind == "dmy":
                    d = date(int(m[3]), MONTHS[m[2].lower().rstrip(".")], int(m[1]))
                elif kind == "mdy":
                    d = date(int(m[3]), MONTHS[m[1].lower().rstrip(".")], int(m[2]))
                else:
                    a, b, y = int(m[1]), int(m[2]), int(m[3])
                    if a > 12 >= b:
                        d = date(y, b, a)
                    elif b > 12 >= a:
                        d = date(y, a, b)
                    elif a == b:
                        d = date(y, a, b)
                    else:
                        continue  # ambiguous: never guess
            except (ValueError, KeyError):
                continue
            if not 1900 <= d.year <= 2100:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), d)
            break
    return best[1] if best else None


_DATE_LABEL_RE = re.compile(
    r"^\s*(?P<label>published(?:\s+on)?|first\s+published(?:\s+on)?|posted(?:\s+on)?|date|dated"
    r"|issued(?:\s+on)?|publication\s+date|updated(?:\s+on)?|last\s+updated(?:\s+on)?"
    r"|modified|last\s+modified)\b\s*(?:on\b)?\s*[:\-–—]?\s*(?P<rest>.*)$",
    re.I,
)


def _is_bare_date_line(line: str) -> date | None:
    """A line that is only a date (with an optional weekday and time)."""
    s = line.strip()
    if len(s) > 60:
        return None
    d = parse_date(s)
    if d is None:
        return None
    rest = s
    for _, rx in _DATE_RES:
        rest = rx.sub(" ", rest)
    rest = re.sub(rf"\b{_WEEKDAY_RE}", " ", rest, flags=re.I)
    rest = re.sub(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?", " ", rest, flags=re.I)
    rest = re.sub(r"\b(?:GMT|UTC|CET|EET|EEST|AST|EST|EDT|BST|local time|updated|last)\b", " ",
                  rest, flags=re.I)
    rest = re.sub(r"\b(?:\d+|an?)\s+(?:year|month|week|day|hour|minute)s?\s+ago\b", " ", rest, flags=re.I)
    rest = re.sub(r"[\W_]+", "", rest)
    return d if not rest else None


# --------------------------------------------------------------------------------------
# Line classification (plain-text captures)
# --------------------------------------------------------------------------------------

_BOILERPLATE_RE = re.compile(
    r"^(?:select page|skip to (?:main )?content|skip navigation|menu|main menu|search|search for:?"
    r"|share(?: this(?: article| story| page)?)?:?|share on \w+|share via \w+|shares?"
    r"|facebook|twitter|x|whatsapp|telegram|linkedin|email|e-mail|print|tweet|pinterest|reddit"
    r"|copy link|copy|link copied|advertisement|ads?|sponsored(?: content)?|scroll to continue"
    r"|font size|a-\s*a\+|a\+\s*a-|listen(?: to this article)?|loading\.*|follow us(?: on .*)?"
    r"|subscribe(?: now| to .*)?|sign up(?: .*)?|sign in|log in|login|register|back to top"
    r"|close|open|toggle navigation|home|next|previous|prev|next article|previous article"
    r"|\d+\s*(?:comments?|shares?|views?)|(?:min|minute)s? read|\d+\s*min(?:ute)?s? read"
    r"|print this (?:article|page)|email this (?:article|page)|(?:photo|image|file photo)\s*[:|].*"
    r"|click here.*|view comments|add comment|newsletter|english|arabic|العربية|français"
    r"|follow|more|latest|live|trending)\s*$",
    re.I,
)
_SOCIAL = {"facebook", "twitter", "whatsapp", "telegram", "linkedin", "email", "e-mail", "print",
           "tweet", "pinterest", "reddit", "messenger", "share", "copy", "link", "x", "instagram",
           "youtube", "tiktok", "rss", "google"}
_TERMINATOR_RE = re.compile(
    r"^(?:related(?: articles?| stories| news| posts| coverage| topics| content)?:?|related\s*:.*"
    r"|read (?:more|also|next):?.*|see also:?|more (?:from|on|in|stories|news|articles)\b.*"
    r"|you (?:may|might) (?:also )?(?:like|be interested in).*|recommended(?: for you| stories)?:?"
    r"|most (?:read|popular|viewed|shared|commented)(?: .*)?|trending(?: now| stories)?:?"
    r"|editor'?s? picks?|top stories|latest news|tags?\s*:.*|topics?\s*:.*|keywords\s*:.*"
    r"|comments?(?: \(\d+\))?:?|leave a (?:comment|reply).*|\(?reporting by .*|\(?(?:writing|"
    r"editing|additional reporting) by .*|copyright\b.*|©.*|all rights reserved.*|about us"
    r"|contact us|privacy policy|terms (?:of|and) (?:use|service|conditions).*|cookie (?:policy|"
    r"settings)|sign up for our newsletter.*|subscribe to our newsletter.*|share this:?)\s*$",
    re.I,
)
_MENU_WORDS = {
    "home", "news", "world", "middle", "east", "middle-east", "arab", "arabs", "opinion",
    "opinions", "sport", "sports", "business", "economy", "culture", "lifestyle", "life",
    "features", "feature", "video", "videos", "multimedia", "photos", "gallery", "technology",
    "tech", "science", "health", "travel", "archive", "archives", "editorials", "editorial",
    "columns", "columnists", "politics", "analysis", "about", "contact", "subscribe", "login",
    "search", "menu", "english", "arabic", "more", "latest", "live", "podcasts", "podcast",
    "investigations", "blogs", "blog", "magazine", "weather", "region", "regions", "gulf",
    "africa", "asia", "europe", "americas", "us", "uk", "local", "national", "international",
    "interviews", "reports", "in-depth", "special", "media", "art", "arts", "entertainment",
    "markets", "energy", "climate", "education", "books", "food", "fashion", "society",
    "sections", "topics", "the", "and", "&", "more", "español", "français", "عربي", "newsletter",
    "newsletters", "video", "photo", "main", "top", "stories", "wires", "wire", "breaking",
}
_MEDIA_ID_RE = re.compile(r"^\s*media\s*[-_ ]?id\s*[:#=\-]?\s*(?P<id>\d{3,12})\b", re.I)
_MEDIA_ID_ANY_RE = re.compile(r"\bmedia\s*[-_ ]?id\s*[:#=\-]?\s*(?P<id>\d{3,12})\b", re.I)
_URL_LINE_RE = re.compile(
    r"^\s*(?:(?:original\s+)?url|link|source|permalink|canonical|original|web address)\s*[:\-–]\s*"
    r"(?P<url>https?://\S+)\s*$|^\s*(?P<bare>https?://\S+)\s*$",
    re.I,
)
_SECTION_RE = re.compile(r"^\s*(?:section|category|categories|filed under|desk)\s*[:\-–]\s*(?P<s>.+)$",
                         re.I)
_PUBLICATION_LINE_RE = re.compile(r"^\s*(?:publication|publisher|newspaper|site)\s*[:\-–]\s*(?P<p>.+)$",
                                  re.I)
_BYLINE_RE = re.compile(r"^\s*(?:by|written by|words by|author|authors|reporter)\s*[:\-–]?\s+(?P<b>.+)$",
                        re.I)
_BREADCRUMB_RE = re.compile(r"\s(?:>|»|›|/)\s")
_CREDIT_LINE_RE = re.compile(
    r"^\s*[-–—(]*\s*(?:source|sources|credit|credits|with|via)?\s*[:\-–]?\s*"
    r"(?P<who>[A-Za-z][\w .&'’-]{0,40}?)\s*(?:contributed(?: to)?(?: this)?(?: report(?:ing)?| story)?)?"
    r"\s*[)\-–—.]*\s*$",
    re.I,
)
_ERROR_PAGE_RE = re.compile(
    r"\b(?:404|page not found|not found|access denied|forbidden|403|500 internal server error"
    r"|just a moment|attention required|enable javascript|enable cookies|are you a robot"
    r"|captcha|checking your browser|service unavailable|bad gateway|this page (?:doesn'?t|does not)"
    r" exist)\b",
    re.I,
)


def _is_boilerplate(line: str) -> bool:
    s = line.strip()
    if not s:
        return True
    if _BOILERPLATE_RE.match(s):
        return True
    words = [w.lower() for w in re.findall(r"[\w+-]+", s)]
    if words and len(words) <= 12 and sum(w in _SOCIAL for w in words) >= max(2, len(words) - 1):
        return True  # a share bar: "Facebook Twitter WhatsApp Email"
    if not re.search(r"[^\W\d_]", s):  # no letters at all: separators, counters
        return True
    return False


def _is_menu(line: str, publications: Callable[[str], str | None]) -> bool:
    s = line.strip()
    segments = [seg.strip() for seg in re.split(r"\s[|•·]\s|\s{3,}|\t", s) if seg.strip()]
    if not segments:
        return False
    if len(segments) >= 3 and all(len(seg.split()) <= 4 for seg in segments):
        return True
    left = [seg for seg in segments if not publications(seg)]
    words = [w.lower() for seg in left for w in re.findall(r"[\w&-]+", seg)]
    if not words or len(words) > 10:
        return not words and len(segments) >= 2  # only publication names: chrome
    words = [w for w in words if w not in {"the", "and", "&", "of"}]
    if not words:
        return False
    menu = sum(w in _MENU_WORDS for w in words)
    return menu / len(words) >= 0.6 and not s.endswith((".", "?", "!"))


def _line_is_prose(line: str) -> bool:
    s = line.strip()
    n = len(s.split())
    if n >= 30:
        return True
    return n >= 8 and s.rstrip(_QUOTE_ANY + ")").endswith(tuple(_TERMINAL))


# --------------------------------------------------------------------------------------
# Text decoding and sniffing
# --------------------------------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if not data:
            raise UnreadablePage(REASON_EMPTY, "the capture is empty")
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UnreadablePage(REASON_BINARY, "NUL bytes: not a text capture")
        for enc in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else (
            "utf-8-sig",
        ):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            bad = sum(1 for b in data[:4096] if b < 9 or 13 < b < 32 or b == 127)
            if bad > len(data[:4096]) * 0.02:
                raise UnreadablePage(REASON_BINARY, "undecodable bytes: not a text capture")
            text = data.decode("cp1252", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise UnreadablePage(REASON_EMPTY, "the capture has no text")
    sample = text[:8192]
    ctrl = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\ufffd")
    if "\x00" in sample or ctrl > max(2, len(sample) * 0.01):
        raise UnreadablePage(REASON_BINARY, "control characters: not a text capture")
    return text


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:5000].lower():
        return True
    if head.startswith("<"):
        return len(re.findall(r"<(?:html|head|body|p|div|article|title|meta|h1)\b", text[:20000],
                              re.I)) >= 3
    return False


def _not_an_article(text: str) -> str | None:
    s = text.strip()
    if s[:1] in "{[":
        try:
            json.loads(s)
            return "looks like JSON data"
        except ValueError:
            first = s.splitlines()[0]
            try:
                json.loads(first)
                return "looks like JSON Lines data"
            except ValueError:
                pass
    if s.startswith("%PDF"):
        return "a PDF document"
    lines = [ln for ln in s.splitlines() if ln.strip()]
    if lines and sum(ln.count(",") >= 3 for ln in lines[:20]) >= min(len(lines), 5) >= 3 and not any(
        _line_is_prose(ln) for ln in lines[:20]
    ):
        return "looks like CSV data"
    return None


# --------------------------------------------------------------------------------------
# Paragraph building with offset maps
# --------------------------------------------------------------------------------------


def _make_paragraph(text: str, start: int, end: int) -> Paragraph | None:
    """Collapse whitespace in text[start:end], keeping each kept char's original offset."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    space_at = start
    for i in range(start, end):
        c = text[i]
        if c.isspace() or c in "\u200b\u200c\u200e\u200f\ufeff\xad":
            if chars and c not in "\u200b\u200c\u200e\u200f\ufeff\xad":
                pending_space = True
                space_at = i
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(space_at)
            pending_space = False
        chars.append(c)
        offsets.append(i)
    if not chars:
        return None
    return Paragraph("".join(chars), offsets[0], offsets[-1] + 1, offsets)


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped

    @property
    def blank(self) -> bool:
        return not self.text


def _lines(text: str) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text):
        if m.start() == len(text) and not m.group():
            break
        raw = m.group().rstrip("\r\n")
        lead = len(raw) - len(raw.lstrip())
        s = raw.strip()
        out.append(_Line(m.start() + lead, m.start() + lead + len(s), s))
    return out


# --------------------------------------------------------------------------------------
# Source / publication lookup
# --------------------------------------------------------------------------------------


class _Sources:
    def __init__(self, index: NameIndex | None) -> None:
        self.index = index

    def _lookup(self, name: str, builtin: NameIndex[str]) -> str | None:
        name = name.strip(" .,;:-–—()[]|").strip()
        if not name:
            return None
        key = fold_name(name)
        if key.startswith("the ") and not builtin.lookup(key) and not (
            self.index and self.index.lookup(key)
        ):
            key = key[4:]
        if self.index is not None:
            objs = self.index.lookup(key)
            if objs:
                return _obj_name(objs[0])
        objs = builtin.lookup(key)
        return objs[0] if objs else None

    def agency(self, name: str) -> str | None:
        """A news agency (built-in list; the sources index when its object's kind says so)."""
        canon = self._lookup(name, _AGENCY_INDEX)
        if canon is None:
            return None
        if self.index is not None:
            objs = self.index.lookup(name.strip(" .,;:-–—()"))
            if objs:
                kind = _obj_kind(objs[0])
                if kind and "agency" not in kind and fold_name(canon) not in {
                    fold_name(a) for a in AGENCIES
                } and not _AGENCY_INDEX.lookup(name):
                    return None
        if self.index is None and not _AGENCY_INDEX.lookup(name.strip(" .,;:-–—()")):
            return None
        return canon

    def any(self, name: str) -> str | None:
        """Any publication or agency."""
        return self._lookup(name, _PUBLICATION_INDEX)

    def find_in(self, s: str) -> str | None:
        """A publication named anywhere in ``s`` ("ASHARQ AL-AWSAT English Archive 2005")."""
        hit = self.any(s)
        if hit:
            return hit
        for idx in ([self.index] if self.index is not None else []) + [_PUBLICATION_INDEX]:
            for m in idx.scan(s, min_length=3):
                if m.candidates:
                    return _obj_name(m.candidates[0])
        return None


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
              "aside", "form", "button", "select", "option", "figure", "figcaption", "iframe",
              "object", "canvas", "menu", "dialog"}
_BOILER_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|share|sharing|social|related|footer|comment|comments"
    r"|newsletter|advert|advertisement|ad|ads|promo|breadcrumbs?|tags|sidebar|subscribe|popup|cookie"
    r"|banner|widget|recommend(?:ed)?|more-stories|read-more|toolbar|caption|masthead|trending"
    r"|most-read|most-popular|author-bio|byline|dateline|meta|timestamp|date)(?:$|[\s_-])",
    re.I,
)
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section",
               "article", "main", "td", "pre", "dd", "dt"}


class _HTMLCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, skip, in_article
        self.lang: str | None = None
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.jsonld: list[Any] = []
        self.h1: list[str] = []
        self.times: list[tuple[str, str]] = []  # (datetime attr, context class)
        self.bylines: list[str] = []
        self.paragraphs: list[tuple[str, bool]] = []  # text, in_article
        self.all_text: list[str] = []
        self._buf: list[str] | None = None
        self._buf_tag = ""
        self._capture: str | None = None  # "title" | "jsonld" | "h1" | "byline"
        self._cap_buf: list[str] = []
        self._cap_depth = 0

    # state helpers
    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def in_article(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = _html.unescape(a["content"]).strip()
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.canonical = a["href"].strip()
            return
        if tag == "time" and (a.get("datetime") or "pubdate" in a):
            self.times.append((a.get("datetime", ""), " ".join([a.get("class", ""),
                              a.get("itemprop", ""), "pubdate" if "pubdate" in a else ""])))
        if tag in _VOID:
            if tag == "br" and self._buf is not None:
                self._buf.append(" ")
            return
        if tag == "p" and self.stack and self.stack[-1][0] == "p":
            self.handle_endtag("p")
        cls = " ".join([a.get("class", ""), a.get("id", ""), a.get("role", "")])
        parent_skip = self.skipping
        parent_article = self.in_article
        skip = parent_skip or tag in _SKIP_TAGS or bool(_BOILER_ATTR_RE.search(cls))
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self._start_capture("jsonld")
        is_article = parent_article or tag in {"article", "main"} or a.get("itemprop") == "articleBody" \
            or bool(re.search(r"article-?body|story-?body|entry-?content|post-?content|article-?content",
                              cls, re.I))
        if re.search(r"(?:^|[\s_-])(?:byline|author)(?:$|[\s_-])", cls, re.I) or a.get("rel") == "author" \
                or a.get("itemprop") == "author":
            if self._capture is None and tag != "meta":
                self._start_capture("byline")
        self.stack.append((tag, skip, is_article))
        if tag == "title" and self._capture is None:
            self._start_capture("title")
        elif tag == "h1" and not skip and self._capture is None:
            self._start_capture("h1")
        if tag in {"p", "blockquote", "h2", "h3", "li"} and not skip and self._buf is None:
            self._buf = []
            self._buf_tag = tag
        if self._capture:
            self._cap_depth += 1

    def _start_capture(self, what: str) -> None:
        self._capture = what
        self._cap_buf = []
        self._cap_depth = 0

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not any(t == tag for t, _, _ in self.stack):
            return
        while self.stack:
            t, skip, in_art = self.stack.pop()
            if self._capture:
                self._cap_depth -= 1
                if self._cap_depth <= 0:
                    self._end_capture()
            if self._buf is not None and t == self._buf_tag:
                text = _collapse("".join(self._buf))
                if text:
                    self.paragraphs.append((text, in_art, t))
                self._buf = None
            if t == tag:
                break

    def _end_capture(self) -> None:
        text = "".join(self._cap_buf)
        what = self._capture
        self._capture = None
        if what == "title":
            self.title = self.title or _collapse(text)
        elif what == "h1":
            if _collapse(text):
                self.h1.append(_collapse(text))
        elif what == "jsonld":
            try:
                self.jsonld.append(json.loads(text))
            except ValueError:
                pass
        elif what == "byline":
            if _collapse(text):
                self.bylines.append(_collapse(text))

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._cap_buf.append(data)
        if self.stack and self.stack[-1][0] in {"script", "style"}:
            return
        self.all_text.append(data)
        if self._buf is not None and not (self.skipping and self._buf_tag != "p"):
            if not self.skipping:
                self._buf.append(data)


def _jsonld_items(data: Any) -> Iterable[dict]:
    if isinstance(data, list):
        for d in data:
            yield from _jsonld_items(d)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _jsonld_items(data["@graph"])
        yield data


def _trafilatura_paragraphs(html: str) -> list[str] | None:
    try:
        import trafilatura  # noqa: PLC0415
    except ImportError:  # optional
        return None
    try:
        out = trafilatura.extract(
            html,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # noqa: BLE001 - trafilatura failing on odd markup is not fatal
        return None
    if not out:
        return None
    paras = [_collapse(p) for p in out.split("\n")]
    return [p for p in paras if p]


USE_TRAFILATURA = True  # tests switch it off to check the fallback


def _parse_html(raw: str, srcs: _Sources) -> tuple[str, dict[str, Any], list[str]]:
    """(title, metadata, paragraphs) of an HTML page."""
    c = _HTMLCollector()
    try:
        c.feed(raw)
        c.close()
    except Exception as exc:  # noqa: BLE001
        raise UnreadablePage(REASON_NOT_ARTICLE, f"unparsable HTML ({exc})") from exc
    meta: dict[str, Any] = {"lang": c.lang}
    ld_article: dict = {}
    for item in (i for d in c.jsonld for i in _jsonld_items(d)):
        t = item.get("@type")
        types = t if isinstance(t, list) else [t]
        if any(isinstance(x, str) and ("Article" in x or x in {"NewsArticle", "Report"}) for x in types):
            ld_article = item
            break

    def ld(key: str) -> Any:
        return ld_article.get(key) if ld_article else None

    m = c.meta
    # title: h1 in the page, else og:title / JSON-LD headline / <title>, suffix stripped later
    title_candidates = [*c.h1[:1], m.get("og:title", ""), str(ld("headline") or ""), c.title]
    title = next((t for t in title_candidates if t and t.strip()), "")
    meta["title_raw"] = [t for t in title_candidates if t]
    meta["page_title"] = c.title
    # date: explicit publication metadata only
    pub = None
    for key in ("article:published_time", "og:article:published_time", "datepublished",
                "publishdate", "pubdate", "dc.date.issued", "dc.date", "date", "sailthru.date",
                "parsely-pub-date"):
        if m.get(key):
            pub = parse_date(m[key])
            if pub:
                break
    if pub is None and ld("datePublished"):
        pub = parse_date(str(ld("datePublished")))
    if pub is None:
        for dt, ctx in c.times:
            if "updated" in ctx.lower() or "modified" in ctx.lower():
                continue
            pub = parse_date(dt)
            if pub:
                break
    meta["published_on"] = pub
    # publication
    publisher = ld("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    meta["publication_hint"] = [x for x in (m.get("og:site_name"), publisher,
                                            m.get("application-name"), m.get("twitter:site"))
                                if isinstance(x, str) and x.strip()]
    # byline
    author = m.get("author") or m.get("article:author") or m.get("dc.creator")
    if not author:
        a = ld("author")
        if isinstance(a, list):
            a = a[0] if a else None
        if isinstance(a, dict):
            a = a.get("name")
        author = a if isinstance(a, str) else None
    if not author and c.bylines:
        author = c.bylines[0]
    if author and author.startswith("http"):
        author = None
    meta["byline"] = author
    meta["section"] = m.get("article:section") or (ld("articleSection") if isinstance(
        ld("articleSection"), str) else None)
    meta["url"] = c.canonical or m.get("og:url") or (ld("url") if isinstance(ld("url"), str) else None)
    page_text = " ".join(c.all_text)
    mid = _MEDIA_ID_ANY_RE.search(page_text) or _MEDIA_ID_ANY_RE.search(
        " ".join(f"{k} {v}" for k, v in m.items()))
    meta["media_id"] = int(mid["id"]) if mid else None
    if meta["media_id"] is None:
        for key in ("media-id", "media_id", "mediaid", "article:id", "article-id"):
            if m.get(key, "").isdigit():
                meta["media_id"] = int(m[key])
    meta["all_text"] = page_text

    paras: list[str] | None = _trafilatura_paragraphs(raw) if USE_TRAFILATURA else None
    if not paras:
        in_article = [t for t, art, tag in c.paragraphs if art and tag in {"p", "blockquote"}]
        paras = in_article or [t for t, _, tag in c.paragraphs if tag in {"p", "blockquote"}]
    return title, meta, paras


# --------------------------------------------------------------------------------------
# Speaker phrases
# --------------------------------------------------------------------------------------


@dataclass
class ParsedSpeaker:
    """A speaker phrase taken apart. ``kind``: "name", "pronoun", "definite" (the analyst),
    "indefinite" (a spokesman), "org" or "none"."""

    kind: str
    name: str | None = None
    description: str | None = None
    head_noun: str | None = None
    surface: str = ""
    name_offset: int = -1  # offset of the name inside the phrase
    co_names: list[str] = field(default_factory=list)  # "X and Y said": X, said with Y


def _norm_particles(s: str) -> str:
    # "Al- Hashimi" -> "Al-Hashimi"; "al -Bab" -> "al-Bab"
    return re.sub(r"\b([Aa]l|[Ee]l|[Aa]d|[Aa]s|[Aa]sh|[Aa]z|[Ee]z|[Aa]bu)\s*-\s+(?=[^\W\d_])", r"\1-", s)


def _is_cap(tok: str) -> bool:
    t = tok.lstrip("(\"'“‘")
    return bool(t) and (t[0].isupper() or (t[0].isalpha() and not t[0].islower()
                                           and not t[0].isascii()))


def _is_name_token(tok: str) -> bool:
    t = tok.strip("(),;:\"“”‘")
    if not t:
        return False
    low = t.lower()
    if re.match(r"^(?:al|el|ad|as|ash|at|az|ez|bin|ibn|abu|abou|ben|bou|ul)-[^\W\d_]", t, re.I):
        return True
    if low in _LOWER_PARTICLES:
        return True  # checked for position by the caller
    if t.endswith(("’s", "'s", "’", "'")):
        return False
    if not _is_cap(t):
        return False
    core = re.sub(r"[^\w]", "", t)
    if len(core) >= 2 and core.isupper() and not re.match(r"^[A-Z]\.", t):
        return False  # acronym: ISIS, SDF, AFP
    return True


def _strip_determiners(tokens: list[str]) -> tuple[list[str], str | None]:
    det = None
    while tokens and tokens[0].lower() in DETERMINERS:
        det = det or tokens[0].lower()
        tokens = tokens[1:]
    return tokens, det


_APPOSITIVE_STARTS = {"who", "whom", "whose", "which", "a", "an", "the", "one", "himself", "herself",
                      "themselves", "former", "senior", "deputy", "chief", "co-chair", "co-founder",
                      "then", "now", "also", "both", "each", "another", "his", "her", "their",
                      "its", "acting", "retired", "veteran", "longtime", "prominent", "leading",
                      "local", "top", "assistant", "associate", "visiting", "independent", "lead",
                      "head", "director", "author", "founder"}


def _appositive_start(word: str) -> bool:
    w = word.lower().strip(",;:")
    return w in _APPOSITIVE_STARTS or w in ROLE_WORDS or w in DETERMINERS


def _is_appositive_chunk(chunk: str) -> bool:
    toks = chunk.split()
    if not toks:
        return False
    first = toks[0].lower()
    if first in {"who", "whom", "whose", "which", "himself", "herself", "themselves", "itself"}:
        return True
    if chunk.lower() in _DISCOURSE:
        return False
    if first in DETERMINERS or toks[0][0].islower():
        rest, _ = _strip_determiners(toks)
        return _find_name(rest) is None
    return False


def _name_run(tokens: list[str]) -> tuple[int, int] | None:
    """(i, j): the run of name-like tokens at the end of ``tokens``, or None."""
    j = len(tokens)
    i = j
    while i > 0:
        tok = tokens[i - 1]
        low = tok.strip(".,").lower()
        if _is_cap(tok) and (low in ROLE_WORDS or low in RANKS):
            break  # "Analyst", "Gen.", "Minister": the name starts after it
        if _is_name_token(tok) or (low in HONORIFICS and _is_cap(tok)) or re.match(r"^[A-Z]\.$", tok):
            i -= 1
            continue
        break
    # a lowercase particle cannot start a name ("al" alone before a name is fine: "al Hashimi")
    while i < j and tokens[i].lower() in _LOWER_PARTICLES and not re.match(r"^[A-Z]", tokens[i]):
        i += 1
    k = i
    while k < j and tokens[k].strip(".").lower() in HONORIFICS:
        k += 1
    if k >= j:
        return None
    return (i, j)


def _valid_run(tokens: list[str], run: tuple[int, int]) -> bool:
    i, j = run
    cand = tokens[i:j]
    before = tokens[i - 1].strip(",").lower() if i > 0 else ""
    if before in _PREPOSITIONS or before in {"the", "a", "an", "its", "their", "his", "her"}:
        return False  # "an expert on Syria", "Observatory for Human Rights", "the Pentagon"
    low = [t.strip(".,").lower() for t in cand]
    if any(t in ORG_WORDS for t in low) or fold_name(" ".join(cand)) in KNOWN_ORGS:
        return False
    core = [t for t in low if t not in HONORIFICS]
    return 0 < len(core) <= 6


def _find_name(tokens: list[str]) -> tuple[int, int] | None:
    """The person's name in a speaker head: the valid name run at the end, or one followed
    by "of/from/at/with ..." ("Tomas Lindqvist of the Nordic Institute")."""
    ends = [len(tokens)] + [k for k in range(1, len(tokens))
                            if tokens[k].lower() in {"of", "from", "at", "with"}]
    for end in ends:
        run = _name_run(tokens[:end])
        if run and _valid_run(tokens, run):
            return run
    return None


def parse_speaker(phrase: str) -> ParsedSpeaker:
    """Take a speaker phrase apart (the words before a speech verb, or after an inverted
    "said ...").

    >>> p = parse_speaker("Fabrice Balanche, a French expert on Syria,")
    >>> p.kind, p.name, p.description
    ('name', 'Fabrice Balanche', 'French expert on Syria')
    >>> p = parse_speaker("The Iraqi Analyst Hisham al-Hashimi, who monitors the group in Iraq,")
    >>> p.name, p.description
    ('Hisham al-Hashimi', 'Iraqi analyst who monitors the group in Iraq')
    """
    original = phrase
    phrase = _norm_particles(_collapse(phrase)).strip(" ,;:-–—")
    # drop parenthetical asides "(SDF)" and trailing adverbs
    phrase = re.sub(r"\s*\([^)]*\)", "", phrase)
    toks = phrase.split()
    while toks and toks[-1].strip(",").lower() in _ADVERBS:
        toks.pop()
    phrase = " ".join(toks).strip(" ,")
    if not phrase:
        return ParsedSpeaker("none", surface=original)
    # comma chunks
    chunks = [c.strip() for c in re.split(r",\s*", phrase) if c.strip()]
    chunks = [c for c in chunks if c.lower() not in _DISCOURSE]
    # a chunk opening with a lowercase word that cannot start an appositive is a verb phrase
    # ("..., welcomed the calm and"): the speaker phrase ends before it
    for k in range(1, len(chunks)):
        w = chunks[k].split()[0]
        if w[:1].islower() and not _appositive_start(w):
            chunks = chunks[:k]
            break
    if not chunks:
        return ParsedSpeaker("none", surface=original)
    appositives: list[str] = []
    while len(chunks) > 1 and _is_appositive_chunk(chunks[-1]):
        appositives.insert(0, chunks.pop())
    head = chunks[-1]
    pre = chunks[:-1]
    # "The spokesman for the SDF, Talal Silo, said": description before the name
    pre_desc = None
    if pre:
        ptoks = pre[-1].split()
        ptoks2, det = _strip_determiners(ptoks)
        if det and ptoks2 and any(t.lower() in ROLE_WORDS for t in ptoks2):
            pre_desc = " ".join(ptoks2)
    htoks = head.split()
    htoks, det = _strip_determiners(htoks)
    if not htoks:
        return ParsedSpeaker("none", surface=original)
    if len(htoks) == 1 and htoks[0].lower() in PRONOUNS_PERSON:
        return ParsedSpeaker("pronoun", name=htoks[0].lower(), surface=original)
    if htoks[0].lower() in PRONOUNS_OTHER:
        return ParsedSpeaker("none", surface=original)
    run = _find_name(htoks)
    co_names: list[str] = []
    lowered = [t.lower() for t in htoks]
    k = None
    if run is not None:
        k = run[0] - 1
        while k > 0 and lowered[k].strip(".") in HONORIFICS | RANKS.keys():
            k -= 1  # "X and Sheikh Y", "X and Gen. Y"
        k = k if k > 0 and lowered[k] in {"and", "&"} else None
    elif "and" in lowered or "&" in lowered:
        k = max(n for n, t in enumerate(lowered) if t in {"and", "&"})
    if k is not None:
        # "council members Ahmad Saleh and Mariam Hassoun": two people saying one thing
        left, right = htoks[:k], htoks[k + 1:]
        run_r, run_l = _name_run(right), _name_run(left)
        titles_only = run_r is not None and all(
            t.strip(".").lower() in HONORIFICS | RANKS.keys() for t in right[:run_r[0]])
        if titles_only and run_r[1] == len(right) and _valid_run(right, run_r) and run_l and _valid_run(left, run_l):
            co = [t.strip(",;:") for t in left[run_l[0]:run_l[1]] if t.strip(".").lower() not in HONORIFICS]
            if co:
                co_names = [" ".join(co)]
                htoks = left[:run_l[0]] + right[run_r[0]:]
                run = (run_l[0], len(htoks))
    name_toks: list[str] = []
    desc_toks: list[str] = htoks
    tail_toks: list[str] = []
    if run is not None:
        i, j = run
        cand = htoks[i:j]
        while cand and cand[0].strip(".").lower() in HONORIFICS:
            cand = cand[1:]
        name_toks = cand
        desc_toks = htoks[:i]
        tail_toks = htoks[j:]
    if co_names and desc_toks and desc_toks[-1].lower().endswith("s") and desc_toks[-1].lower()[:-1] in ROLE_WORDS:
        desc_toks = [*desc_toks[:-1], desc_toks[-1][:-1]]  # "council members X and Y": each a member
    if name_toks:
        desc = _clean_description(desc_toks)
        ranks = [RANKS.get(t.strip(".").lower(), t) for t in desc_toks
                 if t.strip(".").lower() in RANK_TITLES]
        if tail_toks:
            desc = " ".join(x for x in [desc, " ".join(tail_toks)] if x) or None
        full_desc = _join_description(pre_desc or desc, appositives)
        if not full_desc and ranks:
            full_desc = " ".join(ranks)
        name = " ".join(t.strip(",;:") for t in name_toks)
        offset = phrase.find(name_toks[0])
        return ParsedSpeaker("name", name=name, description=full_desc or None,
                             surface=original, name_offset=offset, co_names=co_names)
    # no name: a description only
    words = [t.strip(".,").lower() for t in htoks]
    head_noun = next((w for w in reversed(words) if w in ROLE_WORDS), None)
    is_org = all(_is_cap(t) for t in htoks) or fold_name(" ".join(htoks)) in KNOWN_ORGS or any(
        w in ORG_WORDS for w in words
    )
    if is_org and not (det and head_noun):
        return ParsedSpeaker("org", description=" ".join(htoks), surface=original)
    kind = "definite" if det in {"the", "this", "that"} else "indefinite"
    return ParsedSpeaker(kind, description=_join_description(_clean_description(htoks), appositives),
                         head_noun=head_noun, surface=original)


def _clean_description(tokens: list[str]) -> str | None:
    toks, _ = _strip_determiners(list(tokens))
    out = []
    for t in toks:
        low = t.strip(".,").lower()
        if (low in HONORIFICS or low in RANK_TITLES) and (_is_cap(t) or t.endswith(".")):
            continue  # a title ("Gen.", "Colonel"), not the noun in "retired general"
        if low in ROLE_WORDS and low not in RANKS and _is_cap(t):
            t = t.lower()
        out.append(t)
    s = " ".join(out).strip(" ,;:-–—")
    return s or None


def _join_description(desc: str | None, appositives: list[str]) -> str | None:
    parts = [desc] if desc else []
    for a in appositives:
        a = a.strip(" ,")
        toks = a.split()
        if toks and toks[0].lower() in {"who", "whom", "whose", "which"}:
            parts.append(a) if not parts else parts.__setitem__(-1, parts[-1] + " " + a)
            continue
        toks, _ = _strip_determiners(toks)
        if toks:
            parts.append(" ".join(toks))
    s = ", ".join(parts).strip()
    return s or None


# --------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph."""
    spans = []
    start = 0
    for m in re.finditer(r"[.!?…]+[”\"’)\]]*(?=\s+[“\"‘(\[]?[A-Z0-9\u0600-\u06FF])", text):
        end = m.end()
        word = re.search(r"(\S+)$", text[start:m.start() + 1])
        w = word.group(1).lower().rstrip(".") if word else ""
        w = w.lstrip("(“\"")
        if m.group().startswith(".") and (w in _ABBREVIATIONS or re.fullmatch(r"[a-z]", w)
                                          or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w)):
            continue
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


# --------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------


@dataclass
class _Segment:
    para: int
    start: int  # in paragraph text, inside the marks
    end: int
    mark_start: int  # position of the opening mark
    mark_end: int  # position after the closing mark (or paragraph end)
    closed: bool

    def text(self, p: Paragraph) -> str:
        return p.text[self.start:self.end]


@dataclass
class _Attribution:
    para: int
    start: int  # in paragraph text
    end: int
    speaker: ParsedSpeaker
    given_to: str | None
    verb: str
    added: tuple[int, int] | None = None  # ',” said X, adding that CLAUSE.': the clause


@dataclass
class _Cand:
    kind: str
    para: int
    start: int  # paragraph coordinates of the first part
    end: int  # coordinates in end_para
    end_para: int
    text: str
    attribution: _Attribution | None
    full_paragraph: bool = False
    intro: bool = False  # attributed by "X said:" at the end of the previous paragraph
    weak: bool = False  # kept only if it continues the previous quote


def _quote_segments(p: Paragraph, index: int) -> list[_Segment]:
    t = p.text
    segs: list[_Segment] = []
    open_at: int | None = None
    for i, c in enumerate(t):
        if c not in _QUOTE_ANY:
            continue
        if open_at is None:
            if c in _QUOTE_CLOSE:
                # a closing mark used as an opening one: only at a word start
                prev = t[i - 1] if i else " "
                nxt = t[i + 1] if i + 1 < len(t) else " "
                if not (prev.isspace() or prev in "([:—–-") or nxt.isspace():
                    continue
            open_at = i
        else:
            if c in _QUOTE_OPEN and c != '"':
                # a new opening mark inside a quote: close the dangling one there
                segs.append(_mk_seg(t, index, open_at, i, i, closed=False))
                open_at = i
                continue
            segs.append(_mk_seg(t, index, open_at, i, i + 1, closed=True))
            open_at = None
    if open_at is not None:
        segs.append(_mk_seg(t, index, open_at, len(t), len(t), closed=False))
    return [s for s in segs if s.end > s.start]


def _mk_seg(t: str, index: int, mark: int, close: int, mark_end: int, closed: bool) -> _Segment:
    a, b = mark + 1, close
    while a < b and t[a].isspace():
        a += 1
    while b > a and t[b - 1].isspace():
        b -= 1
    return _Segment(index, a, b, mark, mark_end, closed)


_GIVEN_TO_RES = [
    re.compile(r"\btold\s+(?P<x>(?:the\s+)?[\w][\w.&’'-]*(?:\s+(?:[A-Z][\w.&’'-]*|al-[A-Z][\w-]*|\d+\b(?=\s+that\b|[,.:;]|\s*$)))*)"),
    re.compile(r"\b(?:in\s+an?\s+(?:\w+\s+)?(?:interview|remarks|comments|statement)\s+(?:with|to)"
               r"|speaking\s+(?:to|with)|in\s+remarks\s+to|said\s+to|talking\s+to)\s+"
               r"(?P<x>(?:the\s+)?[\w][\w.&’'-]*(?:\s+(?:[A-Z][\w.&’'-]*|al-[A-Z][\w-]*|\d+\b(?=\s+that\b|[,.:;]|\s*$)))*)"),
]


def _given_to(tail: str, srcs: _Sources) -> str | None:
    for rx in _GIVEN_TO_RES:
        m = rx.search(tail)
        if m:
            x = m["x"]
            words = x.split()
            # longest prefix that names a known source
            for n in range(len(words), 0, -1):
                hit = srcs.any(" ".join(words[:n]))
                if hit:
                    return hit
    return None


_TIME_TAIL_RE = re.compile(
    r"(?:\s+(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|the\s+phone)"
    r"|(?:last|this|next)\s+(?:week|month|year|night|morning|evening)|earlier|later|yesterday"
    r"|today|tonight|recently|by\s+(?:tele)?phone|over\s+the\s+phone"
    r"|(?:in|during)\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?:statement|interview|video|post|tweet|speech"
    r"|press\s+conference|news\s+conference|televised\s+address|briefing|call)(?:\s+with\s+"
    r"(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)?))+\s*$",
)


def _strip_time_tail(sp: str) -> str:
    return _TIME_TAIL_RE.sub("", sp)


def _first_sentence_end(s: str) -> int | None:
    """Index of the first sentence-ending mark in ``s`` (abbreviations skipped), or of the
    first quotation mark, whichever comes first."""
    for m in re.finditer(r"[.!?;](?=\s|$)|[“\"]", s):
        if m.group() == ".":
            word = re.search(r"(\S+)$", s[:m.start() + 1])
            w = word.group(1).lower().rstrip(".").lstrip("(“\"") if word else ""
            if w in _ABBREVIATIONS or re.fullmatch(r"[a-z]", w) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
                continue
        return m.start()
    return None


def _attribution_after(p: Paragraph, index: int, seg_end: int, gap_end: int, quote_text: str,
                       srcs: _Sources) -> _Attribution | None:
    """'...,” Balanche added.' / ',” said X, a ...' / ',” according to X.'"""
    gap = p.text[seg_end:gap_end]
    # up to the end of the sentence
    m_end = _first_sentence_end(gap)
    limit = m_end if m_end is not None else len(gap)
    seg = gap[:limit]
    if len(seg.split()) > 25 or not seg.strip():
        return None
    ends_soft = quote_text.rstrip()[-1:] in ",?!—–-…" or seg.lstrip().startswith((",", "—", "–"))
    s = seg.lstrip(" ,—–-")
    off = seg_end + (len(seg) - len(s))
    # inverted: said X
    m = re.match(rf"(?P<verb>{_VERB_ALT})\s+(?P<sp>.+)$", s)
    if m and m["verb"].lower() not in _OPINION_VERBS:
        added = None
        sp = m["sp"]
        am = re.search(r",\s+adding(?:\s+that)?\s+(?P<clause>\S.*?)[.!]?\s*$", sp)
        if am and len(am["clause"].split()) >= 4:
            added = (off + m.start("sp") + am.start("clause"), off + m.start("sp") + am.end("clause"))
            sp = sp[:am.start()]
        parsed = parse_speaker(_strip_time_tail(sp))
        if parsed.kind != "none":
            return _Attribution(index, off, seg_end + limit, parsed, _given_to(s, srcs), m["verb"], added)
    m = re.match(r"according\s+to\s+(?P<sp>.+)$", s, re.I)
    if m:
        parsed = parse_speaker(m["sp"])
        if parsed.kind != "none":
            return _Attribution(index, off, seg_end + limit, parsed, None, "according to")
    for vm in _VERB_RE.finditer(s):
        if vm["verb"].lower() in _OPINION_VERBS:
            continue
        sp = s[:vm.start()]
        if not sp.strip():
            continue
        rest = s[vm.end():]
        # after-attribution must end the sentence (only modifiers after the verb)
        if not ends_soft and len(rest.split()) > 8:
            return None
        parsed = parse_speaker(sp)
        if parsed.kind == "none":
            continue
        if not ends_soft and parsed.kind not in {"name", "pronoun"}:
            return None
        return _Attribution(index, off, seg_end + limit, parsed, _given_to(vm.group() + rest, srcs),
                            vm["verb"])
    return None


def _attribution_before(p: Paragraph, index: int, gap_start: int, mark: int,
                        srcs: _Sources) -> _Attribution | None:
    """'X said: “...' / 'X told AFP “...' / 'X said that “...'"""
    gap = p.text[gap_start:mark]
    # from the last sentence boundary
    cut = 0
    for m in re.finditer(r"[.!?](?=\s+[A-Z“\"])", gap):
        word = re.search(r"(\S+)$", gap[:m.start() + 1])
        w = word.group(1).lower().rstrip(".") if word else ""
        if w in _ABBREVIATIONS or re.fullmatch(r"[a-z]", w):
            continue
        cut = m.end()
    ctx = gap[cut:]
    if not ctx.strip() or len(ctx.split()) > 60:
        return None
    for vm in _VERB_RE.finditer(ctx):
        if vm["verb"].lower() in _OPINION_VERBS:
            continue
        sp = ctx[:vm.start()]
        tail = ctx[vm.end():]
        if len(tail.split()) > 12 or re.search(r"[.!?;]\s", tail):
            continue
        parsed = parse_speaker(sp)
        if parsed.kind == "none":
            continue
        start = gap_start + cut + (len(sp) - len(sp.lstrip()))
        return _Attribution(index, start, mark, parsed, _given_to(vm.group() + tail, srcs),
                            vm["verb"])
    return None


def _intro_at_paragraph_end(p: Paragraph, index: int, srcs: _Sources) -> _Attribution | None:
    """A paragraph ending 'X said:' introduces a quote in the next paragraph."""
    t = p.text.rstrip()
    if not t.endswith(":"):
        return None
    spans = _sentences(t)
    a, _ = spans[-1] if spans else (0, len(t))
    att = _attribution_before(p, index, a, len(t), srcs)
    return att


def _direct_candidates(paras: list[Paragraph], srcs: _Sources) -> list[_Cand]:
    segs_by_para = [_quote_segments(p, i) for i, p in enumerate(paras)]
    cands: list[_Cand] = []
    used_continuation: set[tuple[int, int]] = set()
    for i, segs in enumerate(segs_by_para):
        p = paras[i]
        for k, seg in enumerate(segs):
            if (i, k) in used_continuation:
                continue
            # follow a quote left open into the next paragraphs
            parts = [(i, seg)]
            cur_i, cur = i, seg
            while not cur.closed and cur.end >= len(paras[cur_i].text.rstrip()) - 1 \
                    and cur_i + 1 < len(paras):
                nxt_segs = segs_by_para[cur_i + 1]
                nt = paras[cur_i + 1].text
                if not nxt_segs or nxt_segs[0].mark_start != 0 or nt[:1] not in _QUOTE_OPEN + '"':
                    break
                cur_i, cur = cur_i + 1, nxt_segs[0]
                used_continuation.add((cur_i, 0))
                parts.append((cur_i, cur))
            text = " ".join(_strip_quotes(paras[pi].text[s.start:s.end]) for pi, s in parts)
            last_i, last = parts[-1]
            lp = paras[last_i]
            # the text after the last part, up to the next segment in its paragraph
            nsegs = segs_by_para[last_i]
            li = nsegs.index(last)
            gap_end = nsegs[li + 1].mark_start if li + 1 < len(nsegs) else len(lp.text)
            quote_text = paras[last_i].text[last.start:last.end]
            att = _attribution_after(lp, last_i, last.mark_end, gap_end, quote_text, srcs)
            # before
            prev_end = segs[k - 1].mark_end if k > 0 else 0
            if att is None:
                att = _attribution_before(p, i, prev_end, seg.mark_start, srcs)
            full = seg.mark_start == 0 and (att is None or att.para != i or att.start >= seg.end)
            intro = False
            if att is None and seg.mark_start == 0 and i > 0:
                att = _intro_at_paragraph_end(paras[i - 1], i - 1, srcs)
                intro = att is not None
            left_ctx = p.text[prev_end:seg.mark_start]
            sentence_initial = not left_ctx.strip() or bool(
                re.search(r"[.!?:;][”\"’)]*\s*$", left_ctx)) or left_ctx.rstrip().endswith(":")
            nwords = len(text.split())
            weak = False
            if att is None:
                # unattributed: only full sentences count as quotes
                if nwords < 5 or not (re.search(r"[.!?,…]$", text) or not last.closed):
                    weak = True
                if not sentence_initial:
                    weak = True
            elif nwords < 4 and not sentence_initial and not re.search(
                rf"\b(?:{_VERB_ALT})\b(?:\s+(?:that|to\s+\w+|(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*))?"
                r"\s*[:,]?\s*$", left_ctx
            ) and not (att.start > seg.start and re.search(r"[,?!]$", quote_text)):
                continue  # a scare quote inside a sentence
            cands.append(_Cand("direct", i, seg.start, last.end, last_i, text, att,
                               full_paragraph=full, intro=intro, weak=weak))
    # merge a quote interrupted by its attribution: “A,” he said. “B.”
    merged: list[_Cand] = []
    for c in cands:
        prev = merged[-1] if merged else None
        if prev and prev.end_para == c.para and prev.attribution is not None:
            gap = paras[c.para].text[prev.end:c.start]
            pa = prev.attribution
            same_att = c.attribution is not None and (c.attribution.para, c.attribution.start) == (
                pa.para, pa.start)
            gap_is_att = c.attribution is None and pa.para == c.para and pa.start >= prev.end and \
                _count_sentence_ends(gap) <= 1 and len(gap.split()) <= 25
            if same_att or gap_is_att:
                first = prev.text.rstrip()
                if first.endswith(",") and c.text[:1].isupper():
                    first = first[:-1] + "."
                prev.text = first + " " + c.text
                prev.end, prev.end_para = c.end, c.end_para
                continue
        merged.append(c)
    return [c for c in merged if not c.weak]


_REPORTED_VERBS = [v for v in SPEECH_VERBS if v not in {"asked", "asks", "replied", "answered",
                                                         "tweeted", "announced", "described",
                                                         "describes"}]
_REPORTED_ALT = "|".join(sorted({re.escape(v).replace(r"\ ", r"\s+") for v in _REPORTED_VERBS},
                                key=len, reverse=True))
_REPORTED_RE = re.compile(rf"\b(?P<verb>{_REPORTED_ALT})\b")


def _reported_candidates(paras: list[Paragraph], taken: dict[int, list[tuple[int, int]]],
                         srcs: _Sources) -> list[_Cand]:
    out: list[_Cand] = []
    for i, p in enumerate(paras):
        t = p.text
        for a, b in _sentences(t):
            if any(not (b <= x or a >= y) for x, y in taken.get(i, [])):
                continue
            s = t[a:b]
            if sum(s.count(q) for q in _QUOTE_ANY) >= 2 and re.search(
                r"[“\"][^”\"]{25,}[”\"]", s
            ):
                continue
            cand = _reported_in_sentence(p, i, a, s, srcs) or _subject_mention(i, a, s)
            if cand:
                out.append(cand)
    return out


def _subject_mention(i: int, a: int, s: str) -> _Cand | None:
    """A named person speaking without a quote ("Spokesman X announced the decision"): not a
    quote, but the person a following "he said" refers to."""
    vm = _VERB_RE.search(s)
    if not vm:
        return None
    sp = s[:vm.start()]
    if not sp.strip() or len(sp.split()) > 30:
        return None
    parsed = parse_speaker(sp)
    if parsed.kind != "name":
        return None
    return _Cand("mention", i, a, a + len(s), i, "",
                 _Attribution(i, a, a + vm.end(), parsed, None, vm["verb"]))


def _is_speaker(parsed: ParsedSpeaker) -> bool:
    """A phrase that can name a person: a name, he/she, or "the analyst" (a role noun)."""
    return parsed.kind in {"name", "pronoun"} or (
        parsed.kind == "definite" and parsed.head_noun is not None
        and len((parsed.description or "").split()) <= 6
    )


def _count_sentence_ends(s: str) -> int:
    n = 0
    rest = s
    while True:
        k = _first_sentence_end(rest)
        if k is None:
            return n
        if rest[k] in "“\"":
            rest = rest[k + 1:]
            continue
        n += 1
        rest = rest[k + 1:]


def _reported_in_sentence(p: Paragraph, i: int, a: int, s: str, srcs: _Sources) -> _Cand | None:
    body = s.rstrip()
    # "CLAUSE, X said." / "CLAUSE, said X."
    m = re.match(rf"^(?P<clause>.+?),\s+(?P<att>(?:(?!,).){{1,80}}?\b(?:{_REPORTED_ALT})\b[^,]*?|"
                 rf"(?:said|added|says)\s+[^,]+(?:,[^,]+,?)?|according\s+to\s+.+?)[.!]?$", body)
    if m and len(m["clause"].split()) >= 4:
        att_text = m["att"]
        vm = re.match(r"(?P<verb>said|added|says)\s+(?P<sp>.+)$", att_text)
        am = re.match(r"according\s+to\s+(?P<sp>.+)$", att_text)
        if vm:
            sp_text = _strip_time_tail(vm["sp"])
            parsed, verb, rest = parse_speaker(sp_text), vm["verb"], ""
        elif am:
            parsed, verb, rest = parse_speaker(am["sp"]), "according to", ""
        else:
            rm = None
            for rm in _REPORTED_RE.finditer(att_text):
                break
            if rm is None:
                return None
            parsed, verb, rest = parse_speaker(att_text[:rm.start()]), rm["verb"], att_text[rm.start():]
            if len(rest.split()) > 8:
                parsed = ParsedSpeaker("none")
        if _is_speaker(parsed):
            clause = m["clause"].strip()
            st = a + s.find(clause)
            att_start = a + m.start("att")
            return _Cand("reported", i, st, st + len(clause), i, clause,
                         _Attribution(i, att_start, a + len(body), parsed, _given_to(rest, srcs), verb))
    # "according to X, CLAUSE"
    m = re.match(r"^according\s+to\s+(?P<sp>[^,]+),\s*(?P<clause>.+)$", body, re.I)
    if m:
        parsed = parse_speaker(m["sp"])
        if _is_speaker(parsed) and len(m["clause"].split()) >= 4:
            clause = m["clause"].strip()
            st = a + m.start("clause")
            return _Cand("reported", i, st, st + len(clause), i, clause,
                         _Attribution(i, a, a + m.end("sp"), parsed, None, "according to"))
    # "X said/told AFP/pointed out (that) CLAUSE"
    for vm in _REPORTED_RE.finditer(body):
        sp = body[:vm.start()]
        if not sp.strip() or len(sp.split()) > 30:
            continue
        parsed = parse_speaker(sp)
        if not _is_speaker(parsed):
            continue
        rest = body[vm.end():]
        # modifiers between the verb and the clause
        addressee = (
            r"(?:the\s+)?[A-Z][\w.&’'-]*(?:\s+(?:[A-Z][\w.&’'-]*|al-[A-Z][\w-]*|\d+\b(?=\s+that\b|[,.:;]|\s*$)))*|reporters|journalists"
            r"|(?:a|the)\s+(?:press\s+conference|news\s+conference|newspaper|channel|agency)|"
            if vm["verb"].lower() in {"told", "tells"} else ""
        )
        mod = re.match(
            rf"""^(?P<mod>(?:\s+(?:{addressee}(?:in|during)\s+(?:a|an|the)\s+[\w\s-]{{1,40}}?(?:with|to)\s+
                (?:the\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*)*
                |(?:in|during)\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?:statement|interview|speech|post|
                   press\s+conference|televised\s+address|report|study|briefing)
                |on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)
                |last\s+(?:week|month|year|night)|this\s+(?:week|month|year)
                |earlier|later|previously|also|recently)\b,?)*)
            \s*(?:,\s*)?(?P<that>that\b|:)?\s*(?P<clause>.+)$""",
            rest,
            re.X,
        )
        if not mod:
            continue
        clause = mod["clause"].strip()
        verb = vm["verb"].lower()
        if not mod["that"] and verb not in {"said", "says", "told", "added", "believes", "thinks",
                                            "warned", "estimated", "estimates", "argued"}:
            continue
        if len(clause.split()) < 4:
            continue
        clause = clause.rstrip()
        st = a + vm.end() + mod.start("clause")
        gt = _given_to(body[vm.start():vm.end()] + (mod["mod"] or ""), srcs)
        return _Cand("reported", i, st, st + len(clause), i, clause,
                     _Attribution(i, a, a + vm.end(), parsed, gt, vm["verb"]))
    return None


# --------------------------------------------------------------------------------------
# Speaker resolution
# --------------------------------------------------------------------------------------


_CORE_DROP = _PARTICLES - {"abu", "abou", "bou", "bin", "ibn", "bint"}


def _core_tokens(name: str) -> list[str]:
    toks = fold_name(name).split()
    return [t for t in toks if t not in _CORE_DROP]


class _People:
    def __init__(self, article_text: str, places: NameIndex | None) -> None:
        self.people: list[Speaker] = []
        self.last: Speaker | None = None
        self.text = article_text
        self.places = places

    def _match(self, name: str) -> Speaker | None:
        core = _core_tokens(name)
        if not core:
            return None
        for person in self.people:
            pc = _core_tokens(person.name)
            if pc == core:
                return person
        for person in self.people:
            pc = _core_tokens(person.name)
            if len(core) < len(pc) and pc[-len(core):] == core:
                return person
        for person in self.people:
            pc = _core_tokens(person.name)
            if len(pc) < len(core) and core[-len(pc):] == pc:
                person.aliases.append(person.name)
                person.name = name  # a fuller name than the first reference
                return person
        return None

    def _expand(self, surname: str) -> str | None:
        """A fuller name in the article that ends with ``surname``."""
        sur = re.escape(surname).replace(r"\-", r"[-\s]*")
        rx = re.compile(
            rf"\b((?:[A-Z][\w’'-]+\s+){{1,3}}(?:(?:al|el|bin|ibn|abu|de|van|von)[-\s]+)?){sur}\b")
        for m in rx.finditer(self.text):
            toks = m.group(0).split()
            while toks and (toks[0].lower().strip(".") in HONORIFICS or toks[0].lower().strip(".")
                            in RANKS or toks[0].lower() in DETERMINERS
                            or toks[0].lower() in ROLE_WORDS):
                toks = toks[1:]
            if len(toks) >= 2 and all(_is_name_token(t) for t in toks):
                cand = " ".join(toks)
                if fold_name(cand) in KNOWN_ORGS:
                    continue
                if self.places is not None and self.places.lookup(cand):
                    continue
                return _norm_particles(cand)
        return None

    def _single_name_ok(self, name: str, parsed: ParsedSpeaker) -> bool:
        """A lone first name is a person when the text describes them as one."""
        if fold_name(name) in KNOWN_ORGS or (self.places is not None and self.places.lookup(name)):
            return False
        desc = (parsed.description or "").lower()
        return any(w in ROLE_WORDS for w in re.findall(r"[\w-]+", desc)) and not name.isupper()

    def resolve(self, parsed: ParsedSpeaker) -> Speaker | None:
        if parsed.kind == "pronoun":
            return self.last
        if parsed.kind == "definite":
            if parsed.head_noun:
                for person in reversed(self.people):
                    if person.description and re.search(rf"\b{re.escape(parsed.head_noun)}\b",
                                                        person.description.lower()):
                        self.last = person
                        return person
            return None
        if parsed.kind != "name" or not parsed.name:
            return None
        name = _norm_particles(parsed.name)
        person = self._match(name)
        if person is None:
            core = _core_tokens(name)
            if len(core) < 2:
                full = self._expand(name)
                if full is None and self._single_name_ok(name, parsed):
                    full = name  # "said Amal, a mother of three"
                if full is None:
                    return None
                person = self._match(full)
                if person is None:
                    person = Speaker(full)
                    self.people.append(person)
            else:
                if self.places is not None and self.places.lookup(name):
                    return None
                person = Speaker(name)
                self.people.append(person)
        if parsed.surface and _collapse(parsed.name) not in person.aliases and _collapse(
            parsed.name
        ) != person.name:
            person.aliases.append(_collapse(parsed.name))
        if parsed.description and not person.description:
            person.description = parsed.description
        self.last = person
        return person


# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------

# folded names never taken as place mentions on their own: common words that some places
# answer to ("North" governorate of Lebanon, "Of" in Turkey, "Capital" governorates)
PLACE_STOPWORDS = {"of", "north", "south", "east", "west", "central", "capital", "eastern",
                   "western", "northern", "southern", "valley", "the valley", "center", "centre",
                   "city", "state", "gulf", "mari", "kish", "union", "victory", "hope"}

_COUNTRY_KINDS = {"country", "world region", "region", "continent", "state"}
_CITY_KINDS = {"city", "town", "village", "settlement", "district capital", "capital"}
_SUBDIVISION_KINDS = {"governorate", "province", "governorate/province", "first-level subdivision",
                      "subdivision", "region (subdivision)"}
_ORG_NAME_RE = re.compile(
    r"\b(?:Islamic\s+State\s+(?:of|in)\s+Iraq\s+and\s+(?:the\s+)?(?:Levant|Syria|al-Sham|Sham)"
    r"|(?:Al[- ])?Qaeda\s+in\s+(?:Iraq|the\s+Arabian\s+Peninsula|the\s+Islamic\s+Maghreb|Syria)"
    r"|Jabhat\s+(?:Fateh|Fatah)\s+al-Sham|Hayat\s+Tahrir\s+al-Sham|Ahrar\s+al-Sham"
    r"|Jaish\s+al-\w+|Free\s+Syrian\s+Army|Syrian\s+Democratic\s+Forces|Syrian\s+Observatory(?:\s+for"
    r"\s+Human\s+Rights)?|Middle\s+East\s+Eye|Kurdistan\s*24|Kurdistan\s+Regional\s+Government"
    r"|Kurdistan\s+Workers['’]?\s+Party|Syria\s+Direct|Arab\s+News|Gulf\s+News|Iraqi\s+News"
    r"|Jerusalem\s+Post|Washington\s+Post|New\s+York\s+Times|Lebanese\s+Forces"
    r"|Army\s+of\s+\w+|Hezbollah|Asharq\s+Al-Awsat|Levant\s+Herald)\b",
    re.I,
)


_GOVERNMENT_AFTER_RE = re.compile(
    r"^(?:\s*(?:,|and)\s+[A-Z][\w’'-]+)*\s+"
    r"(?:(?:has|have|had|also|again|repeatedly|long|previously|officially|publicly|swiftly|quickly"
    r"|later|earlier|immediately|strongly|firmly|flatly|not|never|always|would|will)\s+)*"
    r"(?:said|says|denied|denies|accused|accuses|blamed|blames|welcomed|welcomes|rejected|rejects"
    r"|condemned|condemns|warned|warns|insisted|insists|announced|announces|responded|responds"
    r"|retaliated|urged|urges|demanded|demands|(?:called|calls)\s+(?:on|for)|claimed|claims|vowed|vows"
    r"|threatened|threatens|refused|refuses|pledged|pledges|dismissed|dismisses|denounced|denounces"
    r"|protested|summoned|recalled\s+its|confirmed|acknowledged|stated|insisted|maintains|promised"
    r"|promises|hopes|fears|wants|agreed|agrees)\b"
)
_GOVERNMENT_BEFORE_RE = re.compile(
    r"\b(?:accused|accuses|accusing|blamed|blames|blaming|urged|urges|urging|pressed|presses|pressing"
    r"|pressured|pressuring|criticized|criticised|criticizing|criticising|condemned|condemning"
    r"|sanctioned|warned|warning)\s+$"
)
_ADJUNCT_RE = re.compile(
    r"^\s+(?:analysts?|researchers?|experts?|specialists?|watchers?|scholars?|envoys?|correspondents?"
    r"|editors?|hands)\b"
)


def _all_kinds(cands: list) -> list[str | None]:
    return [_obj_kind(c) for c in cands]


def _places(article_title: Paragraph | None, paras: list[Paragraph], places: NameIndex,
            exclude: list[tuple[int, int]], text: str) -> list[Mention]:
    out: list[Mention] = []
    units = ([(None, article_title)] if article_title else []) + list(enumerate(paras))
    for pidx, p in units:
        t = p.text
        blocked = [(m.start(), m.end()) for m in _ORG_NAME_RE.finditer(t)]
        for m in places.scan(t, min_length=3, stopwords=PLACE_STOPWORDS):
            a, b = m.start, m.end
            surface = t[a:b]
            first = surface[0]
            if first.isalpha() and first.isascii() and not first.isupper() and not re.match(
                r"^(?:al|el|ad|ar|as|ash|at|az|ad|an)[-\s]+[A-Z]", surface
            ):
                continue  # "aleppo" in lowercase prose is not a careful place mention
            if any(not (b <= x or a >= y) for x, y in blocked):
                continue
            # inside an organisation's name: "University of Baghdad", "Berlin Centre for ..."
            if re.search(r"\b(?:University|Institute|Centre|Center|Council|Committee|Ministry|Bank"
                         r"|Museum|School|College|Academy|Foundation|Studies|Office|Embassy|Consulate"
                         r"|Chamber|Association|Union|League|Observatory|Agency|Airways|Airlines"
                         r"|Times|Post|News|Herald|Monitor|Daily|Radio|TV)\s+(?:of|for|on|in)\s+"
                         r"(?:the\s+)?$", t[max(0, a - 40):a]):
                continue
            if re.match(r"^\s+(?:University|Institute|Centre|Center|Council|Studies|Museum|School"
                        r"|College|Academy|Foundation|Airways|Airlines|Times|Post|News|Herald"
                        r"|Monitor|Daily|Radio|TV|Workers|Bank|Chamber|Club|FC|Stadium)\b", t[b:b + 20]):
                continue
            if re.match(r"^\s+(?:[A-Z][a-z]+\s+){1,2}(?:University|Institute|Centre|Center|Council|Studies"
                        r"|Foundation|Forum|Programme|Program|Initiative)\b", t[b:b + 50]):
                continue  # "Middle East Research Institute", "Syria Policy Forum"
            oa, ob = p.span(a, b)
            if any(not (ob <= x or oa >= y) for x, y in exclude):
                continue
            if re.match(r"^\.?-(?:based|backed|born|supported|sponsored|allied|aligned|funded|trained|armed"
                        r"|affiliated|linked|friendly|bound|led|run|held|controlled|ruled|brokered"
                        r"|dominated|owned|made|registered)\b", t[b:b + 14], re.I):
                continue  # "a London-based think tank", "Tehran-backed militias"
            cands = list(m.candidates)
            kinds = _all_kinds(cands)
            if any(k in _CITY_KINDS for k in kinds) and not any(k in _COUNTRY_KINDS for k in kinds) and (
                _GOVERNMENT_AFTER_RE.match(t[b:b + 80]) or _GOVERNMENT_BEFORE_RE.search(t[max(0, a - 30):a])
            ) and not re.search(r"\b(?:in|from|near|at|around|outside|inside|of)\s+$", t[max(0, a - 10):a], re.I):
                continue  # "Damascus said", "Riyadh has accused Tehran of ...": governments, not places
            if kinds and all(k in _COUNTRY_KINDS for k in kinds) and _ADJUNCT_RE.match(t[b:b + 20]):
                continue  # "Syria analyst", "an Iraq researcher"
            if m.key == "saudi":
                continue  # "Saudi air defenses", "Saudi-led": news English says "Saudi Arabia" for the country
            if re.match(r"^\s+(?:Strip|Heights)\b", t[b:b + 10]):
                continue  # "the Gaza Strip", "the Golan Heights": not the city the index knows
            after = t[b:b + 3]
            # possessive country = an actor ("Russia’s air power")
            if re.match(r"^[’']s?\b|^[’'](?!\w)", after) and kinds and all(
                k in _COUNTRY_KINDS for k in kinds
            ):
                continue
            # context: "the Governorate of X", "X province", "the city of X", "X city"
            before = t[max(0, a - 40):a]
            mb = re.search(r"\b(governorate|province)\s+of\s+(?:the\s+)?$", before, re.I)
            ma = re.match(r"^\s+(governorate|province)\b", t[b:b + 20], re.I)
            if mb or ma:
                word = (mb or ma).group(1)
                found = []
                for suffix in (word, "governorate", "province"):
                    found = places.lookup(f"{m.key} {suffix}")
                    if found:
                        break
                if not found:
                    sub = [c for c, k in zip(cands, kinds) if k in _SUBDIVISION_KINDS]
                    found = sub
                if found:
                    cands = list(found)
                    if mb:
                        a = a - (len(before) - mb.start())
                    else:
                        b = b + ma.end()
                    oa, ob = p.span(a, b)
            else:
                city_ctx = re.search(r"\b(?:city|town|village)\s+of\s+(?:the\s+)?$", before, re.I) \
                    or re.match(r"^\s+city\b", t[b:b + 10], re.I)
                if city_ctx:
                    cities = [c for c, k in zip(cands, kinds) if k in _CITY_KINDS]
                    if cities:
                        cands = cities
            key = m.key
            mention = Mention(oa, ob, text[oa:ob], cands, key,
                              {"paragraph": pidx, "in_title": pidx is None})
            out.append(mention)
    out.sort(key=lambda m: (m.start, m.end))
    # the title and a paragraph never overlap, but keep it tidy
    return out


# --------------------------------------------------------------------------------------
# Title helpers
# --------------------------------------------------------------------------------------


def _split_title(line: str, srcs: _Sources) -> tuple[str, str | None, str | None]:
    """'ISIS Shifts to Defense | ASHARQ AL-AWSAT English Archive 2005 -2017' ->
    ('ISIS Shifts to Defense', 'Asharq Al-Awsat', None).

    Returns (title, publication, site): ``site`` is an unknown site name taken from a
    " | Site Name" suffix, used only when nothing better names the publication."""
    publication = None
    site = None
    segs = [x for x in re.split(r"\s+[|•·]\s+|\s+::\s+", line) if x.strip()]
    keep = []
    for seg in segs:
        pub = srcs.find_in(seg) if len(seg.split()) <= 8 else None
        if pub and (srcs.any(seg) or re.search(r"archive|english|online|news|\d{4}|\.com", seg, re.I)
                    or len(segs) > 1):
            publication = publication or pub
            continue
        keep.append(seg)
    if not keep:
        keep = [line]
    title = max(keep, key=lambda x: len(x.split())) if len(keep) > 1 else keep[0]
    if len(keep) > 1:
        others = [k for k in keep if k is not title]
        cand = others[-1].strip()
        words = cand.split()
        if 1 <= len(words) <= 5 and all(_is_cap(w) or w.lower() in {"the", "of", "and", "&"} for w in words):
            site = cand
    # " - Reuters", " – Al-Monitor"
    m = re.match(r"^(?P<t>.+)\s+[-–—]\s+(?P<s>.{2,60}?)$", title)
    if m and srcs.any(m["s"]):
        publication = publication or srcs.any(m["s"])
        title = m["t"]
    return title.strip(), publication, site


# --------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------

_EN = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "was", "by", "as",
       "said", "it", "its", "from", "has", "have", "are", "were", "an"}
_FR = {"le", "la", "les", "des", "du", "et", "est", "une", "un", "dans", "que", "pour", "sur",
       "au", "aux", "pas", "qui"}


def _language(text: str) -> str | None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f")
    if arabic > len(letters) * 0.5:
        return "ar"
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    if not words:
        return None
    en = sum(w in _EN for w in words) / len(words)
    fr = sum(w in _FR for w in words) / len(words)
    if en >= 0.08 and en >= fr:
        return "en"
    if fr >= 0.08:
        return "fr"
    return None


# --------------------------------------------------------------------------------------
# Datelines and credits
# --------------------------------------------------------------------------------------

_DATELINE_AGENCY_RE = re.compile(
    r"^(?P<place>(?:[A-Z][\w’'.-]*(?:[ ,]+[A-Z][\w’'.-]*){0,3})?)\s*,?\s*"
    rf"(?P<date>(?:{_MONTH_RE})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+(?:{_MONTH_RE})(?:\s+\d{{4}})?)?"
    r"\s*\((?P<agency>[A-Za-z][\w .&-]{0,40})\)\s*[-–—:]+\s*"
)
_DATELINE_DASH_RE = re.compile(
    r"^(?P<place>[A-Z][\w’'.]*(?:[ -][A-Z][\w’'.]*){0,3})\s*[-–—:]+\s*(?P<src>[A-Z][\w.&’' -]{1,40}?)"
    r"\s*(?:[-–—:]+\s+|$)"
)


_DATELINE_CAPS_RE = re.compile(
    # "SANAA - ", "ARSAL, Lebanon – ", "FALLUJAH: ", "Beirut- " (Asharq Al-Awsat's style)
    r"^(?:(?P<place>[A-Z][A-Z’'.]{2,}(?:[ -][A-Z][A-Z’'.]+){0,2}(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?)"
    r"(?:\s+[-–—]+\s+|:\s+)"
    r"|(?P<place2>[A-Z][a-z’']+(?:\s[A-Z][a-z’']+){0,2})\s?[-–—]\s+(?=[A-Z]))"
)


def _dateline(p: Paragraph, srcs: _Sources) -> tuple[int, int, str | None, date | None, str] | None:
    """(start, end, agency, date, place) of a dateline at the start of a paragraph."""
    m = _DATELINE_AGENCY_RE.match(p.text)
    if m and srcs.any(m["agency"]):
        d = parse_date(m["date"]) if m["date"] else None
        return 0, m.end(), srcs.agency(m["agency"]) or srcs.any(m["agency"]), d, m["place"]
    m = _DATELINE_DASH_RE.match(p.text)
    if m and srcs.any(m["src"]):
        return 0, m.end(), srcs.agency(m["src"]), None, m["place"]
    m = _DATELINE_CAPS_RE.match(p.text)
    if m:
        return 0, m.end(), None, None, m["place"] or m["place2"]
    return None


# --------------------------------------------------------------------------------------
# The extractor
# --------------------------------------------------------------------------------------


@dataclass
class _Header:
    title: str | None = None
    title_span: tuple[int, int] = (0, 0)
    media_id: int | None = None
    publication: str | None = None
    byline: str | None = None
    section: str | None = None
    published_on: date | None = None
    updated_on: date | None = None
    original_url: str | None = None
    credits: list[str] = field(default_factory=list)
    origins: dict[str, tuple[int, int]] = field(default_factory=dict)


_ORIGIN_FIELDS = ("media_id", "published_on", "updated_on", "byline", "section", "original_url",
                  "publication")


def _meta_line(line: str, h: _Header, srcs: _Sources, header_zone: bool,
               span: tuple[int, int] | None = None) -> bool:
    """Parse a metadata line into ``h``; True when the line was metadata. Fields it sets for
    the first time, and credits it adds, remember ``span`` (the line's place in the text)."""
    before = {f: getattr(h, f) for f in _ORIGIN_FIELDS}
    n_credits = len(h.credits)
    found = _meta_line_inner(line, h, srcs, header_zone)
    if span is not None:
        for f in _ORIGIN_FIELDS:
            if before[f] is None and getattr(h, f) is not None:
                h.origins.setdefault(f, span)
        for c in h.credits[n_credits:]:
            h.origins.setdefault(f"source:{c}", span)
    return found


def _meta_line_inner(line: str, h: _Header, srcs: _Sources, header_zone: bool) -> bool:
    s = line.strip()
    m = _MEDIA_ID_RE.match(s)
    if m:
        h.media_id = h.media_id or int(m["id"])
        return True
    m = _DATE_LABEL_RE.match(s)
    if m and len(s) <= 80:
        d = parse_date(m["rest"])
        if d or not m["rest"].strip():
            if m["label"].lower().startswith(("updated", "last", "modified")):
                h.updated_on = h.updated_on or d
            else:
                h.published_on = h.published_on or d
            return True
    if header_zone:
        d = _is_bare_date_line(s)
        if d:
            h.published_on = h.published_on or d
            return True
    m = _URL_LINE_RE.match(s)
    if m:
        h.original_url = h.original_url or (m["url"] or m["bare"]).rstrip(".,;)>")
        return True
    m = _SECTION_RE.match(s)
    if m and len(s) <= 80:
        h.section = h.section or m["s"].strip()
        return True
    m = _PUBLICATION_LINE_RE.match(s)
    if m and len(s) <= 80:
        h.publication = h.publication or srcs.any(m["p"]) or m["p"].strip()
        return True
    m = _BYLINE_RE.match(s)
    if m and len(s) <= 120 and len(m["b"].split()) <= 14:
        parts = [x.strip() for x in re.split(r"\s+[|•·]\s+", m["b"])]
        by = parts[0]
        for extra in parts[1:]:
            d = parse_date(extra)
            if d:
                h.published_on = h.published_on or d
            elif srcs.any(extra):
                h.publication = h.publication or srcs.any(extra)
        # "Jane Doe, AFP" / "Jane Doe - Reuters" / "Jane Doe in Beirut"
        mm = re.match(r"^(?P<n>.+?)\s*(?:,|[-–—]|\bfor\b)\s*(?P<s>[^,]+)$", by)
        if mm and srcs.any(mm["s"]):
            ag = srcs.agency(mm["s"])
            if ag:
                h.credits.append(ag)
            by = mm["n"]
        by = re.sub(r"\s+in\s+[A-Z][\w ’'-]+$", "", by).strip(" ,")
        words = by.split()
        if words and sum(_is_cap(w) or w.lower() in {"and", "&"} | _LOWER_PARTICLES for w in words) \
                >= len(words) - 1:
            h.byline = h.byline or by
            return True
    if header_zone and _BREADCRUMB_RE.search(s) and len(s.split()) <= 12 and not s.endswith("."):
        crumbs = [c.strip() for c in re.split(r"\s(?:>|»|›|/)\s", s) if c.strip()]
        crumbs = [c for c in crumbs if c.lower() not in {"home", "news"}]
        if crumbs:
            h.section = h.section or crumbs[-1]
        return True
    return False


def _credit(line: str, srcs: _Sources) -> str | None:
    s = line.strip()
    if len(s) > 60 or s.endswith("?"):
        return None
    if re.fullmatch(r"[-–—(]*\s*(?:with\s+)?agencies\s*[)]*\.?", s, re.I):
        return "Agencies"
    m = _CREDIT_LINE_RE.match(s)
    if m:
        return srcs.agency(m["who"])
    return None


def extract(
    text: str | bytes,
    places: NameIndex | None = None,
    sources: NameIndex | None = None,
) -> PageArticle:
    """Extract an article from a captured page (plain text or HTML).

    ``places``: a :class:`NameIndex` of regions (objects with a ``kind`` help the place rules);
    ``sources``: a :class:`NameIndex` of publications and agencies (its objects' names are what
    is reported). Raises :class:`UnreadablePage` when the capture is not a readable article.
    """
    raw = _decode(text)
    srcs = _Sources(sources)
    why = _not_an_article(raw)
    if why:
        raise UnreadablePage(REASON_NOT_ARTICLE, why)
    if _looks_like_html(raw):
        return _extract_html(raw, places, srcs)
    return _extract_text(raw, places, srcs)


def extract_file(path: str | Path, places: NameIndex | None = None,
                 sources: NameIndex | None = None) -> PageArticle:
    return extract(Path(path).read_bytes(), places=places, sources=sources)


def _publication_lookup(srcs: _Sources) -> Callable[[str], str | None]:
    return lambda s: srcs.any(s) or (srcs.find_in(s) if re.search(
        r"archive|english|online|\.com", s, re.I) else None)


def _looks_like_masthead(s: str) -> bool:
    """A site name alone on the first line: "The Gulf Observer", "THE DESERT DISPATCH"."""
    words = s.split()
    if not 1 <= len(words) <= 4 or re.search(r"[\d.!?:;,|]", s):
        return False
    return all(_is_cap(w) or w.lower() in {"the", "of", "and", "&"} for w in words)


def _is_metadata(s: str, srcs: _Sources) -> bool:
    return _meta_line(s, _Header(), srcs, header_zone=True)


def _next_content(lines: list[_Line], idx: int, srcs: _Sources) -> _Line | None:
    for x in lines[idx + 1:]:
        if x.blank or _is_boilerplate(x.text) or _is_metadata(x.text, srcs):
            continue
        return x
    return None


def _extract_text(raw: str, places: NameIndex | None, srcs: _Sources) -> PageArticle:
    lines = _lines(raw)
    h = _Header()
    pub_lookup = _publication_lookup(srcs)
    body_start: int | None = None
    title_line: _Line | None = None
    title_pub: str | None = None
    chrome_pub: str | None = None
    kicker: str | None = None
    masthead: str | None = None
    chrome_span = masthead_span = (0, 0)
    first_idx = next((k for k, x in enumerate(lines) if not x.blank and not _is_boilerplate(x.text)), -1)
    for idx, ln in enumerate(lines):
        if ln.blank:
            continue
        s = ln.text
        if _meta_line(s, h, srcs, header_zone=True, span=(ln.start, ln.end)):
            continue
        if _is_boilerplate(s):
            continue
        if _is_menu(s, pub_lookup):
            for seg in re.split(r"\s[|•·]\s", s):
                if not chrome_pub and srcs.any(seg.strip()):
                    chrome_pub = srcs.any(seg.strip())
                    chrome_span = (ln.start, ln.end)
            continue
        if _ERROR_PAGE_RE.search(s) and len(s.split()) <= 12 and title_line is None:
            raise UnreadablePage(REASON_NOT_ARTICLE, f"error or placeholder page ({s[:60]})")
        if srcs.any(s) and len(s.split()) <= 5:  # a masthead line: the publication's name
            if not chrome_pub:
                chrome_pub = srcs.any(s)
                chrome_span = (ln.start, ln.end)
            continue
        if title_line is None and idx == first_idx and _looks_like_masthead(s):
            nxt = _next_content(lines, idx, srcs)
            if nxt is not None and not _line_is_prose(nxt.text):
                masthead = s.title() if s.isupper() else s
                masthead_span = (ln.start, ln.end)
                continue
        if title_line is None:
            if _line_is_prose(s):
                break  # prose before any title
            if len(s.split()) <= 2 and not re.search(r"[|]", s):
                # a kicker ("Syria") unless nothing else follows
                nxt = next((x for x in lines[idx + 1:] if not x.blank), None)
                if nxt is not None and not _line_is_prose(nxt.text) and not _is_boilerplate(
                    nxt.text
                ) and not _MEDIA_ID_RE.match(nxt.text):
                    kicker = s
                    continue
            if len(s.split()) > 30:
                break
            title_line = ln
            continue
        # after the title: dateline-only lines ("Beirut - Asharq Al-Awsat")
        m = _DATELINE_DASH_RE.match(s + " ")
        if m and len(s.split()) <= 6 and srcs.any(m["src"]):
            ag = srcs.agency(m["src"])
            if ag:
                h.credits.append(ag)
                h.origins.setdefault(f"source:{ag}", (ln.start, ln.end))
            continue
        if fold_name(s) == fold_name(title_line.text) or fold_name(s) == fold_name(
            _split_title(title_line.text, srcs)[0]
        ):
            continue  # the title repeated as a heading
        body_start = idx
        break
    if title_line is None:
        if any(_line_is_prose(ln.text) for ln in lines):
            raise UnreadablePage(REASON_NO_TITLE, "no title line before the article text")
        raise UnreadablePage(REASON_NOT_ARTICLE, "no title and no article text")
    if body_start is None:
        raise UnreadablePage(REASON_NO_BODY, "a title but no article text")
    title, title_pub, site = _split_title(title_line.text, srcs)
    t_off = title_line.text.find(title)
    h.title = title
    h.title_span = (title_line.start + t_off, title_line.start + t_off + len(title))
    if kicker and not h.section:
        h.section = kicker

    # body: blocks separated by blank lines; hard-wrapped blocks are joined
    paragraphs: list[Paragraph] = []
    blocks: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in lines[body_start:]:
        if ln.blank:
            if cur:
                blocks.append(cur)
                cur = []
        else:
            cur.append(ln)
    if cur:
        blocks.append(cur)
    stop = False
    for block in blocks:
        if stop:
            # after the footer: metadata lines still count
            for ln in block:
                _meta_line(ln.text, h, srcs, header_zone=False, span=(ln.start, ln.end))
            continue
        wrapped = len(block) > 1 and sum(
            not re.search(r"[.!?:”\"’)]$", ln.text) for ln in block[:-1]
        ) >= (len(block) - 1) * 0.6
        units: list[tuple[int, int, str]] = []
        if wrapped:
            units.append((block[0].start, block[-1].end, " ".join(ln.text for ln in block)))
        else:
            units.extend((ln.start, ln.end, ln.text) for ln in block)
        for start, end, s in units:
            if _TERMINATOR_RE.match(s) and paragraphs:
                stop = True
                break
            if _is_boilerplate(s) or _is_menu(s, pub_lookup):
                continue
            if _meta_line(s, h, srcs, header_zone=False, span=(start, end)):
                continue
            cr = _credit(s, srcs)
            if cr:
                if cr != "Agencies":
                    h.credits.append(cr)
                    h.origins.setdefault(f"source:{cr}", (start, end))
                continue
            if len(s.split()) <= 3 and not re.search(r"[.!?”\"]$", s):
                continue  # stray chrome in the body ("Opinion", "Photo")
            p = _make_paragraph(raw, start, end)
            if p:
                paragraphs.append(p)
    if not paragraphs:
        raise UnreadablePage(REASON_NO_BODY, "a title but no article text")
    if not h.publication:
        if title_pub:
            h.publication = title_pub
            h.origins["publication"] = (title_line.start, title_line.end)
        elif chrome_pub:
            h.publication = chrome_pub
            h.origins["publication"] = chrome_span
        elif site or masthead:
            h.origins["publication"] = (title_line.start, title_line.end) if site else masthead_span
    title_par = _make_paragraph(raw, *h.title_span)
    return _finish(raw, "text", h, title_par, paragraphs, places, srcs, site=site or masthead)


def _extract_html(raw: str, places: NameIndex | None, srcs: _Sources) -> PageArticle:
    title_raw, meta, paras = _parse_html(raw, srcs)
    page_text = meta.pop("all_text", "")
    if not title_raw:
        raise UnreadablePage(REASON_NO_TITLE, "the HTML page has no title")
    for t in meta.get("title_raw", []):
        if _ERROR_PAGE_RE.search(t) and len(t.split()) <= 12:
            raise UnreadablePage(REASON_NOT_ARTICLE, f"error or placeholder page ({t[:60]})")
    h = _Header()
    title, title_pub, _site = _split_title(_collapse(title_raw), srcs)
    c_title = _collapse(meta.get("page_title") or "")
    h.title = title
    h.media_id = meta.get("media_id")
    h.published_on = meta.get("published_on")
    h.section = meta.get("section")
    h.original_url = meta.get("url")
    by = meta.get("byline")
    if by:
        _meta_line(by if re.match(r"(?i)^by\b", by) else f"By {by}", h, srcs, header_zone=False)
        h.byline = h.byline or by
    pub = None
    for hint in meta.get("publication_hint", []):
        pub = srcs.any(hint.lstrip("@")) or srcs.find_in(hint.lstrip("@")) or None
        if pub:
            break
    if pub is None and meta.get("publication_hint"):
        pub = meta["publication_hint"][0].strip()
    if pub is None and c_title and title and fold_name(c_title) != fold_name(title):
        # "<h1 headline> | Site Name" / "<headline> – Site Name" in <title>
        m = re.search(r"\s(?:[|•·]|[-–—])\s+(?P<site>[^|•·–—]{2,60})$", c_title)
        if m and 1 <= len(m["site"].split()) <= 5:
            before = fold_name(c_title[:m.start()])
            if fold_name(title) in before or (before and before in fold_name(title)):
                pub = m["site"].strip()
    if pub is None and h.original_url:
        host = re.sub(r"^https?://(?:www\.)?", "", h.original_url).split("/")[0]
        pub = srcs.any(host)
    h.publication = pub or title_pub
    # body text rendition: title, blank line, paragraphs separated by blank lines
    kept: list[str] = []
    title_fold = fold_name(title)
    for s in paras:
        if _TERMINATOR_RE.match(s) and kept:
            break
        if _is_boilerplate(s) or fold_name(s) == title_fold:
            continue
        if _meta_line(s, h, srcs, header_zone=not kept):
            continue
        cr = _credit(s, srcs)
        if cr:
            if cr != "Agencies":
                h.credits.append(cr)
            continue
        if len(s.split()) <= 3 and not re.search(r"[.!?”\"]$", s):
            continue
        kept.append(s)
    if not kept:
        if _ERROR_PAGE_RE.search(page_text[:500]):
            raise UnreadablePage(REASON_NOT_ARTICLE, "error or placeholder page")
        raise UnreadablePage(REASON_NO_BODY, "the HTML page has no article text")
    text = title + "\n\n" + "\n\n".join(kept)
    paragraphs: list[Paragraph] = []
    pos = len(title) + 2
    for s in kept:
        paragraphs.append(Paragraph(s, pos, pos + len(s), list(range(pos, pos + len(s)))))
        pos += len(s) + 2
    h.title_span = (0, len(title))
    title_par = Paragraph(title, 0, len(title), list(range(len(title))))
    art = _finish(text, "html", h, title_par, paragraphs, places, srcs)
    if meta.get("lang"):
        art.language = meta["lang"].split("-")[0].lower() or art.language
    return art


def _finish(text: str, fmt: str, h: _Header, title_par: Paragraph | None,
            paragraphs: list[Paragraph], places: NameIndex | None, srcs: _Sources,
            site: str | None = None) -> PageArticle:
    flags: list[str] = []
    credits = list(h.credits)
    exclude: list[tuple[int, int]] = []
    dateline_text = None
    if paragraphs:
        dl = _dateline(paragraphs[0], srcs)
        if dl:
            a, b, agency, d, _place = dl
            if agency:
                credits.insert(0, agency)
                h.origins.setdefault(f"source:{agency}", paragraphs[0].span(a, b))
            if d and not h.published_on:
                h.published_on = d
            oa, ob = paragraphs[0].span(a, b)
            exclude.append((oa, ob))
            dateline_text = _collapse(paragraphs[0].text[a:b]).rstrip(" -–—:")
    if not h.publication and site:
        h.publication = site
    if h.byline and h.publication:
        h.byline = re.sub(rf"\s*(?:,|\||[-–—]|\bfor\b)\s*{re.escape(h.publication)}\s*$", "",
                          h.byline, flags=re.I).strip() or h.byline
    if not h.publication and len(set(credits)) == 1 and dateline_text:
        h.publication = credits[0]  # a wire page with no other masthead

    # quotes
    article_text = "\n".join(p.text for p in paragraphs)
    people = _People(article_text, places)
    direct = _direct_candidates(paragraphs, srcs)
    taken: dict[int, list[tuple[int, int]]] = {}
    for c in direct:
        if c.para == c.end_para:
            taken.setdefault(c.para, []).append((c.start, c.end))
        else:
            taken.setdefault(c.para, []).append((c.start, len(paragraphs[c.para].text)))
            for k in range(c.para + 1, c.end_para):
                taken.setdefault(k, []).append((0, len(paragraphs[k].text)))
            taken.setdefault(c.end_para, []).append((0, c.end))
        if c.attribution and not c.intro:
            at = c.attribution
            taken.setdefault(at.para, []).append((at.start, at.end))
    reported = _reported_candidates(paragraphs, taken, srcs)
    for c in direct:
        at = c.attribution
        if at is not None and at.added and not c.intro:
            a, b = at.added
            reported.append(_Cand("reported", at.para, a, b, at.para, paragraphs[at.para].text[a:b], at))

    def order(c: _Cand) -> tuple[int, int]:
        if c.attribution:
            return (c.attribution.para, c.attribution.start)
        return (c.para, c.start)

    made: list[tuple[ExtractedQuote, Speaker | None, str | None]] = []
    by_para_speaker: dict[int, Speaker] = {}
    for c in sorted(direct + reported, key=order):
        person = None
        description = None
        given_to = None
        co_people: list[Speaker] = []
        if c.attribution:
            person = people.resolve(c.attribution.speaker)
            given_to = c.attribution.given_to
            if person is None:
                description = c.attribution.speaker.description
            for co_name in c.attribution.speaker.co_names if person else ():
                co = people.resolve(ParsedSpeaker("name", name=co_name, surface=co_name,
                                                  description=c.attribution.speaker.description))
                if co is not None and co is not person and co not in co_people:
                    co_people.append(co)
            if co_people:
                people.last = person
        elif c.full_paragraph and c.para - 1 in by_para_speaker:
            person = by_para_speaker[c.para - 1]
            people.last = person
        if c.kind == "mention":
            continue
        if c.kind == "reported" and person is None:
            continue
        if person is not None:
            for k in range(c.para, c.end_para + 1):
                by_para_speaker[k] = person
        if not any(ch.isalnum() for ch in c.text):
            continue  # quotation marks around punctuation alone ("said “ ,"): nobody said anything
        if person is None and c.kind == "direct" and FLAG_QUOTE_WITHOUT_SPEAKER not in flags:
            flags.append(FLAG_QUOTE_WITHOUT_SPEAKER)
        end_text = paragraphs[c.end_para].text
        c_end = c.end
        # the full stop after reported speech ends the writer's sentence, not the speaker's words
        trailing = ",;:— ." if c.kind == "reported" else ",;:— "
        while c_end > 0 and end_text[c_end - 1] in trailing and (c.end_para != c.para or c_end > c.start + 1):
            c_end -= 1
        start = paragraphs[c.para].span(c.start, c.start + 1)[0]
        end = paragraphs[c.end_para].span(max(c_end - 1, 0), c_end)[1]
        text_q = _collapse(c.text).rstrip(trailing)
        if given_to:
            ag = srcs.agency(given_to)
            if ag and ag not in credits:
                credits.append(ag)
                at = c.attribution
                h.origins.setdefault(f"source:{ag}", paragraphs[at.para].span(at.start, at.end)
                                     if at else (start, end))
        for speaker in [person, *co_people]:
            made.append((ExtractedQuote(
                speaker=None,
                description=None,
                text=text_q,
                given_to=given_to,
                kind=c.kind,
                paragraph=c.para,
                start=start,
                end=end,
            ), speaker, description))
    # final names and descriptions: a later, fuller mention may have completed them
    for q, person, description in made:
        q.speaker = person.name if person else None
        q.description = person.description if person else description
    quotes = sorted((q for q, _, _ in made), key=lambda q: (q.start, q.end))
    speakers = [p for p in people.people if any(q.speaker == p.name for q in quotes)]

    # places
    mentions: list[Mention] = []
    if places is not None:
        person_spans: list[tuple[int, int]] = []
        for sp in people.people:
            for nm in {sp.name, *sp.aliases}:
                pattern = r"[\s-]*".join(re.escape(w) for w in re.split(r"[\s-]+", nm) if w)
                for m in re.finditer(rf"\b{pattern}\b", text):
                    person_spans.append((m.start(), m.end()))
        mentions = _places(title_par, paragraphs, places, exclude + person_spans, text)

    # sources: unique, in order
    seen: set[str] = set()
    sources = []
    for s in credits:
        if s and s not in seen:
            seen.add(s)
            sources.append(s)

    if h.published_on is None:
        flags.insert(0, FLAG_NEEDS_DATE)
    if h.media_id is None:
        flags.append(FLAG_NO_MEDIA_ID)
    if not h.publication:
        flags.append(FLAG_NO_PUBLICATION)
    body = "\n\n".join(p.text for p in paragraphs)
    return PageArticle(
        title=h.title or "",
        media_id=h.media_id,
        publication=h.publication,
        byline=h.byline,
        section=h.section,
        published_on=h.published_on,
        original_url=h.original_url,
        language=_language(body),
        paragraphs=paragraphs,
        body=body,
        quotes=quotes,
        place_mentions=mentions,
        sources=sources,
        flags=flags,
        speakers=speakers,
        text=text,
        format=fmt,
        title_span=h.title_span,
        dateline=dateline_text,
        origins={"title": h.title_span, **h.origins},
    )
