"""The README's four screenshots (docs/screenshots/), made again from the current theme.

The site: the first 60 Wikinews stories of 2020 that hold a quote (../shared/corpus, CC BY 2.5,
Wikinews contributors; each headed by its date line, as on Wikinews) and the sample TASS story,
imported by `sitegen build` from `content/raw/` as they are, search on; shot in Debian's
Chromium (which reads the built folder itself, `page.route`) at 1280 x 900 px, light, after the
search form is in: the front page, the TASS story, the tag "United States" and the speaker Joe
Biden. Each PNG is reduced to 256 colours (text stays sharp; about half the bytes).

    .venv/bin/python -m bench.readme_screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from sitegen.cli import main as sitegen

if TYPE_CHECKING:
    from playwright.sync_api import Route

REPO = Path(__file__).resolve().parent.parent
WIKINEWS = REPO.parent / "shared" / "corpus" / "wikinews-cc-by-2019-2020" / "wikinews_2020.csv"
SAMPLE = REPO / "content" / "raw" / "000_09a015d091362e36.txt"
STORIES = 60
CHROMIUM = "/usr/bin/chromium"
CONFIG = """title = "sitegen sample news"
description = "Stories from Wikinews (CC BY 2.5, Wikinews contributors) and TASS, built by sitegen."
language = "en"
base_url = "http://127.0.0.1/"
timezone = "Europe/Moscow"
per_page = 10
"""
PAGES = {
    "front": "/",
    "article": "/2022/12/west-looks-for-any-clue-to-drive-a-wedge-between-russia-and-kazakhstan-"
               "says-lavrov/",
    "tag": "/tags/united-states/",
    "speaker": "/speakers/joe-biden/",
}


def make_site(root: Path) -> None:
    raw = root / "content" / "raw"
    raw.mkdir(parents=True)
    (root / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    with WIKINEWS.open(encoding="utf-8", newline="") as stream:
        quoted = [row for row in csv.DictReader(stream) if '"' in row["text"] or "“" in row["text"]]
    for number, row in enumerate(quoted[:STORIES]):
        day = date.fromisoformat(row["date"])   # as Wikinews heads a story: "Friday, July 3, 2020"
        line = f"{day:%A}, {day:%B} {day.day}, {day.year}"
        (raw / f"wikinews-2020-{number:02d}.txt").write_text(
            f"{row['title']}\n\n{line}\n\n{row['text']}\n", encoding="utf-8")
    shutil.copy(SAMPLE, raw / "tass-lavrov.txt")
    if sitegen(["build", "--site", str(root), "--quiet"]) != 0:
        raise SystemExit("the site did not build")


ORIGIN = "http://sitegen.test"   # answered from the built folder, no server (page.route)


def _from_folder(folder: Path) -> Callable[[Route], None]:
    def answer(route: Route) -> None:
        found = folder / unquote(urlsplit(route.request.url).path).lstrip("/")
        found = found / "index.html" if found.is_dir() else found
        if found.is_file() and found.resolve().is_relative_to(folder.resolve()):
            route.fulfill(path=str(found))
        else:
            route.fulfill(status=404, body="not found")
    return answer


def shoot(site: Path, out: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="light")
        page.route(f"{ORIGIN}/**", _from_folder(site))
        for name, path in PAGES.items():
            response = page.goto(ORIGIN + path)
            if response is None or response.status != 200:
                raise SystemExit(f"{path}: not found")
            page.wait_for_selector(".search form")   # search.js has put its form in
            page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            Image.open(target).convert("RGB").quantize(colors=256).save(target, optimize=True)
            print(f"{target}: {target.stat().st_size // 1024} KB")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "site"
        make_site(root)
        shoot(root / "_site", args.out)


if __name__ == "__main__":
    main()
