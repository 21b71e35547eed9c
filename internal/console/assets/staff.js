// Helpers shared by the staff pages (the operator console and the content
// editor); each page keeps its own dictionary and state.
"use strict";
window.SBStaff = {
  $: (id) => document.getElementById(id),

  // element(tr) returns h: h("div", {class: "x", text: "…", t: "UI string",
  // onclick: fn}, child…) builds an element; t is translated with tr.
  element(tr) {
    return function h(tag, attrs, ...children) {
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) {
        if (v == null || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = String(v);
        else if (k === "t") el.textContent = tr(String(v));
        else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : String(v));
      }
      for (const c of children) if (c != null && c !== false) el.append(c);
      return el;
    };
  },

  // translatePage translates the page's static text and labels (text nodes
  // and the placeholder, title and aria-label attributes) with dict, once,
  // at start; English is the page's own.
  translatePage(lang, dict, tr) {
    document.documentElement.lang = lang;
    if (lang === "en") return;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const key = n.nodeValue.trim();
      if (key && dict[key]) n.nodeValue = n.nodeValue.replace(key, dict[key]);
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      for (const a of ["placeholder", "title", "aria-label"]) {
        const v = el.getAttribute(a);
        if (v && dict[v]) el.setAttribute(a, dict[v]);
      }
    }
    document.title = tr(document.title);
  },
};
