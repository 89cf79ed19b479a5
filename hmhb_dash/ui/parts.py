"""Small page parts drawn by a tiny component: server-drawn SVG pictures and the link to a view.

Lighter than the Streamlit elements they replace (a code block loads a 1.5 MB highlighter), so
pages paint sooner.
"""

from __future__ import annotations

import streamlit as st

from hmhb_dash.i18n import _

# Pictures and the view link: a separate, tiny component, so their reruns do not resend the map's
# script. Every text arrives as data and is set as text; SVG is parsed as SVG, never as HTML.
_PARTS_JS = """
export default function ({ data, parentElement }) {
  let holder = parentElement.querySelector(".hmhb-part");
  if (!holder) {
    holder = document.createElement("div");
    holder.className = "hmhb-part";
    parentElement.appendChild(holder);
  }
  if (data.role === "figure") {
    const parsed = new DOMParser().parseFromString(data.svg, "image/svg+xml").documentElement;
    holder.replaceChildren(document.importNode(parsed, true));
    return;
  }
  const label = document.createElement("label");
  label.textContent = data.label;
  const field = document.createElement("input");
  field.readOnly = true;
  field.value = data.url;
  field.addEventListener("focus", () => field.select());
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = data.copy;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(data.url);
    } catch (error) {
      document.execCommand("copy");  // http:// pages have no clipboard API
    }
    button.textContent = data.copied;
  });
  label.appendChild(field);
  holder.replaceChildren(label, button);
}
"""
_PARTS_CSS = """
.hmhb-part svg { display: block; width: 100%; height: auto; }
.hmhb-part label { display: block; font-size: 0.875rem; color: #4a4a4a; }
.hmhb-part input { display: block; box-sizing: border-box; width: 100%; margin-top: 0.25rem;
  padding: 0.4rem 0.5rem; font: 0.85rem "Source Code Pro", monospace; color: #1a1a1a; background: #ffffff;
  border: 1px solid #b8b8b8; border-radius: 0.4rem; }
.hmhb-part button { margin-top: 0.4rem; font: inherit; font-size: 0.875rem; padding: 0.25rem 0.8rem;
  border: 1px solid #8a8a8a; border-radius: 0.4rem; background: #ffffff; color: #1a1a1a; cursor: pointer; }
.hmhb-part button:focus-visible, .hmhb-part input:focus-visible {
  outline: 3px solid #0b5394; outline-offset: 1px; }
"""
_PARTS = st.components.v2.component("hmhb_parts", css=_PARTS_CSS, js=_PARTS_JS)


def show_figure(svg: str, key: str) -> None:
    """A server-drawn SVG picture (a chart), scaled to the column width."""
    _PARTS(key=key, data={"role": "figure", "svg": svg}, height="content")


def show_link(url: str, key: str, where=None) -> None:
    """The link that reopens this view, in a read-only field with a Copy button."""
    with where or st.container():
        _PARTS(
            key=key,
            data={
                "role": "link",
                "url": url,
                "label": _("Link to this view"),
                "copy": _("Copy link"),
                "copied": _("Copied"),
            },
            height="content",
        )
