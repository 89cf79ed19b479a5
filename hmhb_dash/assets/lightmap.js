// The light world map: draws the server-built Equal Earth shapes as SVG, colours them by stage (or
// by a count) for a year, shows a hover card and a legend, and plays adoption year by year.
// Plain script, no framework: the app's component and the static site both load it.
// Every text comes from data, so it is only ever set with textContent / setAttribute, never parsed.
(function (root) {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const COLOUR = /^#[0-9a-fA-F]{6}$/;

  function make(tag, attrs, parent, ns) {
    const node = ns ? document.createElementNS(NS, tag) : document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (parent) parent.appendChild(node);
    return node;
  }

  function fill(colour) {
    return COLOUR.test(colour) ? colour : "#d9d9d9";
  }

  // (stage, since text) of a country in a year, from the compact per-year table.
  function stageIn(shapes, iso3, year) {
    const entry = shapes.t[iso3];
    const index = year - shapes.first;
    if (!entry || index < 0) return [0, ""];
    const mark = Number(entry.years[Math.min(index, entry.years.length - 1)]);
    return mark ? entry.periods[mark - 1] : [0, ""];
  }

  function countBin(edges, count) {
    let bin = 0;
    for (let i = 0; i < edges.length; i++) if (count >= edges[i]) bin = i;
    return bin;
  }

  class LightMap {
    constructor(container, shapes) {
      this.shapes = shapes;
      this.view = null;
      this.handlers = {};
      this.shown = null; // the year on screen (differs from the view's while playing)
      this.timer = null;
      const box = make("div", { class: "hmhb-map" }, container);
      this.box = box;
      const bar = make("div", { class: "hmhb-map-bar" }, box);
      this.play = make("button", { type: "button", class: "hmhb-play" }, bar);
      this.status = make("span", { class: "hmhb-status", "aria-live": "polite" }, bar);
      const stage = make("div", { class: "hmhb-map-stage" }, box);
      this.svg = make("svg", { xmlns: NS, role: "img", preserveAspectRatio: "xMidYMid meet" }, stage, true);
      this.svgTitle = make("title", {}, this.svg, true);
      const countries = make("g", { class: "hmhb-countries" }, this.svg, true);
      this.nodes = {};
      for (const [iso3, d] of shapes.c) {
        const path = make("path", { d: d, "data-iso3": iso3, class: "hmhb-c" }, countries, true);
        this.nodes[iso3] = { shape: path, title: make("title", {}, path, true) };
      }
      const dots = make("g", { class: "hmhb-dots" }, this.svg, true);
      for (const [iso3, x, y] of shapes.m) {
        const dot = make("circle", { cx: x, cy: y, r: 3.2, "data-iso3": iso3, class: "hmhb-dot" }, dots, true);
        if (this.nodes[iso3]) this.nodes[iso3].dot = dot;
      }
      this.yearLabel = make("div", { class: "hmhb-year", "aria-hidden": "true" }, stage);
      this.tip = make("div", { class: "hmhb-tip", role: "tooltip" }, stage);
      this.tip.hidden = true;
      this.legend = make("ul", { class: "hmhb-legend" }, box);
      // One set of listeners for the life of the map: they read this.view, so a new view never
      // adds handlers.
      this.svg.addEventListener("pointermove", (event) => this.hover(event));
      this.svg.addEventListener("pointerleave", () => (this.tip.hidden = true));
      this.svg.addEventListener("click", (event) => {
        const iso3 = this.target(event);
        if (iso3 && this.handlers.onCountry) this.handlers.onCountry(iso3);
      });
      this.play.addEventListener("click", () => (this.timer ? this.stop(true) : this.start()));
    }

    target(event) {
      const node = event.target.closest ? event.target.closest("[data-iso3]") : null;
      if (!node || node.classList.contains("hmhb-out")) return null;
      return node.getAttribute("data-iso3");
    }

    update(view, handlers) {
      this.handlers = handlers || {};
      const changed = !this.view || this.view.year !== view.year || this.view.layer !== view.layer;
      this.view = view;
      this.include = view.include ? new Set(view.include) : null;
      this.svg.setAttribute("viewBox", view.box.join(" "));
      const playable = view.layer === "stage" && view.play;
      this.play.hidden = !playable;
      if (!playable && this.timer) this.stop(false);
      if (this.timer && !changed) return; // a rerun while playing keeps the animation going
      if (this.timer) this.stop(false);
      this.draw(view.year);
    }

    inView(iso3) {
      return !this.include || this.include.has(iso3);
    }

    draw(year) {
      const view = this.view;
      const text = view.text;
      this.shown = year;
      const tally = new Map();
      for (const [iso3, node] of Object.entries(this.nodes)) {
        const inside = this.inView(iso3);
        const name = this.shapes.n[iso3] || iso3;
        let colour = "#f3f3f3";
        let label = name;
        let marked = false;
        if (inside && view.layer === "stage") {
          const [stage, since] = stageIn(this.shapes, iso3, year);
          colour = fill(view.legend[stage][1]);
          label = `${name}: ${view.legend[stage][0]}` + (since ? `, ${text.since} ${since}` : "");
          tally.set(stage, (tally.get(stage) || 0) + 1);
          marked = stage > 0;
        } else if (inside) {
          const count = view.counts[iso3] || 0;
          const bin = countBin(view.edges, count);
          colour = fill(view.legend[bin][1]);
          label = `${name}: ${count} ${view.what}`;
          tally.set(bin, (tally.get(bin) || 0) + 1);
          marked = count > 0;
        }
        node.shape.setAttribute("fill", colour);
        node.shape.classList.toggle("hmhb-out", !inside);
        node.title.textContent = inside ? label : "";
        node.label = label;
        if (node.dot) {
          node.dot.setAttribute("fill", colour);
          node.dot.classList.toggle("hmhb-hidden", !(inside && marked));
        }
      }
      this.legend.replaceChildren();
      if (view.layer !== "stage") {
        // Bins of a count need their unit: "Organisations active: 0, 1, 2-3 ..."
        const what = make("li", { class: "hmhb-legend-title" }, this.legend);
        what.textContent = `${view.what.charAt(0).toUpperCase()}${view.what.slice(1)}:`;
      }
      const summary = [];
      view.legend.forEach(([label, colour], index) => {
        const item = make("li", {}, this.legend);
        make("span", { class: "hmhb-swatch", style: `background:${fill(colour)}` }, item);
        const count = tally.get(index) || 0;
        make("span", {}, item).textContent = view.layer === "stage" ? `${label} (${count})` : label;
        if (view.layer === "stage" && count) summary.push(`${count} ${label}`);
      });
      const aria = view.layer === "stage" ? `${text.aria} ${year}: ${summary.join(", ")}.` : `${text.aria}.`;
      this.svg.setAttribute("aria-label", aria);
      this.svgTitle.textContent = aria;
      this.yearLabel.textContent = String(year);
      this.setPlayLabel();
    }

    hover(event) {
      const iso3 = this.target(event);
      if (!iso3) {
        this.tip.hidden = true;
        return;
      }
      const node = this.nodes[iso3];
      this.tip.replaceChildren();
      const [name, ...rest] = node.label.split(": ");
      make("strong", {}, this.tip).textContent = name;
      make("span", {}, this.tip).textContent = rest.join(": ");
      make("em", {}, this.tip).textContent = this.view.text.click;
      this.tip.hidden = false;
      const frame = this.tip.parentElement.getBoundingClientRect();
      const x = event.clientX - frame.left;
      const y = event.clientY - frame.top;
      const left = Math.min(Math.max(x + 14, 4), frame.width - this.tip.offsetWidth - 4);
      const top = y + 18 + this.tip.offsetHeight > frame.height ? y - this.tip.offsetHeight - 12 : y + 18;
      this.tip.style.left = `${left}px`;
      this.tip.style.top = `${Math.max(top, 4)}px`;
    }

    setPlayLabel() {
      const text = this.view.text;
      const [from, to] = this.playRange();
      this.play.textContent = this.timer ? `\u275a\u275a ${text.pause}` : `\u25b6 ${text.play}`;
      this.play.setAttribute(
        "aria-label",
        this.timer ? text.pause : `${text.play} ${from}\u2013${to}`,
      );
      this.play.setAttribute("aria-pressed", this.timer ? "true" : "false");
    }

    playRange() {
      const view = this.view;
      const to = view.year > view.from ? view.year : view.last;
      return [view.from, to];
    }

    start() {
      const [from, to] = this.playRange();
      const reduced = root.matchMedia && root.matchMedia("(prefers-reduced-motion: reduce)").matches;
      let year = from;
      this.draw(year);
      this.timer = root.setInterval(() => {
        year += 1;
        if (year > to) return this.stop(true);
        this.draw(year);
        this.status.textContent = String(year);
      }, reduced ? 1200 : 650);
      this.setPlayLabel();
    }

    stop(report) {
      root.clearInterval(this.timer);
      this.timer = null;
      this.setPlayLabel();
      // The rest of the page follows the year on screen once the animation stops.
      if (report && this.shown !== this.view.year && this.handlers.onYear) this.handlers.onYear(this.shown);
    }
  }

  // Show `view` in `container`, reusing the map already there when it has the same shapes.
  function mount(container, shapes, view, handlers) {
    let map = container.__hmhbMap;
    if (!map || map.shapes !== shapes) {
      // Only our own node goes: the container also holds the host's stylesheet.
      if (map) map.box.remove();
      map = new LightMap(container, shapes);
      container.__hmhbMap = map;
    }
    map.update(view, handlers);
    return map;
  }

  root.HMHBMap = { mount: mount, stageIn: stageIn };
})(globalThis);
