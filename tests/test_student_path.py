"""Issue 9's two depths, checked on the built site.

- The student path (Home and the first nav section of mkdocs.yml) holds at most
  WORD_BUDGET words of running prose: words in paragraphs, list items and open
  admonitions count; code, math, tables, figures with their captions, collapsed
  blocks (<details>), headings and admonition titles do not.
- Every Markdown page opens, right under its title, with a takeaway box
  (``!!! abstract "In short"``) of 2-4 sentences. Notebook pages are exempt.
- Every page that uses a glossary term (a tooltip) links to the glossary.
"""

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WORD_BUDGET = 3500
# Not counted as running prose (issue 9): code, math, tables, figures and their
# captions, collapsed blocks, headings, admonition titles, and what the theme adds.
EXCLUDED = ("pre", "code", ".arithmatex", "table", "figure", "figcaption", "details",
            "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
            ".admonition-title", ".headerlink")
WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*")
# Pages checked on their own as well (their words count toward the path's too).
CONFORMING = ("glossary.md", "init-variance.md", "questions.md")


# ------------------------------------------------------------------- helpers


class _Loader(yaml.SafeLoader):
    """mkdocs.yml's tags (``!relative``) read as plain values."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def nav(config: Path = ROOT / "mkdocs.yml") -> list:
    return yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)["nav"]


def _pages(entry) -> list[str]:
    """Every .md file under one nav entry, in order."""
    if isinstance(entry, str):
        return [entry] if entry.endswith(".md") else []
    if isinstance(entry, dict):
        return [p for value in entry.values() for p in _pages(value)]
    if isinstance(entry, list):
        return [p for item in entry for p in _pages(item)]
    return []


def student_path(entries: list) -> list[str]:
    """Home (the first page) and every page of the first nav section."""
    home = _pages(entries[0])[:1]
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else None
        if isinstance(value, list):
            return home + _pages(value)
    raise ValueError("mkdocs.yml's nav has no section")


def built(site: Path, page: str) -> Path:
    """The HTML file a Markdown page becomes (use_directory_urls)."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"


def _article(html: str):
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one("article") or soup


def prose_words(html: str) -> int:
    """Words of running prose in a built page's article (see the module docstring)."""
    article = _article(html)
    for selector in EXCLUDED:
        for element in article.select(selector):
            element.decompose()
    blocks = [b for b in article.find_all(["p", "li"])
              if not b.find_parent(["p", "li"])]
    return sum(len(WORD.findall(b.get_text(" "))) for b in blocks)


def sentences(text: str) -> int:
    """Sentences in plain text: a ., ! or ? followed by a space or the end."""
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def takeaway_problem(html: str) -> str | None:
    """Why a built page does not open with the takeaway box, or None if it does."""
    article = _article(html)
    h1 = article.find("h1")
    if h1 is None:
        return "no <h1> title"
    box = h1.find_next_sibling()
    if box is None or not {"admonition", "abstract"} <= set(box.get("class", [])):
        return "the element after the title is not an 'abstract' admonition"
    title = box.select_one(".admonition-title")
    if title is None or title.get_text(strip=True) != "In short":
        return "the box is not titled 'In short'"
    for element in box.select(".arithmatex, .admonition-title"):
        element.decompose()
    n = sentences(box.get_text(" "))
    if not 2 <= n <= 4:
        return f"the box has {n} sentences, not 2-4"
    return None


def uses_glossary_without_link(html: str, href_part: str = "glossary/") -> bool:
    article = _article(html)
    return bool(article.find("abbr")) and not any(
        href_part in a.get("href", "") for a in article.find_all("a"))


def markdown_pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
                  if "includes" not in p.relative_to(DOCS).parts)


# ---------------------------------------------------- the helpers, unit-tested

PAGE = """<html><body><nav><p>Menu words here</p></nav><article>
<h1>Title words<a class="headerlink" href="#t">¶</a></h1>
<div class="admonition abstract"><p class="admonition-title">In short</p>
<p>One two <span class="arithmatex">\\(x + y\\)</span> three. Four five.</p></div>
<p>Six <code>not counted</code> seven, 0.59 of it.</p>
<ul><li>Eight <em>nine</em><ul><li>ten</li></ul></li></ul>
<table><tr><td>no table words</td></tr></table>
<figure><img alt="x"><figcaption>No caption words</figcaption></figure>
<details class="note"><summary>Hidden</summary><p>no folded words</p></details>
<div class="arithmatex">\\[ \\text{no math words} \\]</div>
<h2>No heading words</h2>
</article></body></html>"""


def test_prose_words_counts_only_running_prose():
    # One two three Four five | Six seven 0.59 of it | Eight nine ten
    assert prose_words(PAGE) == 13


def test_prose_words_joins_tooltips_and_numbers():
    html = ("<article><p>The <abbr title='d'>layer gradient</abbr> is "
            "1,000 times it's size.</p></article>")
    assert prose_words(html) == 8  # "1,000" and "it's" are one word each


def test_a_page_with_the_box_passes():
    assert takeaway_problem(PAGE) is None


@pytest.mark.parametrize("html, problem", [
    ("<article><p>x</p></article>", "no <h1>"),
    ("<article><h1>T</h1><p>Intro.</p></article>", "not an 'abstract'"),
    ("<article><h1>T</h1><div class='admonition note'><p class='admonition-title'>"
     "In short</p><p>A. B.</p></div></article>", "not an 'abstract'"),
    ("<article><h1>T</h1><div class='admonition abstract'><p "
     "class='admonition-title'>Summary</p><p>A. B.</p></div></article>", "titled"),
    ("<article><h1>T</h1><div class='admonition abstract'><p "
     "class='admonition-title'>In short</p><p>Only one.</p></div></article>",
     "1 sentences"),
    ("<article><h1>T</h1><div class='admonition abstract'><p "
     "class='admonition-title'>In short</p><p>A. B. C. D. E.</p></div></article>",
     "5 sentences"),
])
def test_a_page_without_the_box_is_named(html, problem):
    assert problem in takeaway_problem(html)


def test_sentences_ignore_decimal_points():
    assert sentences("It is 0.59 of it. And 68% are! Why? ") == 3


def test_glossary_link_check():
    assert uses_glossary_without_link("<article><abbr title='t'>x</abbr></article>")
    assert not uses_glossary_without_link(
        "<article><abbr title='t'>x</abbr><a href='../glossary/'>g</a></article>")
    assert not uses_glossary_without_link("<article><p>no terms</p></article>")


def test_student_path_follows_the_nav():
    entries = [{"Home": "index.md"}, {"Single": "single.md"},
               {"Part": [{"A": "a.md"}, {"Sub": [{"B": "b.md"}]}]},
               {"Later": [{"C": "c.md"}]}]
    assert student_path(entries) == ["index.md", "a.md", "b.md"]
    with pytest.raises(ValueError):
        student_path([{"Home": "index.md"}])


def test_student_path_of_this_site_starts_at_home():
    path = student_path(nav())
    assert path[0] == "index.md" and len(path) > 1
    assert all((DOCS / page).is_file() for page in path)


def test_built_paths():
    site = Path("/s")
    assert built(site, "index.md") == site / "index.html"
    assert built(site, "why.md") == site / "why" / "index.html"
    assert built(site, "sub/index.md") == site / "sub" / "index.html"


def test_new_pages_are_markdown_pages():
    assert set(CONFORMING) <= set(markdown_pages())
    assert "includes/abbreviations.md" not in markdown_pages()


# ------------------------------------------------------------ the built site


def path_word_counts(site: Path) -> dict[str, int]:
    return {page: prose_words(built(site, page).read_text(encoding="utf-8"))
            for page in student_path(nav())}


def report(counts: dict[str, int]) -> str:
    lines = [f"{n:6,d}  {page}" for page, n in counts.items()]
    return "\n".join([*lines, f"{sum(counts.values()):6,d}  total "
                      f"(budget {WORD_BUDGET:,})"])


@pytest.mark.build
def test_student_path_prose_fits_the_budget(built_site):
    counts = path_word_counts(built_site)
    print("\nRunning prose on the student path:\n" + report(counts))
    assert sum(counts.values()) <= WORD_BUDGET, "\n" + report(counts)


@pytest.mark.build
def test_every_markdown_page_opens_with_the_takeaway_box(built_site):
    problems = {page: takeaway_problem(built(built_site, page).read_text("utf-8"))
                for page in markdown_pages()}
    problems = {p: why for p, why in problems.items() if why}
    assert not problems, problems


@pytest.mark.build
def test_every_page_using_a_glossary_term_links_the_glossary(built_site):
    missing = [page for page in markdown_pages() if page != "glossary.md"
               and uses_glossary_without_link(
                   built(built_site, page).read_text("utf-8"))]
    assert not missing, missing


@pytest.mark.build
@pytest.mark.parametrize("page", CONFORMING)
def test_new_pages_already_follow_the_conventions(built_site, page):
    html = built(built_site, page).read_text(encoding="utf-8")
    assert takeaway_problem(html) is None
    if page != "glossary.md":
        assert not uses_glossary_without_link(html)
    print(f"\n{page}: {prose_words(html):,} words of running prose")


@pytest.mark.build
def test_the_questions_page_is_short(built_site):
    html = built(built_site, "questions.md").read_text(encoding="utf-8")
    assert prose_words(html) <= 600
