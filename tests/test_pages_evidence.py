"""AppTest of the evidence library, the members page, the map layers and the country page's links."""

import pytest

from hmhb_dash import store
from tests.conftest import light_map_data, run_app


def wca_countries() -> set[str]:
    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    countries = tables["countries"]
    return set(countries.loc[countries["unicef_region"] == "West and Central Africa", "name"])


def results(at):
    return at.dataframe[0].value


def test_library_lists_every_item_with_its_fields():
    at = run_app("evidence")
    assert not at.exception
    table = results(at)
    assert len(table) == 70
    for column in ("title", "authors_text", "publisher_text", "year", "type", "topic_list", "country_names"):
        assert column in table.columns
    assert table["link"].str.match(r"^https?://").all()
    # Items whose source could not be confirmed carry a mark.
    assert (table["check"] == "not verified").sum() == 5
    assert at.markdown[0].value.startswith("**70** of 70 items")


def test_region_filter_shows_only_that_regions_items_then_global_ones_on_request():
    names = wca_countries()
    at = run_app("evidence", {"region": "wca"})
    assert not at.exception
    table = results(at)
    assert 5 <= len(table) < 70
    assert all(set(c.split("; ")) & names for c in table["country_names"])
    assert at.selectbox(key="ev_region_unicef").value == "West and Central Africa"
    at.checkbox(key="ev_global").check().run()
    with_global = results(at)
    assert len(with_global) > len(table)
    assert set(with_global["country_names"]) - set(table["country_names"]) == {"Global"}
    assert at.query_params["global"] in ("1", ["1"])


def test_search_finds_jivita_first_and_keeps_the_query_in_the_url():
    at = run_app("evidence")
    at.text_input(key="ev_q").input("JIVITA birth weight").run()
    assert not at.exception
    table = results(at)
    assert "JiVitA-3" in table.iloc[0]["title"]
    assert at.query_params["q"] in ("JIVITA birth weight", ["JIVITA birth weight"])


def test_facet_counts_are_shown_next_to_choices():
    at = run_app("evidence", {"region": "wca"})
    topic = at.multiselect(key="ev_topic")
    labels = [topic.format_func(o) for o in topic.options] if hasattr(topic, "format_func") else topic.options
    assert any(label.startswith("Research (") for label in labels)
    region = at.selectbox(key="ev_region_unicef")
    assert any(o.startswith("West and Central Africa (") for o in region.options)


def test_empty_result_says_so_and_offers_to_clear():
    at = run_app("evidence", {"q": "no such words anywhere", "type": "trial"})
    assert not at.exception
    assert any("No item matches" in i.value for i in at.info)
    at.button(key="ev_clear_main").click().run()
    assert not at.exception
    assert len(results(at)) == 70
    assert dict(at.query_params) == {}


def test_item_detail_shows_fields_countries_and_related_items():
    at = run_app("evidence", {"item": "ev-2014-9e345560"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "JiVitA" in text and "West KP" in text and "doi.org/10.1001/jama.2014.16819" in text
    related = at.dataframe[1].value
    assert len(related) >= 1 and related["page"].str.startswith("evidence?item=").all()


def test_html_in_titles_stays_text():
    at = run_app("evidence", {"q": "<script>alert(1)</script>"})
    assert not at.exception
    assert all("<script>" not in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "params",
    [
        {"region": "<script>"},
        {"years": "3000-1"},
        {"topic": "astrology"},
        {"country": "ZZZ"},
        {"item": "nope"},
        {"grouping": "mars", "verified": "perhaps"},
        {"q": "trial " * 200},
    ],
)
def test_bad_evidence_params_fall_back_with_notice(params):
    at = run_app("evidence", params)
    assert not at.exception
    assert at.info, "a notice should name the ignored parameter"
    assert at.dataframe


def test_members_directory_and_org_view():
    at = run_app("members")
    assert not at.exception
    directory = at.dataframe[0].value
    assert len(directory) == 50
    assert directory["source_url"].str.match(r"^https?://").all()
    org = run_app("members", {"org": "NI"})
    assert not org.exception
    text = " ".join(m.value for m in org.markdown)
    assert "Nutrition International" in text
    where = org.dataframe[0].value
    assert "Pakistan" in set(where["country"]) and where["source_url"].str.match(r"^https?://").all()
    assert where["page"].str.startswith("country?country=").all()


def test_members_filters_and_bad_org():
    at = run_app("members", {"activity": "funding", "region": "sa"})
    assert not at.exception
    directory = at.dataframe[0].value
    assert 0 < len(directory) < 50 and (directory["countries_active"] > 0).all()
    bad = run_app("members", {"org": "<b>x</b>", "orgtype": "cult"})
    assert not bad.exception and len(bad.info) == 2


@pytest.mark.parametrize("layer", ["evidence", "organisations"])
def test_map_layers(layer):
    at = run_app("", {"layer": layer})
    assert not at.exception
    view = light_map_data(at, "view")[0]
    assert view["layer"] == "count" and view["include"] is None
    assert max(view["counts"].values()) >= 3 and len(view["legend"]) == len(view["edges"])
    assert at.radio(key="layer").value == layer
    assert at.query_params["layer"] in (layer, [layer])


def test_country_page_links_into_library_and_members():
    at = run_app("country", {"country": "PAK"})
    assert not at.exception
    tables = [df.value for df in at.dataframe]
    orgs = next(t for t in tables if "org_page" in t.columns)
    assert {"NI", "UNICEF"} <= {p.split("=", 1)[1] for p in orgs["org_page"]}
    evidence = next(t for t in tables if "page" in t.columns and "title" in t.columns)
    assert len(evidence) >= 1 and evidence["page"].str.startswith("evidence?item=").all()


def test_library_and_members_at_100x_data(tmp_path, monkeypatch):
    from hmhb_dash import synthetic

    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    store.write_tables(synthetic.scale_tables(tables, factor=100, seed=3), tmp_path / store.BUNDLED)
    monkeypatch.setenv("HMHB_DATA_DIR", str(tmp_path))
    at = run_app("evidence")
    assert not at.exception
    assert at.markdown[0].value.startswith("**7000** of 7000 items")
    assert len(results(at)) == 1000
    assert any("Showing the first 1000 of 7000" in c.value for c in at.caption)
    members = run_app("members", {"region": "wca"})
    assert not members.exception
    layer = run_app("", {"layer": "organisations"})
    assert not layer.exception


def test_pages_work_on_a_store_with_no_evidence(tmp_path, monkeypatch):
    from hmhb_dash import store
    from hmhb_dash.schema import empty_table

    _, tables = store.read_tables(store.PROJECT_DATA_DIR)
    store.write_tables(tables | {"evidence": empty_table("evidence")}, tmp_path / store.BUNDLED)
    monkeypatch.setenv("HMHB_DATA_DIR", str(tmp_path))
    for url_path, params in [("evidence", {}), ("country", {"country": "BGD"}), ("", {"layer": "evidence"})]:
        at = run_app(url_path, params)
        assert not at.exception, (url_path, at.exception)
