"""The built site: alt text, nothing loaded from elsewhere, links, determinism."""

import filecmp
import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# Attributes through which a page loads something (links to read are fine).
LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("source", "srcset"), ("video", "src"), ("audio", "src"),
           ("embed", "src"), ("object", "data")}
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                     "prefetch", "apple-touch-icon"}


class Page(HTMLParser):
    """Collects what a page loads, links to, names as anchors, and its images."""

    def __init__(self):
        super().__init__()
        self.loads, self.links, self.ids, self.images = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for t, attr in LOADING:
            if tag == t and attrs.get(attr):
                self.loads.append(attrs[attr])
        rels = set((attrs.get("rel") or "").split())
        if tag == "link" and rels & LOADING_LINK_RELS:
            self.loads.append(attrs.get("href", ""))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or \
        url.startswith("//")


def test_every_nav_page_is_built(built_site):
    for page in ("notation", "two-deltas", "definition", "why", "speed-of-learning",
                 "backprop-check"):
        assert (built_site / page / "index.html").is_file(), page


def test_every_image_has_alt_text(built_site):
    for path in html_pages(built_site):
        for img in parse(path).images:
            assert (img.get("alt") or "").strip(), f"{path}: {img.get('src')}"


def test_figures_come_in_a_light_and_a_dark_version(built_site):
    html = (built_site / "backprop-check" / "index.html").read_text()
    assert "gradient_check.svg#only-light" in html
    assert "gradient_check-dark.svg#only-dark" in html


def test_nothing_is_loaded_from_another_host(built_site):
    for path in html_pages(built_site):
        external = [u for u in parse(path).loads if is_external(u)]
        assert not external, f"{path} loads {external}"
    for css in built_site.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text())
        imports = re.findall(r"@import\s+['\"]([^'\"]+)", css.read_text())
        assert not [u for u in urls + imports if is_external(u)], css


def test_mathjax_is_served_by_the_site(built_site):
    html = (built_site / "index.html").read_text()
    assert "assets/mathjax/tex-svg-full.js" in html
    assert (built_site / "assets/mathjax/tex-svg-full.js").stat().st_size > 1e6


FIGURE_BUDGET = 250_000  # bytes per figure or data file (README, "Budgets")
PAGE_BUDGET = 500_000  # gzipped bytes of a page's HTML, figures and data
# What a page loads of its own: images, and data files its scripts read (data-src).
OWN_FILE = re.compile(r'(?:src|data-src)="([^"#?]+)')
SHARED = ("assets/", "javascripts/", "stylesheets/", "search/")


def own_files(site: Path, page: Path) -> list[Path]:
    """The page itself and the local files it loads that no other page shares."""
    found = [page]
    for url in OWN_FILE.findall(page.read_text(encoding="utf-8")):
        if is_external(url) or url.startswith(("data:", "/")):  # 404.html: absolute
            continue
        target = (page.parent / unquote(url)).resolve()
        rel = target.relative_to(site.resolve()).as_posix()
        if target.is_file() and not rel.startswith(SHARED) and target not in found:
            found.append(target)
    return found


def test_no_figure_or_data_file_is_over_budget(built_site):
    files = [p for folder in ("figures", "data")
             for p in (built_site / folder).rglob("*") if p.is_file()]
    files += list((built_site / "notebooks").rglob("*.ipynb"))
    assert len(files) > 20
    heavy = sorted(f"{p.relative_to(built_site)}: {p.stat().st_size:,} B"
                   for p in files if p.stat().st_size > FIGURE_BUDGET)
    assert not heavy, f"over {FIGURE_BUDGET:,} B:\n" + "\n".join(heavy)


def test_every_page_weighs_at_most_its_budget_gzipped(built_site):
    weights = {}
    for page in html_pages(built_site):
        files = own_files(built_site, page)
        weights[page.relative_to(built_site).as_posix()] = sum(
            len(gzip.compress(f.read_bytes(), mtime=0)) for f in files)
    assert weights["why/index.html"] > 10_000  # figures are counted, not skipped
    heavy = sorted(f"{page}: {w:,} B" for page, w in weights.items()
                   if w > PAGE_BUDGET)
    assert not heavy, f"pages over {PAGE_BUDGET:,} B gzipped:\n" + "\n".join(heavy)


def test_own_files_of_a_page_include_both_themes_figures(built_site):
    names = [p.name for p in own_files(built_site, built_site / "why/index.html")]
    assert "why_sigmoid.svg" in names and "why_sigmoid-dark.svg" in names
    explorer = own_files(built_site, built_site / "explorer/index.html")
    assert "explorer.json" in [p.name for p in explorer]


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_internal_links_and_anchors_resolve(built_site):
    broken = []
    for path in html_pages(built_site):
        if path.name == "404.html":  # absolute links by design (served anywhere)
            continue
        for href in parse(path).links:
            if is_external(href) or href.startswith(("mailto:", "javascript:")):
                continue
            target, fragment = resolve(built_site, path, href)
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)} -> {href}")
            elif fragment and target.suffix == ".html" and \
                    fragment not in parse(target).ids:
                broken.append(f"{path.relative_to(built_site)} -> {href} (anchor)")
    assert not broken, "\n".join(broken)


def test_numbers_and_figures_are_filled_in(built_site):
    for path in html_pages(built_site):
        # Code shown on a page may hold braces (f-strings); prose may not.
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", path.read_text(), flags=re.S)
        assert "{{" not in text, f"{path} has an unfilled placeholder"


def test_snippet_sources_are_downloadable(built_site):
    src = Path(__file__).resolve().parents[1] / "snippets"
    for module in ("backprop.py", "data.py", "plotstyle.py", "gradient_check.py"):
        assert (built_site / "downloads" / module).read_bytes() == \
            (src / module).read_bytes()


@pytest.mark.build
def test_two_clean_builds_are_byte_identical(built_site, second_clean_build):
    again = second_clean_build
    cmp = filecmp.dircmp(built_site, again)
    differing = []

    def walk(c, prefix=""):
        differing.extend(prefix + n for n in c.diff_files + c.left_only + c.right_only)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(cmp)
    # dircmp compares shallowly by stat; confirm byte equality file by file.
    for path in built_site.rglob("*"):
        if path.is_file():
            other = again / path.relative_to(built_site)
            if other.read_bytes() != path.read_bytes():
                differing.append(str(path.relative_to(built_site)))
    assert not sorted(set(differing)), sorted(set(differing))
