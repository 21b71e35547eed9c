// The demo page: a fictional casino page that mints demo-player tokens and
// starts the widget. Served as a file so the page's CSP forbids inline script.
"use strict";
const LOCALE_KEY = "northwind-demo-locale";

// Page texts (only those that differ in Russian; the widget has its own).
const RU = {
  h1: "Крутите, выигрывайте и получайте помощь <em>в любое время</em>.",
  lead: "Вымышленное казино для знакомства со Switchboard — чат-ботом поддержки с передачей оператору.",
  c1t: "Приветственный бонус", c1: "100% на первый депозит. Спросите бота, как его активировать.",
  c2t: "Быстрые выводы", c2: "Карты, электронные кошельки, банковский перевод и криптовалюта.",
  c3t: "Поддержка 24/7", c3: "Бот отвечает сразу; специалист подключается, когда нужно.",
  footer: "Northwind Casino — вымышленное казино. Играйте ответственно.",
  demo: "Это демо-игрок; токены выдаёт <code>/demo/token</code> только в режиме <code>--demo</code>.",
};
const EN = {};
document.querySelectorAll("[data-i18n]").forEach((el) => { EN[el.dataset.i18n] = el.innerHTML; });

let locale = localStorage.getItem(LOCALE_KEY) || (navigator.language || "en").slice(0, 2);
if (locale !== "ru") locale = "en";

// Mints a token for this browser's demo player (the server keeps it in a
// cookie, so it stays the same across reloads).
async function getToken() {
  const res = await fetch("/demo/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin", // the demo player is this browser's cookie
    body: JSON.stringify({ locale }),
  });
  if (!res.ok) throw new Error("demo token: HTTP " + res.status);
  const data = await res.json();
  if (data.player && data.player.id) {
    const who = document.getElementById("player");
    who.textContent = (locale === "ru" ? "Демо-игрок: " : "Demo player: ") +
      (data.player.name || "") + " (" + data.player.id + ")";
  }
  return data.token || null;
}

function apply(l) {
  locale = l;
  localStorage.setItem(LOCALE_KEY, l);
  document.documentElement.lang = l;
  // Static, trusted page strings only.
  document.querySelectorAll("[data-i18n]").forEach((el) => {
    const key = el.dataset.i18n;
    el.innerHTML = (l === "ru" ? RU : EN)[key] || EN[key];
  });
  document.querySelectorAll(".locale button").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.locale === l));
  });
  window.widget = Switchboard.init({ getToken, locale: l, open: true });
}

document.querySelectorAll(".locale button").forEach((b) => {
  b.addEventListener("click", () => { if (b.dataset.locale !== locale) apply(b.dataset.locale); });
});
apply(locale);
