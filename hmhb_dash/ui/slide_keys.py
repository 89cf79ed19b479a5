"""Presentation keys: a small component that turns clicker and keyboard presses into slide steps.

Clickers send PageDown/PageUp; people also use Space and the arrow keys. Streamlit's button shortcuts
take one key each and ignore PageDown, so one listener on the page's document does it all and sends
"next", "previous" or "leave" back to Python as a trigger (it lasts one rerun).
"""

from __future__ import annotations

import streamlit as st

ACTIONS = ("next", "previous", "leave")

# The listener is kept on the document under one name and replaced, never added twice: the module
# runs again on every rerun that sends new data, and on every return to the page.
_JS = """
const KEYS = {
  PageDown: "next", ArrowRight: "next", ArrowDown: "next", " ": "next", Spacebar: "next",
  PageUp: "previous", ArrowLeft: "previous", ArrowUp: "previous",
  Escape: "leave",
};
const SLOT = "__mmsSlideKeys";

function busy(target, key) {
  // Keys belong to a field being typed in or a list being chosen from, and Space to a focused button.
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  if (target.closest("input, textarea, select, [role='combobox'], [role='listbox'], [role='slider']")) {
    return true;
  }
  if (key === " " && target.closest("button, a, summary")) return true;
  return false;
}

function somethingOpen(doc) {
  // Escape first closes an open menu, popover or dialog.
  return Boolean(doc.querySelector(
    "[data-testid='stPopoverBody'], [role='dialog'], [role='listbox'], [data-baseweb='popover']"
  ));
}

export default function ({ parentElement, setTriggerValue }) {
  const doc = (parentElement && parentElement.ownerDocument) || document;
  const onKey = (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    const action = KEYS[event.key];
    if (!action || busy(event.target, event.key)) return;
    if (action === "leave" && somethingOpen(doc)) return;
    event.preventDefault();
    setTriggerValue("key", action);
  };
  if (doc[SLOT]) doc.removeEventListener("keydown", doc[SLOT], true);
  doc[SLOT] = onKey;
  doc.addEventListener("keydown", onKey, true);
  return () => {
    if (doc[SLOT] === onKey) {
      doc.removeEventListener("keydown", onKey, true);
      delete doc[SLOT];
    }
  };
}
"""

# Styles for the projector, mounted with the component and gone with it when the presenter leaves.
# Type follows the screen: rem-based sizes scale with the window, so a slide fits 1366x768 and 1920x1080.
_CSS = """
html { font-size: clamp(14px, calc(0.65vw + 0.95vh), 24px); }
[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2.5rem 1rem 2.5rem; max-width: none; }
/* The light map's own height limit (a CSS variable it reads through its shadow root). */
[data-testid="stMain"] { --hmhb-max-height: 52vh; }
"""

_COMPONENT = st.components.v2.component("mms_slide_keys", html="", css=_CSS, js=_JS, isolate_styles=False)


def slide_keys(key: str = "slide_keys") -> str | None:
    """Mount the key listener; returns the action pressed since the last run, or None."""
    result = _COMPONENT(key=key, data={}, on_key_change=lambda: None, width="content", height="content")
    action = getattr(result, "key", None)
    return action if action in ACTIONS else None
