"""The glossary: one file of abbreviations, shown on hover everywhere and listed on
the glossary page (hooks/glossary.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
import glossary  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ABBREVIATIONS = ROOT / "docs" / "includes" / "abbreviations.md"

# The terms issue 9 asks the glossary for, as the pages spell them.
REQUIRED = ["Nielsen's error", "layer gradient", "speed of learning",
            "vanishing gradient", "exploding gradient", "unstable gradient",
            "saturation", "plateau", "dead ReLU", "LeCun initialization",
            "Nielsen's initialization", "Xavier", "He initialization",
            "large initialization"]


def definitions() -> dict[str, str]:
    """{term: definition} of the real abbreviations file."""
    entries = glossary.parse(ABBREVIATIONS.read_text(encoding="utf-8"))
    return {t: d for d, terms in entries.items() for t in terms}


# ------------------------------------------------------------------ the hook


def test_parse_groups_terms_that_share_a_definition():
    text = "*[a b]: First.\n\n*[c]: Second.\n*[a c]: First.\n"
    assert glossary.parse(text) == {"First.": ["a b", "a c"], "Second.": ["c"]}


@pytest.mark.parametrize("text", ["Some prose.\n", "*[term] missing colon\n",
                                  "*[term]:\n", "# A heading\n"])
def test_a_line_that_is_not_an_abbreviation_is_refused(text):
    # It would be appended, visibly, to every page.
    with pytest.raises(ValueError, match="line 1"):
        glossary.parse(text)


def test_a_term_defined_twice_is_refused():
    with pytest.raises(ValueError, match="defined twice"):
        glossary.parse("*[x]: One.\n*[x]: Two.\n")


def test_parse_wants_a_string():
    with pytest.raises(TypeError):
        glossary.parse(b"*[x]: One.")


def test_anchor_and_definition_list():
    assert glossary.anchor("Nielsen's error") == "nielsens-error"
    assert glossary.anchor("He's initialization") == "hes-initialization"
    md = glossary.definition_list({"D.": ["a b", "c"]})
    assert md == "a b, c { #a-b }\n:   D.\n"


# ----------------------------------------------------------- the definitions


def test_every_term_the_issue_asks_for_is_defined():
    missing = [t for t in REQUIRED if t not in definitions()]
    assert not missing, f"not in {ABBREVIATIONS.name}: {missing}"


def test_the_two_deltas_are_told_apart():
    d = definitions()
    assert "δ^l_j = ∂C/∂z^l_j" in d["Nielsen's error"]
    assert "without a subscript" in d["layer gradient"]
    assert "∂C/∂w^l_jk and ∂C/∂b^l_j" in d["layer gradient"]


def test_the_schemes_carry_their_literature_names_and_variances():
    d = definitions()
    assert "N(0, 1/n_in)" in d["LeCun initialization"]
    assert "mislabel" in d["LeCun initialization"]
    assert "Xavier" in d["LeCun initialization"]
    nielsen = d["Nielsen's initialization"]
    assert "N(0, 1/n_in)" in nielsen and "biases N(0, 1)" in nielsen
    assert "2/(n_in + n_out)" in d["Xavier"] and "Glorot" in d["Xavier"]
    assert "2/n_in" in d["He initialization"]
    assert d["He's initialization"] == d["He initialization"]
    assert "weights and biases N(0, 1)" in d["large initialization"]


def test_no_term_hides_inside_another_word_or_math():
    # abbr matches whole words, case-sensitively; a term made of TeX or of a
    # single common word ("He", "error") would fire in the wrong places.
    for term in definitions():
        assert "\\" not in term and "$" not in term, term
        assert term not in ("He", "error", "gradient", "delta", "δ"), term


def test_the_abbreviations_file_is_no_page():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "exclude_docs: |\n  /includes/\n" in config
    assert "- docs/includes/abbreviations.md" in config  # auto_append
    assert "- content.tooltips" in config and "- abbr" in config


# ------------------------------------------------- a small site, really built

CONFIG = """\
site_name: Glossary fixture
strict: true
theme:
  name: material
  features: [content.tooltips]
hooks: [{hook}]
exclude_docs: |
  /includes/
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: !relative $config_dir
      check_paths: true
      auto_append: [docs/includes/abbreviations.md]
nav:
  - Home: index.md
  - Glossary: glossary.md
"""

PAGE = r"""# Terms

The layer gradient and Nielsen's error, in prose.

Inline \(\text{layer gradient}\ \delta^l\) and display math:

\[
\text{the layer gradient of Nielsen's error} = \delta^l
\]

`layer gradient` in code, and a plateau.
"""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("glossary")
    (root / "docs" / "includes").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG.format(hook=ROOT / "hooks/glossary.py"))
    (root / "docs" / "includes" / "abbreviations.md").write_bytes(
        ABBREVIATIONS.read_bytes())
    (root / "docs" / "glossary.md").write_bytes(
        (ROOT / "docs" / "glossary.md").read_bytes())
    (root / "docs" / "index.md").write_text(PAGE)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def abbrs_in_math(page: BeautifulSoup) -> list[str]:
    """Text of every <abbr> inside an element of class arithmatex (MathJax would
    see HTML in its TeX and fail)."""
    return [a.get_text() for math in page.select(".arithmatex")
            for a in math.find_all("abbr")]


def glossary_entries(page: BeautifulSoup) -> dict[str, str]:
    """{term: definition} as the glossary page shows them."""
    out = {}
    for dt in page.select("article dl > dt"):
        dd = dt.find_next_sibling("dd")
        for term in dt.get_text().split(", "):
            out[term] = dd.get_text()
    return out


def test_terms_get_tooltips_in_prose_but_not_in_math_or_code(small_site):
    page = soup(small_site / "index.html")
    titles = {a.get_text(): a["title"] for a in page.select("article abbr")}
    assert titles["layer gradient"] == definitions()["layer gradient"]
    assert titles["Nielsen's error"] == definitions()["Nielsen's error"]
    assert "plateau" in titles
    assert abbrs_in_math(page) == []
    assert len(page.select(".arithmatex")) == 2
    assert all(not c.find("abbr") for c in page.select("code"))


def test_the_glossary_page_lists_exactly_the_abbreviations(small_site):
    entries = glossary_entries(soup(small_site / "glossary" / "index.html"))
    assert entries == definitions()


def test_glossary_entries_have_anchors(small_site):
    page = soup(small_site / "glossary" / "index.html")
    ids = {dt.get("id") for dt in page.select("article dl > dt")}
    assert {"nielsens-error", "layer-gradient", "xavier"} <= ids


def test_the_abbreviations_file_is_not_published(small_site):
    assert not (small_site / "includes").exists()


# ------------------------------------------------------------ the real site


@pytest.mark.build
def test_no_tooltip_inside_math_anywhere_on_the_site(built_site):
    bad = {}
    for path in sorted(built_site.rglob("*.html")):
        found = abbrs_in_math(soup(path))
        if found:
            bad[path.relative_to(built_site).as_posix()] = found
    assert not bad, f"<abbr> inside math: {bad}"


@pytest.mark.build
def test_the_built_glossary_agrees_with_the_abbreviations(built_site):
    entries = glossary_entries(soup(built_site / "glossary" / "index.html"))
    assert entries == definitions()


@pytest.mark.parametrize("url, href", [("", "glossary/"), ("why/", "../glossary/"),
                                       ("notebooks/explore_sgd/", "../../glossary/")])
def test_glossary_address_relative_to_each_page(url, href):
    assert glossary.glossary_href(url) == href


def test_a_page_showing_a_term_gets_one_glossary_line():
    page = '<html><article><p><abbr title="d">plateau</abbr></p></article></html>'
    linked = glossary.link_glossary(page, "../glossary/")
    assert linked.count('href="../glossary/"') == 1
    assert linked.index("glossary-link") < linked.index("</article>")
    assert glossary.link_glossary(linked, "../glossary/") == linked  # once only
    plain = "<html><article><p>no terms</p></article></html>"
    assert glossary.link_glossary(plain, "../glossary/") == plain
