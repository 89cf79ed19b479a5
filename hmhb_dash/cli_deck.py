"""The `deck` command: `python -m hmhb_dash deck OUT.pptx --year 2024` writes the deck of a view."""

from __future__ import annotations

import argparse
from pathlib import Path

from hmhb_dash import clock, i18n, queries, store, svgmap
from hmhb_dash.cli import UsageError, check_output, write_output
from hmhb_dash.deck import build_deck
from hmhb_dash.permalinks import region_slug
from hmhb_dash.presentation import brief, parse_present_view, slide_sequence


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="where to write the .pptx")
    parser.add_argument("--year", help="as-of year (default: this year)")
    parser.add_argument("--grouping", help="region grouping: unicef (default), who or wb")
    parser.add_argument("--region", help="region short name as in links (e.g. wca) or in full")
    parser.add_argument("--income", help="World Bank income group: l, lm, um or h")
    parser.add_argument("--since", help="show changes since this date, YYYY-MM-DD")
    parser.add_argument("--country", nargs="+", default=[], help="spotlight countries (ISO3)")
    parser.add_argument("--lang", default="en", help="language of the deck: en (default), fr or pt")


def _run(args: argparse.Namespace) -> int:
    lang, notice = i18n.parse_lang(args.lang)
    if notice:
        raise UsageError(notice)
    with i18n.using(lang or i18n.DEFAULT):
        return _write_deck(args)


def _write_deck(args: argparse.Namespace) -> int:
    check_output(args.out)
    today = clock.today()
    version, tables = store.read_tables(store.data_dir())
    tables["countries"] = i18n.localise_countries(tables["countries"])
    params: dict[str, object] = {
        k: v for k, v in {"year": args.year, "grouping": args.grouping, "since": args.since}.items() if v
    }
    if args.region:
        params["region"] = region_slug(args.region) if " " in args.region.strip() else args.region
    if args.income:
        params["income"] = args.income
    if args.country:
        params["country"] = list(args.country)
    years = queries.year_range(tables["stage_history"], today)
    parsed = parse_present_view(params, tables["countries"], years)
    if parsed.notices:
        raise UsageError("\n".join(parsed.notices))
    briefing = brief(tables, parsed.view, today, version)
    shapes = svgmap.load_shapes(store.map_shapes_path())
    data = build_deck(briefing, shapes, today)
    write_output(args.out, data)
    slides = len(slide_sequence(briefing)) + 1
    print(f"wrote {args.out} ({slides} slides, {len(data) // 1024} kB): {briefing.subtitle()}")
    return 0


def register(commands: dict) -> None:
    commands["deck"] = (
        "Write the PowerPoint deck of a view (year, region, since, spotlights).",
        (_add_arguments, _run),
    )
