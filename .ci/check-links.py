#!/usr/bin/env python3
"""Checks the links of the built book (docs/book) and of the repository's markdown files.

Book: every relative href of every page names a page that exists, and its #anchor an id on it.
Markdown (README.md, CONTRIBUTING.md, CHANGELOG.md, the crates' README.md and GUIDE.md): every
relative link names a file or folder that exists, and an #anchor a heading of that markdown
file (GitHub's slugs). External links (http, https, mailto) are not fetched.
Exits 1 listing every broken link.
"""
import html
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "docs" / "book"
EXTERNAL = ("http:", "https:", "mailto:", "javascript:", "data:")
broken = []


def ids_of(page, cache={}):
    if page not in cache:
        text = page.read_text(encoding="utf-8")
        cache[page] = {html.unescape(m) for m in re.findall(r'\bid="([^"]+)"', text)}
    return cache[page]


def check_book():
    if not BOOK.is_dir():
        broken.append(f"{BOOK}: not built (run `mdbook build docs` first)")
        return
    for page in sorted(BOOK.rglob("*.html")):
        # The search page and print page repeat every chapter; 404.html links to the site root.
        if page.name in ("404.html", "toc.html"):
            continue
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'\bhref="([^"]*)"', text):
            href = html.unescape(href)
            if href.startswith(EXTERNAL) or href == "":
                continue
            parts = urlsplit(href)
            target = page if parts.path == "" else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            rel = page.relative_to(BOOK)
            if not target.exists():
                broken.append(f"docs/book/{rel}: link to {href}: no such page")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"docs/book/{rel}: link to {href}: no such anchor")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"`|\*\*|\*|_(?=\w)|(?<=\w)_", "", heading.strip()).lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(md, cache={}):
    if md not in cache:
        text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
        cache[md] = {slug(h) for h in re.findall(r"^#{1,6} +(.+?) *#*$", text, flags=re.M)}
    return cache[md]


def check_markdown(md):
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    for href in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text):
        if href.startswith(EXTERNAL):
            continue
        parts = urlsplit(href)
        target = md if parts.path == "" else (md.parent / unquote(parts.path)).resolve()
        rel = md.relative_to(ROOT)
        if not target.exists():
            broken.append(f"{rel}: link to {href}: no such file")
        elif parts.fragment and target.suffix == ".md" and parts.fragment not in anchors_of(target):
            broken.append(f"{rel}: link to {href}: no such heading")


check_book()
for name in ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "*/README.md", "*/GUIDE.md", "docs/src/*.md"]:
    for md in sorted(ROOT.glob(name)):
        check_markdown(md)
for line in broken:
    print(f"broken link: {line}", file=sys.stderr)
sys.exit(1 if broken else 0)
