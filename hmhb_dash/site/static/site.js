// The static site's pages: the index (map, year slider, filters, headline, table), the embed and
// the evidence library's filters. Plain script, no framework; it reads the page's JSON block and
// only ever sets text with textContent, never parses data as HTML. Every word it writes comes from
// that block, in the page's language (the build translates them).
(function () {
  "use strict";
  const byId = (id) => document.getElementById(id);
  const HTTP = /^https?:\/\/[^\s"'<>`\\]+$/i;
  const ISO3 = /^[A-Z]{3}$/;

  function siteData() {
    const node = byId("site-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
  }

  function locale(site) {
    return site.locale || document.documentElement.lang || "en";
  }

  function formatNumber(site, n) {
    return n.toLocaleString(locale(site));
  }

  // A counted message: {one, other} picked by the language's plural rules.
  function plural(site, forms, n) {
    let category = n === 1 ? "one" : "other";
    if (globalThis.Intl && Intl.PluralRules) category = new Intl.PluralRules(locale(site)).select(n);
    return forms[category] || forms.other;
  }

  // Stage of a country in a year (0 before the first year), as lightmap.js reads it.
  function stageAt(shapes, iso3, year) {
    if (year < shapes.first) return [0, "", 0];
    const entry = shapes.t[iso3];
    if (!entry) return [0, "", 0];
    const mark = Number(entry.years[Math.min(year - shapes.first, entry.years.length - 1)]);
    return mark ? [entry.periods[mark - 1][0], entry.periods[mark - 1][1], mark] : [0, "", 0];
  }

  function countryPage(root, iso3) {
    return ISO3.test(iso3) ? `${root}countries/${iso3}.html` : null;
  }

  // --- The index page --------------------------------------------------------------------------
  function initIndex(site) {
    const host = byId("map");
    const year = byId("year");
    const yearOut = byId("year-out");
    const grouping = byId("grouping");
    const region = byId("region");
    const income = byId("income");
    const text = site.text;
    const rows = Array.from(document.querySelectorAll("#country-rows > tr"));
    const shapes = site.shapes;
    let view = site.view;

    function fillRegions() {
      const choices = site.regions[grouping.value] || [];
      const first = region.options[0];
      region.replaceChildren(first);
      for (const [value, label] of choices) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        region.appendChild(option);
      }
      region.value = "";
    }

    function included() {
      if (!region.value && !income.value) return null;
      const column = { unicef: 0, who: 1, wb: 2 }[grouping.value];
      return Object.keys(site.countries).filter((iso3) => {
        const groups = site.countries[iso3];
        return (!region.value || groups[column] === region.value) && (!income.value || groups[3] === income.value);
      });
    }

    function headline(shownYear, include) {
      const inside = include ? new Set(include) : null;
      const tally = (at) => {
        const counts = [0, 0, 0, 0, 0];
        for (const iso3 of Object.keys(shapes.t)) {
          if (!inside || inside.has(iso3)) counts[stageAt(shapes, iso3, at)[0]] += 1;
        }
        return counts;
      };
      const now = tally(shownYear);
      const before = tally(shownYear - 1);
      const sum = (counts) => counts.slice(1).reduce((a, b) => a + b, 0);
      const cards = { any: [sum(now), sum(before)] };
      for (let s = 1; s < now.length; s++) cards[s] = [now[s], before[s]];
      for (const [key, [n, b]] of Object.entries(cards)) {
        const count = document.querySelector(`[data-count="${key}"]`);
        const change = document.querySelector(`[data-change="${key}"]`);
        if (count) count.textContent = String(n);
        if (change) {
          const d = n - b;
          change.textContent = d
            ? fill(text.change, { n: (d > 0 ? "+" : "") + d, year: shownYear - 1 })
            : fill(text.no_change, { year: shownYear - 1 });
        }
      }
      for (const node of document.querySelectorAll("[data-year]")) node.textContent = String(shownYear);
      const reached = Object.entries(site.reached).filter(([iso3]) => !inside || inside.has(iso3));
      const total = reached.reduce((a, [, v]) => a + v, 0);
      byId("reached").textContent = reached.length
        ? fill(plural(site, text.reached, reached.length), { n: formatNumber(site, total), k: reached.length })
        : text.reached_none;
      byId("in-view").textContent = inside ? fill(plural(site, text.in_view, inside.size), { n: inside.size }) : "";
    }

    function sourceCell(cell, url) {
      cell.replaceChildren();
      if (url && HTTP.test(url)) {
        const link = document.createElement("a");
        link.className = "source";
        link.href = url;
        link.rel = "noopener noreferrer";
        link.textContent = text.source;
        cell.appendChild(link);
      } else {
        const span = document.createElement("span");
        span.className = "muted";
        span.textContent = text.not_reported;
        cell.appendChild(span);
      }
    }

    function table(shownYear, include) {
      const inside = include ? new Set(include) : null;
      const body = byId("country-rows");
      const ranked = [];
      for (const row of rows) {
        const iso3 = row.getAttribute("data-country");
        const [stage, since, mark] = stageAt(shapes, iso3, shownYear);
        const visible = stage > 0 && (!inside || inside.has(iso3));
        row.hidden = !visible;
        if (stage > 0) {
          const [basis, url, basisLang] = (site.details[iso3] || [])[mark - 1] || ["", null, null];
          const [label, colour] = view.legend[stage];
          row.querySelector(".stage .swatch").style.background = colour;
          row.querySelector(".stage span:last-child").textContent = label;
          row.querySelector(".since").textContent = since || text.not_reported;
          const basisCell = row.querySelector(".basis");
          basisCell.textContent = basis || text.not_reported;
          // The basis is the data's text, in its own language; "not reported" is the page's.
          if (basis && basisLang && basisLang !== document.documentElement.lang) basisCell.lang = basisLang;
          else basisCell.removeAttribute("lang");
          sourceCell(row.querySelector(".src"), url);
        }
        ranked.push([-stage, Number(row.getAttribute("data-order")), row]);
      }
      ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [, , row] of ranked) body.appendChild(row);
      const empty = byId("no-rows");
      empty.hidden = ranked.some(([, , row]) => !row.hidden);
      empty.textContent = fill(text.no_rows, { year: shownYear });
    }

    // The page around the map follows the year on screen, also while Play runs.
    function follow(shownYear) {
      year.value = String(shownYear);
      yearOut.textContent = String(shownYear);
      const include = view.include;
      headline(shownYear, include);
      table(shownYear, include);
    }

    const handlers = {
      onCountry: (iso3) => {
        const href = countryPage("", iso3);
        if (href && shapes.n[iso3]) window.location.href = href;
      },
      onYear: (played) => update(played),
    };

    function update(shownYear) {
      const include = included();
      const key = `${grouping.value}|${region.value}|${income.value}`;
      const box = include ? site.boxes[key] || site.view.box : site.view.box;
      view = Object.assign({}, site.view, { year: shownYear, include: include, box: box });
      globalThis.HMHBMap.mount(host, shapes, view, handlers);
      follow(shownYear);
    }

    grouping.addEventListener("change", () => {
      fillRegions();
      update(Number(year.value));
    });
    region.addEventListener("change", () => update(Number(year.value)));
    income.addEventListener("change", () => update(Number(year.value)));
    year.addEventListener("input", () => update(Number(year.value)));
    grouping.value = "unicef";
    fillRegions();
    income.value = "";
    update(Number(year.value));
    const label = host.querySelector(".hmhb-year");
    if (label && globalThis.MutationObserver) {
      new MutationObserver(() => {
        const shown = Number(label.textContent);
        if (shown && String(shown) !== year.value) follow(shown);
      }).observe(label, { childList: true, characterData: true, subtree: true });
    }
  }

  // --- The embed: the map alone; a click opens the country page in a new tab --------------------
  function initEmbed(site) {
    const handlers = {
      onCountry: (iso3) => {
        const href = countryPage("", iso3);
        if (href && site.shapes.n[iso3]) window.open(href, "_blank", "noopener");
      },
    };
    globalThis.HMHBMap.mount(byId("map"), site.shapes, site.view, handlers);
  }

  // --- The evidence library ----------------------------------------------------------------------
  function normalise(value) {
    return value
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  function initEvidence(site) {
    const list = byId("evidence-list");
    const items = Array.from(list.children);
    items.forEach((item, index) => (item.__order = index));
    const fields = {
      q: byId("q"),
      grouping: byId("ev-grouping"),
      region: byId("ev-region"),
      country: byId("ev-country"),
      topic: byId("ev-topic"),
      type: byId("ev-type"),
      from: byId("ev-from"),
      to: byId("ev-to"),
    };
    const bounds = [Number(fields.from.min), Number(fields.to.max)];

    function fillRegions() {
      const keep = fields.region.options[0];
      fields.region.replaceChildren(keep);
      for (const [value, label] of [...(site.regions[fields.grouping.value] || []), site.global]) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        fields.region.appendChild(option);
      }
      fields.region.value = "";
    }

    const has = (item, attr, value) => (item.getAttribute(attr) || "").split("|").includes(value);

    function apply() {
      const words = [...new Set(normalise(fields.q.value).split(" ").filter(Boolean))].slice(0, 12);
      let low = Number(fields.from.value) || bounds[0];
      let high = Number(fields.to.value) || bounds[1];
      if (low > high) [low, high] = [high, low];
      const everyYear = low <= bounds[0] && high >= bounds[1];
      const shown = [];
      for (const item of items) {
        const year = item.getAttribute("data-year");
        let ok =
          (!fields.region.value || has(item, `data-r-${fields.grouping.value}`, fields.region.value)) &&
          (!fields.country.value || has(item, "data-countries", fields.country.value)) &&
          (!fields.topic.value || has(item, "data-topics", fields.topic.value)) &&
          (!fields.type.value || item.getAttribute("data-type") === fields.type.value) &&
          (everyYear || (year !== "" && Number(year) >= low && Number(year) <= high));
        if (ok && words.length) {
          const textKey = item.getAttribute("data-text");
          ok = words.every((w) => textKey.includes(w));
        }
        item.hidden = !ok;
        if (ok) {
          const title = item.getAttribute("data-title");
          shown.push([words.filter((w) => title.includes(w)).length, item]);
        }
      }
      // Title matches first, then the library's order (newest first).
      shown.sort((a, b) => b[0] - a[0] || a[1].__order - b[1].__order);
      const hidden = items.filter((item) => item.hidden);
      for (const [, item] of shown) list.appendChild(item);
      for (const item of hidden) list.appendChild(item);
      byId("ev-count").textContent = fill(plural(site, site.text.shown, items.length), {
        n: shown.length,
        total: items.length,
      });
      byId("ev-none").hidden = shown.length > 0;
    }

    byId("evidence-filters").addEventListener("submit", (event) => event.preventDefault());
    byId("evidence-filters").addEventListener("reset", () =>
      window.setTimeout(() => {
        fillRegions();
        apply();
      }),
    );
    fields.grouping.addEventListener("change", () => {
      fillRegions();
      apply();
    });
    for (const name of ["q", "region", "country", "topic", "type", "from", "to"]) {
      fields[name].addEventListener("input", apply);
      fields[name].addEventListener("change", apply);
    }
    fillRegions();
    apply();
  }

  const site = siteData();
  const page = document.body.className;
  if (site && page.includes("page-map")) initIndex(site);
  else if (site && page.includes("page-embed")) initEmbed(site);
  else if (site && page.includes("page-evidence")) initEvidence(site);
})();
