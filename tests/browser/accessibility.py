"""The automated accessibility check every page in the browser tests passes: inputs
labelled, images described, headings in order, a language, text contrast (WCAG 2.1 AA),
a visible keyboard focus, and no horizontal scrolling at 200% zoom."""

from __future__ import annotations

from playwright.sync_api import Page

# Run in the page: a list of problems, each naming the element.
_FINDINGS = """
() => {
  const problems = [];
  const name = (el) => el.outerHTML.slice(0, 120);
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  if (!document.title.trim()) problems.push("the page has no title");
  const fields = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]),"
    + " select, textarea");
  for (const el of fields) {
    const labelled = (el.labels && el.labels.length > 0) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!labelled) problems.push("input without a label: " + name(el));
  }
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) problems.push("image without alt: " + name(el));
  }
  for (const el of document.querySelectorAll("svg")) {
    if (el.getAttribute("aria-hidden") === "true") continue;
    const described = el.querySelector("title") || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby");
    if (!described) problems.push("svg without a title: " + name(el));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    const text = (el.innerText || "").trim() || el.getAttribute("aria-label")
      || el.getAttribute("title");
    // checkVisibility: not offsetParent, which a control inside a closed <details> still has
    if (!text && el.checkVisibility()) problems.push("control without a name: " + name(el));
  }
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) problems.push(`${h1s.length} <h1> on the page (one expected)`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (level === 0 && next !== 1) problems.push("the first heading is not <h1>: " + name(h));
    if (level && next > level + 1)
      problems.push(`heading skips from h${level} to h${next}: ` + name(h));
    level = next;
  }
  const ids = new Map();
  for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  for (const [id, count] of ids) if (count > 1) problems.push(`id "${id}" used ${count} times`);
  // Contrast of text against the first opaque background behind it.
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const parts = rgb(getComputedStyle(node).backgroundColor);
      if (parts.length === 3 || (parts.length === 4 && parts[3] > 0.5)) return parts.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const fg = lum(rgb(style.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ` + name(el));
  }
  return problems;
}
"""

_FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing took the focus";
  const style = getComputedStyle(el);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    ? "" : "the focused element shows no outline: " + el.outerHTML.slice(0, 120);
}
"""

_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def accessibility_problems(page: Page) -> list[str]:
    """What the page fails of the check (empty: it passes). The page is left as it was
    found, at its own viewport size."""
    page.wait_for_load_state("load")  # the style sheet applied: else the focus ring is the default
    problems: list[str] = page.evaluate(_FINDINGS)
    page.keyboard.press("Tab")
    if focus := page.evaluate(_FOCUS):
        problems.append(focus)
    size = page.viewport_size or {"width": 1280, "height": 900}
    # 200% zoom: the same window shows half as many CSS pixels.
    page.set_viewport_size({"width": size["width"] // 2, "height": size["height"] // 2})
    try:
        if (overflow := page.evaluate(_OVERFLOW)) > 1:
            problems.append(f"at 200% zoom the page scrolls sideways by {overflow}px")
    finally:
        page.set_viewport_size(size)
    return problems


def assert_accessible(page: Page) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{page.url} fails the accessibility check:\n" + "\n".join(problems)
