"""The HTML reader's element index: one rule (_start) says where a selector's candidates come from,
and what the index holds (lookup_keys, lookup_names) follows it, so a lean index answers as a full one."""

from __future__ import annotations

import pytest
from lxml import etree

from imatinib_cli.load._dom_index import Index, _start, lookup_keys, lookup_names, parse

PAGE = """<html><body>
<header role="banner"><a href="/">home</a></header>
<main>
  <h1 class="heading-title big">Imatinib in advanced GIST</h1>
  <div class="auths"><a href="#a1">A. Author</a><a href="#a2">B. Author</a></div>
  <section id="abstract-1" lang="en"><p class="abstr">Of 40 patients, 20 responded.</p></section>
  <div id="eng-abstract"><p>Of 30 patients, 9 responded.</p></div>
  <div class="article-body-main"><p itemprop="description">Results follow.</p></div>
</main>
<footer role="contentinfo">Copyright</footer>
</body></html>"""

SELECTORS = (
    "h1.heading-title",
    "div.auths a",
    "#eng-abstract",
    "section[lang=en][id^=abstract]",
    "[class*=body-main] p",
    "[role=banner]",
    "[itemprop=description]",
    "main h1, footer",
)


@pytest.mark.parametrize(
    ("selector", "start"),
    [
        ("h1.heading-title.big", ("class", "heading-title")),
        ("div#eng-abstract.x", ("id", "eng-abstract")),
        ("section[lang=en][id^=abstract]", ("id^=", "abstract")),
        ("div[class*=body-main]", ("class*=", "body-main")),
        ("p[itemprop=description][id^=x]", ("attr", "itemprop")),
        ("a[href^=#]", ("name", "a")),
        ("[lang=en]", ("all", "")),
    ],
)
def test_start_picks_one_lookup_per_selector(selector: str, start: tuple[str, str]) -> None:
    (chain,) = parse(selector)
    assert chain[-1].start == start == _start(chain[-1])


def test_keys_and_names_follow_the_same_rule() -> None:
    keys = lookup_keys(SELECTORS)
    assert keys.ids == frozenset({"eng-abstract"})
    assert keys.id_prefixes == ("abstract",)
    assert keys.classes == frozenset({"heading-title"})
    assert keys.class_parts == ()  # '[class*=body-main] p' starts from the p elements
    assert lookup_names(SELECTORS) == frozenset({"a", "p", "h1", "footer"})


@pytest.mark.parametrize("selector", SELECTORS)
def test_a_lean_index_answers_as_a_full_one(selector: str) -> None:
    root = etree.fromstring(PAGE, etree.HTMLParser())
    lean = Index(root, names=lookup_names(SELECTORS), keys=lookup_keys(SELECTORS))
    full = Index(root)
    found = lean.select(selector)
    assert found == full.select(selector)
    assert found  # every selector names something on the page
    assert lean.held < full.held


def test_a_selector_the_keys_left_out_is_answered_by_a_full_index() -> None:
    root = etree.fromstring(PAGE, etree.HTMLParser())
    lean = Index(root, names=("h1",), keys=lookup_keys(("h1.heading-title",)))
    assert [el.text for el in lean.select("p.abstr")] == ["Of 40 patients, 20 responded."]
    assert [el.get("id") for el in lean.select("[id^=abstract]")] == ["abstract-1"]
    assert [el.tag for el in lean.select("div[class*=body-main]")] == ["div"]
