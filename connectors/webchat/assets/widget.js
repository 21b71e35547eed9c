/*
 * Switchboard web-chat widget — player side of the protocol in
 * connectors/webchat/PROTOCOL.md. One dependency-free file, no build step.
 *
 *   Switchboard.init({ server, getToken, locale, open, container })
 *     → { open(), close(), destroy() }
 *
 * The UI lives in an open shadow root on <div id="switchboard-widget">, so the
 * host page's CSS does not leak in. Server text only ever becomes text nodes:
 * the light Markdown of operator, bot and article texts is built node by node
 * (markdown() below), never parsed as HTML; players' own texts stay plain.
 */
(function () {
  "use strict";

  // Where this script came from: the default server.
  const SCRIPT_SRC = (document.currentScript && document.currentScript.src) || "";
  const DEFAULT_SERVER = SCRIPT_SRC ? new URL(SCRIPT_SRC, location.href).origin : location.origin;

  const MAX_BYTES = 4096;         // the server's limit (UTF-8 bytes) until it tells its own
  const COUNTER_FROM = 0.85;      // show the length counter from this share of the limit on
  const TYPING_MS = 4000;         // typing indicator lifetime
  const PING_MS = 25000;          // socket keep-alive
  const STALE_MS = 65000;         // no frame for this long → the socket is dead
  const PENDING_MAX_AGE = 24 * 3600 * 1000;
  const STORE_PREFIX = "switchboard:pending:";

  const STRINGS = {
    en: {
      title: "Northwind support", openChat: "Open support chat", close: "Close",
      placeholder: "Type a message…", send: "Send", loadEarlier: "Load earlier messages",
      typing: "Support is typing…", online: "Online", connecting: "Connecting…", offline: "Offline",
      sending: "Sending…", retrying: "Not sent yet, retrying…", failed: "Not sent",
      login: "Please log in to chat with support.", tryAgain: "Try again",
      queued: "Connecting you to a specialist…", operator: "Specialist",
      stateBot: "Virtual assistant", stateQueued: "Waiting for a specialist",
      stateOperator: "Chatting with a specialist", stateClosed: "Conversation closed",
      back: "Back", loading: "Loading…", articleError: "Could not load the article.",
      unreachable: "Cannot reach support, retrying…",
      tooLong: "Too long to send: {n} characters, this message can have at most {max}. Please shorten it.",
      messages: "Messages",
      greeting: "Hi! How can we help you today? Choose a topic or type your question.",
      replyWithin: "A specialist usually answers within {time}.",
      topics: ["Deposit", "Withdrawal", "Bonuses", "Verification", "Talk to a person"],
      tgContinue: "Continue in Telegram", tgLinked: "Telegram linked", tgUnlink: "Unlink",
      tgUnlinkLabel: "Unlink Telegram", tgLinkHint: "One-time link, valid for {time}:", tgOpen: "open Telegram",
      tgLinkError: "Could not get a Telegram link. Please try again later.",
      tgUnlinked: "Telegram unlinked.", tgUnlinkError: "Could not unlink Telegram. Please try again.",
    },
    ru: {
      title: "Поддержка Northwind", openChat: "Открыть чат поддержки", close: "Закрыть",
      placeholder: "Напишите сообщение…", send: "Отправить", loadEarlier: "Показать более ранние сообщения",
      typing: "Поддержка печатает…", online: "В сети", connecting: "Подключение…", offline: "Нет связи",
      sending: "Отправка…", retrying: "Не отправлено, повторяем…", failed: "Не отправлено",
      login: "Войдите в аккаунт, чтобы написать в поддержку.", tryAgain: "Повторить",
      queued: "Подключаем специалиста…", operator: "Специалист",
      stateBot: "Виртуальный помощник", stateQueued: "Ожидание специалиста",
      stateOperator: "На связи специалист", stateClosed: "Диалог завершён",
      back: "Назад", loading: "Загрузка…", articleError: "Не удалось загрузить статью.",
      unreachable: "Нет связи с поддержкой, повторяем…",
      tooLong: "Слишком длинное сообщение: {n} симв. при допустимых {max}. Сократите его, пожалуйста.",
      messages: "Сообщения",
      greeting: "Здравствуйте! Чем можем помочь? Выберите тему или напишите свой вопрос.",
      replyWithin: "Специалист обычно отвечает в течение {time}.",
      topics: ["Пополнение", "Вывод средств", "Бонусы", "Верификация", "Связаться с оператором"],
      tgContinue: "Продолжить в Telegram", tgLinked: "Telegram привязан", tgUnlink: "Отвязать",
      tgUnlinkLabel: "Отвязать Telegram", tgLinkHint: "Одноразовая ссылка, действует в течение {time}:", tgOpen: "открыть Telegram",
      tgLinkError: "Не удалось получить ссылку на Telegram. Попробуйте позже.",
      tgUnlinked: "Telegram отвязан.", tgUnlinkError: "Не удалось отвязать Telegram. Попробуйте ещё раз.",
    },
  };

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sb-root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1f2a; }
button { font: inherit; }
.sb-launcher { position: fixed; right: 20px; bottom: 20px; width: 58px; height: 58px; border-radius: 50%;
  border: 0; background: #1f2a4d; color: #fff; cursor: pointer; z-index: 2147483000;
  box-shadow: 0 6px 20px rgba(0,0,0,.28); display: flex; align-items: center; justify-content: center; }
.sb-launcher:hover { background: #2b3a68; }
.sb-launcher:focus-visible, .sb-root button:focus-visible, .sb-article:focus-visible { outline: 3px solid #f5b942; outline-offset: 2px; }
.sb-badge { position: absolute; top: -3px; right: -3px; min-width: 20px; height: 20px; padding: 0 6px;
  border-radius: 10px; background: #e0393e; color: #fff; font-size: 12px; line-height: 20px; text-align: center; }
.sb-panel { position: fixed; right: 20px; bottom: 90px; width: 370px; height: 580px; max-height: calc(100vh - 110px);
  display: flex; flex-direction: column; background: #fff; border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.3); z-index: 2147483001; }
.sb-header { display: flex; align-items: center; gap: 10px; padding: 12px 10px 12px 16px; background: #1f2a4d; color: #fff; }
.sb-dot { width: 10px; height: 10px; border-radius: 50%; background: #9aa0ad; flex: none; }
.sb-dot[data-sb-status="online"] { background: #3ccf7a; }
.sb-dot[data-sb-status="connecting"] { background: #f5b942; }
.sb-dot[data-sb-status="offline"] { background: #e0393e; }
.sb-titles { flex: 1; min-width: 0; }
.sb-title { font-weight: 600; font-size: 15px; }
.sb-subtitle { font-size: 12px; opacity: .75; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sb-close { background: none; border: 0; color: #fff; font-size: 24px; line-height: 1; width: 34px; height: 34px; border-radius: 8px; cursor: pointer; }
.sb-close:hover { background: rgba(255,255,255,.12); }
.sb-body { position: relative; flex: 1; min-height: 0; display: flex; flex-direction: column; background: #f3f4f8; }
.sb-banner { font-size: 12px; background: #fff4dc; color: #7a5200; padding: 6px 14px; }
.sb-list { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.sb-messages, .sb-pending-list { display: flex; flex-direction: column; gap: 8px; }
.sb-load-earlier { align-self: center; background: #fff; border: 1px solid #cfd3dc; border-radius: 14px;
  padding: 4px 12px; font-size: 12px; color: #1f2a4d; cursor: pointer; }
.sb-row { display: flex; flex-direction: column; max-width: 85%; }
.sb-row[data-sb-sender="player"] { align-self: flex-end; align-items: flex-end; }
.sb-row[data-sb-sender="bot"], .sb-row[data-sb-sender="operator"], .sb-row[data-sb-sender="greeting"] { align-self: flex-start; align-items: flex-start; }
.sb-row[data-sb-sender="system"] { align-self: center; align-items: center; max-width: 95%; text-align: center; }
.sb-bubble { padding: 8px 12px; border-radius: 14px; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); max-width: 100%; }
.sb-row[data-sb-sender="player"] .sb-bubble { background: #1f2a4d; color: #fff; border-bottom-right-radius: 4px; }
.sb-row[data-sb-sender="bot"] .sb-bubble, .sb-row[data-sb-sender="greeting"] .sb-bubble { border-bottom-left-radius: 4px; }
.sb-row[data-sb-sender="operator"] .sb-bubble { background: #fff6e0; border-bottom-left-radius: 4px; }
.sb-row[data-sb-sender="system"] .sb-bubble { background: transparent; box-shadow: none; color: #5b6272; font-size: 12px; padding: 2px 8px; }
.sb-author { font-size: 11px; font-weight: 600; color: #9a6a00; margin-bottom: 2px; }
.sb-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.sb-md { white-space: normal; }
.sb-md p { margin: 0; }
.sb-md p + p, .sb-md p + ul, .sb-md p + ol, .sb-md ul + p, .sb-md ol + p { margin-top: 6px; }
.sb-md ul, .sb-md ol { margin: 4px 0 0; padding-left: 20px; }
.sb-md a { color: #1d5fd1; text-decoration: underline; }
.sb-md code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(0,0,0,.06); border-radius: 4px; padding: 0 3px; }
.sb-greeting-wait { font-size: 12px; color: #5b6272; margin-top: 4px; }
.sb-pending .sb-bubble { opacity: .55; }
.sb-failed .sb-bubble { opacity: 1; background: #fbe3e4 !important; color: #8a1c22 !important; }
.sb-status, .sb-time { font-size: 11px; color: #80869a; margin: 2px 4px 0; }
.sb-failed .sb-status { color: #c0262d; }
.sb-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.sb-button, .sb-topic { border: 1px solid #1f2a4d; color: #1f2a4d; background: #fff; border-radius: 16px; padding: 5px 12px; cursor: pointer; }
.sb-button:hover:not(:disabled), .sb-topic:hover:not(:disabled) { background: #1f2a4d; color: #fff; }
.sb-button:disabled, .sb-topic:disabled { opacity: .45; cursor: default; }
.sb-articles { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
.sb-article { color: #1d5fd1; text-decoration: underline; cursor: pointer; }
.sb-typing { padding: 2px 16px 6px; font-size: 12px; color: #5b6272; font-style: italic; background: #f3f4f8; }
.sb-composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e3e5ea; background: #fff; align-items: flex-end; }
.sb-input { flex: 1; resize: none; border: 1px solid #cfd3dc; border-radius: 10px; padding: 8px 10px; font: inherit;
  color: inherit; min-height: 38px; max-height: 120px; outline: none; background: #fff; }
.sb-input:focus { border-color: #1f2a4d; }
.sb-send { background: #f5b942; color: #1f2a4d; border: 0; border-radius: 10px; padding: 0 14px; height: 38px; font-weight: 600; cursor: pointer; }
.sb-send:disabled { opacity: .5; cursor: default; }
.sb-counter { font-size: 11px; color: #6b7280; padding: 0 12px 8px; background: #fff; }
.sb-counter.sb-over { color: #c0262d; }
.sb-tg { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 8px; padding: 0 12px 8px; background: #fff;
  font-size: 12px; color: #5b6272; }
.sb-tg svg { flex: none; color: #229ed9; }
.sb-tg-btn, .sb-tg-unlink { background: none; border: 0; border-radius: 4px; padding: 2px 0; color: #1d5fd1; cursor: pointer; font-size: 12px; }
.sb-tg-btn { display: inline-flex; align-items: center; gap: 5px; }
.sb-tg-btn:hover:not(:disabled) span, .sb-tg-unlink:hover:not(:disabled) { text-decoration: underline; }
.sb-tg-btn:disabled, .sb-tg-unlink:disabled { opacity: .5; cursor: default; }
.sb-tg-linked { display: inline-flex; align-items: center; gap: 5px; }
.sb-tg-hint { flex-basis: 100%; }
.sb-tg-hint.sb-error { color: #c0262d; }
.sb-tg-hint a { color: #1d5fd1; }
.sb-login { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 14px; padding: 24px; text-align: center; }
.sb-login-retry, .sb-back { background: #fff; border: 1px solid #1f2a4d; color: #1f2a4d; border-radius: 8px; padding: 6px 14px; cursor: pointer; }
.sb-overlay { position: absolute; inset: 0; background: #fff; display: flex; flex-direction: column; z-index: 2; }
.sb-overlay-head { padding: 8px 10px; border-bottom: 1px solid #e3e5ea; }
.sb-article-title { font-size: 16px; margin: 0; padding: 12px 16px 0; }
.sb-article-text { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 16px 16px; overflow-y: auto; flex: 1; }
.sb-article-text .sb-md p + p { margin-top: 10px; }
@media (max-width: 480px) {
  .sb-panel { inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; }
}`;

  // ---- small helpers --------------------------------------------------------

  // h("div", {class: "x", text: "…", onclick: fn}, child…) builds an element.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c) el.append(c);
    return el;
  }

  // icon is a square SVG of one path in the text colour.
  function icon(size, d) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    const p = document.createElementNS(ns, "path");
    p.setAttribute("fill", "currentColor");
    p.setAttribute("d", d);
    svg.append(p);
    return svg;
  }

  const chatIcon = () => icon(28, "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z");
  // Telegram's paper plane, for the "Continue in Telegram" line.
  const telegramIcon = () => icon(14, "M21.9 4.4 18.7 19.6c-.2 1.1-.9 1.3-1.8.8l-4.9-3.6-2.4 2.3c-.3.3-.5.5-1 .5l.4-5 9.1-8.2c.4-.4-.1-.6-.6-.2L6.2 13.3 1.4 11.8c-1-.3-1.1-1 .2-1.5L20.5 3c.9-.3 1.7.2 1.4 1.4z");

  const byteLength = (s) => new TextEncoder().encode(s).length;
  // Characters as a player counts them: code points ("ё" and "😀" are one each).
  const charCount = (s) => { let n = 0; for (const _ of s) n++; return n; };

  // markdown renders the light Markdown of operator, bot and article texts —
  // paragraphs, line breaks, "- "/"• " and "1. " lists, **bold**, *italic*,
  // `code`, [links](https://…) and bare http(s) links — as DOM nodes built one
  // by one: nothing is ever parsed as HTML. Only http, https and mailto links
  // become links, opening in a new tab with rel="noopener noreferrer";
  // anything else stays text.
  function markdown(src) {
    const root = h("div", { class: "sb-text sb-md" });
    for (const block of String(src).replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/)) {
      let p = null;
      let list = null;
      for (const line of block.split("\n")) {
        const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
        const numbered = bullet ? null : /^\s*(\d{1,3})[.)]\s+(.*)$/.exec(line);
        if (bullet || numbered) {
          const tag = bullet ? "ul" : "ol";
          p = null;
          if (!list || list.tagName.toLowerCase() !== tag) {
            root.append(list = h(tag, numbered && numbered[1] !== "1" ? { start: numbered[1] } : {}));
          }
          list.append(inline(h("li"), bullet ? bullet[1] : numbered[2]));
          continue;
        }
        list = null;
        if (!line.trim()) continue;
        if (p) p.append(h("br"));
        else root.append(p = h("p"));
        inline(p, line);
      }
    }
    return root;
  }

  const INLINE = /\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()«»"“”]+[^\s<>().,;:!?'"«»“”])|\*\*([^*\n]+)\*\*|`([^`\n]+)`|\*([^*\s][^*\n]*)\*/g;

  // inline appends text to el with links, bold, italic and code as nodes.
  function inline(el, text) {
    let at = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > at) el.append(text.slice(at, m.index));
      if (m[1] != null) el.append(link(m[2], m[1]));
      else if (m[3] != null) el.append(link(m[3], m[3]));
      else if (m[4] != null) el.append(h("strong", { text: m[4] }));
      else if (m[5] != null) el.append(h("code", { text: m[5] }));
      else el.append(h("em", { text: m[6] }));
      at = m.index + m[0].length;
    }
    if (at < text.length) el.append(text.slice(at));
    return el;
  }

  // link is an anchor for an http(s) or mailto address, else plain text.
  function link(href, label) {
    let url = null;
    try { url = new URL(href); } catch (_) { /* relative or malformed: text */ }
    if (!url || !["http:", "https:", "mailto:"].includes(url.protocol)) {
      return document.createTextNode(label === href ? href : `${label} (${href})`);
    }
    return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  // replyTime says a first-answer target in words: "3 minutes", "3 минут"
  // (as in "within …", "в течение …"); "" when there is none.
  function replyTime(seconds, locale) {
    const s = Number(seconds);
    if (!Number.isFinite(s) || s <= 0) return "";
    const hours = s >= 3600 && s % 3600 === 0;
    const n = hours ? s / 3600 : Math.max(1, Math.round(s / 60));
    if (locale === "ru") {
      const [one, many] = hours ? ["часа", "часов"] : ["минуты", "минут"];
      return `${n} ${n % 10 === 1 && n % 100 !== 11 ? one : many}`;
    }
    return `${n} ${hours ? "hour" : "minute"}${n === 1 ? "" : "s"}`;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = Array.from(b, (n) => n.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  // The token's subject, to keep one player's unsent messages from another's.
  function tokenSubject(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const bin = atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "="));
      const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
      return String(JSON.parse(json).sub || "");
    } catch (_) {
      return "";
    }
  }

  function pickLocale(opt) {
    const l = String(opt || document.documentElement.lang || navigator.language || "en").toLowerCase();
    return l.startsWith("ru") ? "ru" : "en";
  }

  // Exponential backoff 1 s → 30 s with ±20 % jitter.
  const backoff = (attempt) => Math.min(30000, 1000 * 2 ** Math.min(attempt, 5) * (0.8 + Math.random() * 0.4));

  class HttpError extends Error {
    constructor(status, message, code, retryAfter) {
      super(message || `HTTP ${status}`);
      this.status = status;        // 0 = network error
      this.code = code || "";
      this.retryAfter = retryAfter; // seconds, for 429
    }
    get transient() { return this.status === 0 || this.status >= 500; }
  }
  class LoginRequired extends Error {}
  class Aborted extends Error {}

  // ---- the widget -------------------------------------------------------------

  class Widget {
    constructor(opts) {
      this.opts = opts;
      this.server = new URL(opts.server || DEFAULT_SERVER, location.href).href.replace(/\/+$/, "");
      this.locale = pickLocale(opts.locale);
      this.t = STRINGS[this.locale];
      this.getToken = typeof opts.getToken === "function" ? opts.getToken : async () => null;
      this.maxBytes = MAX_BYTES;          // the server's, once it says (start response)

      this.abort = new AbortController(); // cancels every fetch on destroy
      this.timers = new Set();
      this.wakers = new Set();            // resolvers of sleeping retries
      this.reset();
      this.queue = [];                    // unsent player messages, in order
      this.storageKey = null;

      this.build(opts.container || document.body);
      this.onOnline = () => { this.wakeAll(); if (this.ready && !this.ws) this.connect(true, 0); };
      this.onOffline = () => this.setConn("offline");
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
      // Back from Telegram with a link outstanding: has it been used?
      this.onReturn = () => {
        if (document.visibilityState !== "visible") return;
        if (this.tgWaiting()) this.checkTelegram();
        // Replaced by a newer tab (4409): take the chat back when looked at.
        if (this.replaced && this.ready && !this.ws) { this.replaced = false; this.connect(true, 0); }
      };
      window.addEventListener("focus", this.onReturn);
      document.addEventListener("visibilitychange", this.onReturn);

      if (opts.open) this.open();
      else if (this.hasStoredPending()) this.start(); // resend last page's unsent messages
    }

    reset() {
      this.msgs = new Map();     // id → {m, el}
      this.ids = [];             // sorted ids
      this.clientIds = new Set();
      this.noteSeq = 0;
      this.hasMore = false;
      this.conversation = null;
      this.convState = null;
      this.statusNote = null;    // the one live status line ("Connecting you…")
      this.greetingEl = null;    // the first-open greeting, while shown
    }

    // ---- DOM -----------------------------------------------------------------

    build(container) {
      const t = this.t;
      document.getElementById("switchboard-widget")?.remove();
      this.host = h("div", { id: "switchboard-widget" });
      const root = this.host.attachShadow({ mode: "open" });
      // A constructed style sheet, not a <style> element: it works under a
      // host page's CSP without 'unsafe-inline' for styles.
      if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.append(h("style", { text: CSS }));
      }

      this.badge = h("span", { class: "sb-badge", hidden: true, "aria-hidden": "true" });
      this.launcher = h("button", { class: "sb-launcher", type: "button", "aria-label": t.openChat, title: t.openChat,
        "aria-expanded": "false", onclick: () => (this.isOpen ? this.close() : this.open()) }, chatIcon(), this.badge);

      this.dot = h("span", { class: "sb-dot", role: "img" });
      this.subtitle = h("div", { class: "sb-subtitle" });
      const header = h("div", { class: "sb-header" }, this.dot,
        h("div", { class: "sb-titles" }, h("div", { class: "sb-title", text: t.title }), this.subtitle),
        h("button", { class: "sb-close", type: "button", "aria-label": t.close, title: t.close, text: "×", onclick: () => this.close() }));

      this.banner = h("div", { class: "sb-banner", role: "status", hidden: true });
      this.loadEarlierBtn = h("button", { class: "sb-load-earlier", type: "button", text: t.loadEarlier, hidden: true,
        onclick: () => this.loadEarlier() });
      this.msgsEl = h("div", { class: "sb-messages" });
      this.pendEl = h("div", { class: "sb-pending-list" });
      this.list = h("div", { class: "sb-list", role: "log", "aria-live": "polite", "aria-label": t.messages },
        this.loadEarlierBtn, this.msgsEl, this.pendEl);
      this.typingEl = h("div", { class: "sb-typing", text: t.typing, hidden: true, "aria-live": "polite" });

      this.loginEl = h("div", { class: "sb-login", hidden: true },
        h("p", { class: "sb-login-text", text: t.login }),
        h("button", { class: "sb-login-retry", type: "button", text: t.tryAgain, onclick: () => this.start() }));

      this.overlayTitle = h("h2", { class: "sb-article-title" });
      this.overlayText = h("div", { class: "sb-article-text" });
      this.backBtn = h("button", { class: "sb-back", type: "button", text: "← " + t.back, onclick: () => this.closeArticle() });
      this.overlay = h("div", { class: "sb-overlay", hidden: true, role: "document" },
        h("div", { class: "sb-overlay-head" }, this.backBtn), this.overlayTitle, this.overlayText);

      this.input = h("textarea", { class: "sb-input", rows: "1", placeholder: t.placeholder, "aria-label": t.placeholder,
        oninput: () => this.onInput(), onkeydown: (e) => this.onKey(e) });
      this.sendBtn = h("button", { class: "sb-send", type: "button", text: t.send, onclick: () => this.submit() });
      this.composer = h("div", { class: "sb-composer" }, this.input, this.sendBtn);
      this.counter = h("div", { class: "sb-counter", hidden: true, "aria-live": "polite" });

      // "Continue in Telegram", or "Telegram linked · Unlink": shown only
      // when the server has Telegram on (checkTelegram).
      this.tgContinueBtn = h("button", { class: "sb-tg-btn", type: "button", "data-sb-telegram": "continue",
        "aria-label": t.tgContinue, onclick: () => this.linkTelegram() }, telegramIcon(), h("span", { text: t.tgContinue }));
      this.tgUnlinkBtn = h("button", { class: "sb-tg-unlink", type: "button", "data-sb-telegram": "unlink",
        "aria-label": t.tgUnlinkLabel, text: t.tgUnlink, onclick: () => this.unlinkTelegram() });
      this.tgLinkedEl = h("span", { class: "sb-tg-linked", "data-sb-telegram": "linked", hidden: true },
        telegramIcon(), h("span", { text: t.tgLinked }), h("span", { "aria-hidden": "true", text: "·" }), this.tgUnlinkBtn);
      this.tgHint = h("div", { class: "sb-tg-hint", role: "status", "aria-live": "polite", hidden: true });
      this.tgBar = h("div", { class: "sb-tg", hidden: true }, this.tgContinueBtn, this.tgLinkedEl, this.tgHint);

      this.body = h("div", { class: "sb-body" }, this.banner, this.list, this.loginEl, this.overlay);
      this.panel = h("div", { class: "sb-panel", role: "dialog", "aria-label": t.title, hidden: true,
        lang: this.locale, onkeydown: (e) => this.onPanelKey(e) },
        header, this.body, this.typingEl, this.composer, this.counter, this.tgBar);

      root.append(h("div", { class: "sb-root", lang: this.locale }, this.launcher, this.panel));
      container.append(this.host);
      this.setConn("offline");
      this.updateSubtitle();
    }

    setConn(status) {
      this.conn = status;
      this.dot.setAttribute("data-sb-status", status);
      this.dot.title = this.t[status];
      this.dot.setAttribute("aria-label", this.t[status]);
      this.updateSubtitle();
    }

    updateSubtitle() {
      const t = this.t;
      const byState = { bot: t.stateBot, queued: t.stateQueued, with_operator: t.stateOperator, closed: t.stateClosed };
      this.subtitle.textContent = this.conn === "online" ? byState[this.convState] || t.online : t[this.conn];
    }

    setBanner(text) {
      this.banner.textContent = text || "";
      this.banner.hidden = !text;
    }

    nearBottom() {
      return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    }

    scrollDown() {
      this.list.scrollTop = this.list.scrollHeight;
    }

    // ---- open / close / destroy ------------------------------------------------

    open() {
      if (this.destroyed) return;
      this.isOpen = true;
      this.panel.hidden = false;
      this.launcher.setAttribute("aria-expanded", "true");
      this.unread = 0;
      this.badge.hidden = true;
      if (!this.started) this.start();
      this.scrollDown();
      if (!this.loginEl.hidden) this.loginEl.querySelector("button").focus();
      else this.input.focus();
    }

    close() {
      if (this.destroyed) return;
      const hadFocus = this.host.shadowRoot.activeElement && this.panel.contains(this.host.shadowRoot.activeElement);
      this.isOpen = false;
      this.panel.hidden = true;
      this.launcher.setAttribute("aria-expanded", "false");
      if (hadFocus) this.launcher.focus();
    }

    destroy() {
      if (this.destroyed) return;
      this.destroyed = true;
      this.abort.abort();
      this.dropSocket();
      for (const id of this.timers) clearTimeout(id);
      this.timers.clear();
      this.wakeAll();
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
      window.removeEventListener("focus", this.onReturn);
      document.removeEventListener("visibilitychange", this.onReturn);
      this.host.remove();
    }

    later(fn, ms) {
      const id = setTimeout(() => { this.timers.delete(id); fn(); }, ms);
      this.timers.add(id);
      return id;
    }

    clearLater(id) {
      if (id == null) return;
      clearTimeout(id);
      this.timers.delete(id);
    }

    // Sleep that destroy() and the browser's "online" event cut short.
    sleep(ms) {
      return new Promise((resolve) => {
        const done = () => { this.wakers.delete(done); this.clearLater(id); resolve(); };
        const id = this.later(done, ms);
        this.wakers.add(done);
      });
    }

    wakeAll() {
      for (const w of [...this.wakers]) w();
    }

    // ---- tokens and HTTP --------------------------------------------------------

    // The cached token, or a fresh one from getToken() when fresh or none cached.
    async token(fresh) {
      if (!fresh && this.tok) return this.tok;
      if (!this.tokPromise) {
        this.tokPromise = (async () => {
          try {
            const v = await this.getToken();
            this.tok = typeof v === "string" && v ? v : null;
            return this.tok;
          } catch (e) {
            console.warn("Switchboard: getToken failed", e);
            throw new HttpError(0, String(e && e.message ? e.message : e));
          } finally {
            this.tokPromise = null;
          }
        })();
      }
      return this.tokPromise;
    }

    async fetchJSON(method, path, body, tok) {
      let res;
      try {
        res = await fetch(this.server + path, {
          method,
          headers: Object.assign({ Authorization: "Bearer " + tok }, body ? { "Content-Type": "application/json" } : {}),
          body: body ? JSON.stringify(body) : undefined,
          signal: this.abort.signal,
          cache: "no-store",
          credentials: "omit",
        });
      } catch (e) {
        if (this.destroyed) throw new Aborted();
        throw new HttpError(0, String(e && e.message ? e.message : e));
      }
      let data = null;
      try { data = await res.json(); } catch (_) { if (this.destroyed) throw new Aborted(); }
      return { res, data };
    }

    // An authenticated call; 401 → one fresh token and retry; still 401 → LoginRequired.
    async request(method, path, body) {
      let tok = await this.token(false);
      if (!tok) throw new LoginRequired();
      let { res, data } = await this.fetchJSON(method, path, body, tok);
      if (res.status === 401) {
        tok = await this.token(true);
        if (!tok) throw new LoginRequired();
        ({ res, data } = await this.fetchJSON(method, path, body, tok));
        if (res.status === 401) throw new LoginRequired();
      }
      if (!res.ok) {
        const err = (data && data.error) || {};
        const ra = parseFloat(res.headers.get("Retry-After"));
        throw new HttpError(res.status, err.message, err.code, Number.isFinite(ra) ? ra : null);
      }
      return data || {};
    }

    // ---- start: token → conversation → history → unsent → socket -------------

    start() {
      if (this.startPromise || this.destroyed) return this.startPromise;
      this.started = true;
      this.startPromise = this.doStart().finally(() => { this.startPromise = null; });
      return this.startPromise;
    }

    async doStart() {
      this.setConn("connecting");
      for (let attempt = 0; !this.destroyed; attempt++) {
        try {
          const tok = await this.token(attempt > 0 || this.loggedOut);
          if (!tok) return this.showLogin();
          const data = await this.request("POST", "/api/v1/conversation");
          this.loggedOut = false;
          this.setBanner("");
          this.showChat();
          this.useStorage(tokenSubject(this.tok || tok));
          this.reset();
          this.msgsEl.replaceChildren();
          if (data.max_message_bytes > 0) this.maxBytes = data.max_message_bytes;
          this.addMessages(data.messages || [], { initial: true });
          this.hasMore = !!data.has_more;
          this.loadEarlierBtn.hidden = !this.hasMore;
          this.applyConversation(data.conversation);
          this.ready = true;
          this.restorePending();
          if (!this.ids.length && !this.queue.length) this.showGreeting(data.first_response_seconds);
          this.onInput();
          this.scrollDown();
          this.pump();
          this.connect(false, 0);
          this.checkTelegram();
          return;
        } catch (e) {
          if (e instanceof Aborted || this.destroyed) return;
          if (e instanceof LoginRequired) return this.showLogin();
          this.setConn("offline");
          this.setBanner(e.transient || e.status === 429 ? this.t.unreachable : e.message);
          await this.sleep(e.status === 429 && e.retryAfter != null ? e.retryAfter * 1000 : backoff(attempt));
          this.setConn("connecting");
        }
      }
    }

    showLogin() {
      this.ready = false;
      this.started = false;
      this.loggedOut = true;
      this.tok = null;
      this.dropSocket();
      this.clearLater(this.reconnectTimer);
      this.setConn("offline");
      this.setBanner("");
      this.loginEl.hidden = false;
      this.list.hidden = true;
      this.composer.hidden = true;
      this.counter.hidden = true;
      this.typingEl.hidden = true;
      this.renderTelegram(null);
      this.closeArticle();
    }

    showChat() {
      this.loginEl.hidden = true;
      this.list.hidden = false;
      this.composer.hidden = false;
      this.onInput();
    }

    applyConversation(c) {
      if (!c) return;
      const prev = this.convState;
      this.conversation = c;
      this.convState = c.state;
      // One live status line, not a stack of them: a new wait in the queue
      // moves it to the bottom; leaving the queue removes it.
      if (c.state === "queued" && prev !== "queued") this.setStatusNote(this.t.queued);
      else if (c.state !== "queued") this.setStatusNote(null);
      this.updateSubtitle();
    }

    // ---- messages ---------------------------------------------------------------

    // Adds stored messages: deduplicated by id, kept in id order.
    addMessages(list, { initial = false } = {}) {
      const stick = initial || this.nearBottom();
      let added = false;
      for (const m of list) {
        if (!m || typeof m.id !== "number" || this.msgs.has(m.id)) continue;
        if (m.client_id) {
          this.clientIds.add(m.client_id);
          this.resolvePending(m.client_id);
        }
        const el = this.renderMessage(m);
        this.insertSorted(el, m.id);
        this.msgs.set(m.id, { m, el });
        const i = this.sortedIndex(m.id);
        this.ids.splice(i, 0, m.id);
        added = true;
        if (m.sender === "bot" || m.sender === "operator") {
          this.stopTyping(m.sender);
          if (!initial && !this.isOpen) {
            this.unread = (this.unread || 0) + 1;
            this.badge.textContent = String(this.unread);
            this.badge.hidden = false;
          }
        }
      }
      if (!added) return;
      this.refreshLabels();
      this.refreshButtons();
      if (stick) this.scrollDown();
    }

    sortedIndex(id) {
      let lo = 0, hi = this.ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.ids[mid] < id) lo = mid + 1; else hi = mid;
      }
      return lo;
    }

    get maxId() { return this.ids.length ? this.ids[this.ids.length - 1] : 0; }
    get minId() { return this.ids.length ? this.ids[0] : 0; }

    // Rows carry a numeric sort key: a message's id, or id + fraction for notes.
    insertSorted(el, key) {
      el.sbKey = key;
      let before = null;
      for (let c = this.msgsEl.lastElementChild; c && c.sbKey > key; c = c.previousElementSibling) before = c;
      this.msgsEl.insertBefore(el, before);
    }

    renderMessage(m) {
      const sender = ["player", "bot", "operator", "system"].includes(m.sender) ? m.sender : "system";
      const row = h("div", { class: "sb-row", "data-sb-message-id": m.id, "data-sb-sender": sender });
      const bubble = h("div", { class: "sb-bubble" });
      if (sender === "operator") bubble.append(h("div", { class: "sb-author", text: m.sender_name || this.t.operator }));
      // Players' and system texts are plain; operators', the bot's and
      // articles' carry light Markdown.
      bubble.append(sender === "bot" || sender === "operator"
        ? markdown(m.text || "") : h("div", { class: "sb-text", text: m.text || "" }));
      const articles = Array.isArray(m.articles) ? m.articles : [];
      if (articles.length) {
        const box = h("div", { class: "sb-articles" });
        for (const a of articles) {
          box.append(h("a", { class: "sb-article", href: "#", "data-sb-article-id": a.id, text: a.title || a.id,
            onclick: (e) => { e.preventDefault(); this.openArticle(a, e.currentTarget); } }));
        }
        bubble.append(box);
      }
      row.append(bubble);
      const buttons = Array.isArray(m.buttons) ? m.buttons : [];
      if (buttons.length) {
        const box = h("div", { class: "sb-buttons" });
        for (const b of buttons) {
          box.append(h("button", { class: "sb-button", type: "button", "data-sb-payload": b.payload || "", text: b.label,
            onclick: (e) => { if (!e.currentTarget.disabled) this.press(b); } }));
        }
        row.append(box);
      }
      const time = m.created_at ? new Date(m.created_at) : null;
      if (time && !isNaN(time) && sender !== "system") {
        row.append(h("div", { class: "sb-time", text: time.toLocaleTimeString(this.locale, { hour: "2-digit", minute: "2-digit" }) }));
      }
      return row;
    }

    // A player message that is a button's payload shows that button's label
    // (the payload is what the server stores, the label what the player clicked).
    refreshLabels() {
      let lastButtons = null;
      for (const id of this.ids) {
        const { m, el } = this.msgs.get(id);
        if (m.sender !== "player") {
          lastButtons = Array.isArray(m.buttons) && m.buttons.length ? m.buttons : null;
          continue;
        }
        const b = lastButtons && lastButtons.find((x) => (x.payload || x.label) === m.text);
        const text = el.querySelector(".sb-text");
        text.textContent = b ? b.label : m.text || "";
        if (b && b.label !== m.text) el.setAttribute("data-sb-payload", m.text); else el.removeAttribute("data-sb-payload");
      }
    }

    // Only the newest message's buttons are live, and not while a send is under way.
    refreshButtons() {
      const busy = this.queue.some((p) => !p.done);
      for (const [id, { el }] of this.msgs) {
        for (const b of el.querySelectorAll(".sb-button")) b.disabled = busy || id !== this.maxId;
      }
      // The greeting's topics are live until the conversation has begun.
      if (this.greetingEl) {
        for (const b of this.greetingEl.querySelectorAll(".sb-topic")) b.disabled = busy || this.ids.length > 0;
      }
    }

    // The status line the widget itself shows (e.g. "Connecting you to a
    // specialist…"): at most one, updated in place and moved after the newest
    // message; null removes it.
    setStatusNote(text) {
      if (!text) {
        if (this.statusNote) this.statusNote.remove();
        this.statusNote = null;
        return;
      }
      const stick = this.nearBottom();
      if (!this.statusNote) {
        this.statusNote = h("div", { class: "sb-row sb-note", "data-sb-sender": "system" },
          h("div", { class: "sb-bubble" }, h("div", { class: "sb-text" })));
      }
      this.statusNote.querySelector(".sb-text").textContent = text;
      this.statusNote.remove();
      this.insertSorted(this.statusNote, this.maxId + 0.5 + (++this.noteSeq) / 1e6);
      if (stick) this.scrollDown();
    }

    // The first-open greeting, for an empty conversation: what we can help
    // with as topic buttons (each sends its label as the player's message,
    // which the bot understands) and how soon a specialist usually answers
    // (the server's first-answer target, when it has one). It is the widget's
    // own: not stored, not shown once the conversation has history.
    showGreeting(firstResponseSeconds) {
      const t = this.t;
      const bubble = h("div", { class: "sb-bubble" }, h("div", { class: "sb-text", text: t.greeting }));
      const wait = replyTime(firstResponseSeconds, this.locale);
      if (wait) bubble.append(h("div", { class: "sb-greeting-wait", text: t.replyWithin.replace("{time}", wait) }));
      const topics = h("div", { class: "sb-buttons" });
      for (const label of t.topics) {
        topics.append(h("button", { class: "sb-topic", type: "button", text: label,
          onclick: (e) => { if (!e.currentTarget.disabled) this.enqueue(label, label); } }));
      }
      this.greetingEl?.remove();
      this.greetingEl = h("div", { class: "sb-row sb-greeting", "data-sb-sender": "greeting" }, bubble, topics);
      this.insertSorted(this.greetingEl, 0); // before every message (ids start at 1)
      this.refreshButtons();
    }

    async loadEarlier() {
      if (!this.hasMore || this.loadingEarlier || !this.ids.length) return;
      this.loadingEarlier = true;
      this.loadEarlierBtn.disabled = true;
      try {
        const oldest = this.msgs.get(this.minId).m;
        const cid = oldest.conversation_id || (this.conversation && this.conversation.id);
        const data = await this.request("GET", `/api/v1/conversations/${encodeURIComponent(cid)}/messages?before=${this.minId}&limit=50`);
        const from = this.list.scrollHeight - this.list.scrollTop;
        this.addMessages(data.messages || [], { initial: true });
        this.list.scrollTop = this.list.scrollHeight - from; // keep the view where it was
        this.hasMore = !!data.has_more;
      } catch (e) {
        if (e instanceof LoginRequired) this.showLogin();
        else if (!(e instanceof Aborted)) this.setBanner(e.transient ? this.t.unreachable : e.message);
      } finally {
        this.loadingEarlier = false;
        this.loadEarlierBtn.disabled = false;
        this.loadEarlierBtn.hidden = !this.hasMore;
      }
    }

    // ---- articles ---------------------------------------------------------------

    async openArticle(ref, link) {
      const seq = (this.articleSeq = (this.articleSeq || 0) + 1);
      this.articleLink = link;
      this.overlayTitle.textContent = ref.title || ref.id;
      this.overlayText.textContent = this.t.loading;
      this.overlay.hidden = false;
      this.backBtn.focus();
      const locale = (this.conversation && this.conversation.locale) || this.locale;
      try {
        const a = await this.request("GET", `/api/v1/articles/${encodeURIComponent(locale)}/${encodeURIComponent(ref.id)}`);
        if (seq !== this.articleSeq) return;
        this.overlayTitle.textContent = a.title || ref.title || ref.id;
        this.overlayText.replaceChildren(markdown(a.text || ""));
        this.overlayText.scrollTop = 0;
      } catch (e) {
        if (seq !== this.articleSeq || e instanceof Aborted) return;
        if (e instanceof LoginRequired) return this.showLogin();
        this.overlayText.textContent = this.t.articleError;
      }
    }

    closeArticle() {
      if (this.overlay.hidden) return;
      this.articleSeq = (this.articleSeq || 0) + 1;
      this.overlay.hidden = true;
      if (this.articleLink && this.articleLink.isConnected) this.articleLink.focus();
    }

    // ---- composing and sending ------------------------------------------------

    onKey(e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    }

    onPanelKey(e) {
      if (e.key !== "Escape") return;
      if (!this.overlay.hidden) this.closeArticle(); else this.close();
    }

    // The counter shows characters (code points: "ё" and "😀" count one each)
    // while the server limits UTF-8 bytes. The most characters this text may
    // have is the byte limit at the text's own width per character (about
    // 4096 in Latin, 2048 in Cyrillic), so the counter reaches its maximum
    // exactly when the bytes reach the server's limit; past it, sending is
    // blocked with a message saying so.
    onInput() {
      const text = this.input.value;
      const bytes = byteLength(text);
      const chars = charCount(text);
      const max = this.maxBytes;
      const maxChars = bytes ? Math.floor((max * chars) / bytes) : max;
      const over = bytes > max;
      this.counter.hidden = bytes < max * COUNTER_FROM;
      this.counter.classList.toggle("sb-over", over);
      this.counter.setAttribute("data-sb-chars", String(chars));
      this.counter.textContent = over
        ? this.t.tooLong.replace("{n}", chars).replace("{max}", maxChars)
        : `${chars} / ${maxChars}`;
      this.sendBtn.disabled = over;
      // Auto-grow the textarea up to its max-height.
      this.input.style.height = "auto";
      this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
      // Tell support the player is typing, at most every 3 s.
      const now = Date.now();
      if (this.input.value && this.wsReady && now - (this.typingSent || 0) > 3000) {
        this.typingSent = now;
        this.wsSend({ type: "typing" });
      }
    }

    submit() {
      const text = this.input.value.trim();
      if (!text || byteLength(text) > this.maxBytes) return this.onInput();
      this.input.value = "";
      this.onInput();
      this.enqueue(text, text);
      this.input.focus();
    }

    // A quick reply sends its payload (or label) and shows the label.
    press(b) {
      const text = b.payload || b.label;
      if (text) this.enqueue(text, b.label || text);
    }

    enqueue(text, display, clientId, created) {
      const p = { client_id: clientId || uuid(), text, display, created: created || Date.now(), attempt: 0, done: false };
      p.status = h("div", { class: "sb-status", text: this.t.sending });
      p.el = h("div", { class: "sb-row sb-pending", "data-sb-sender": "player", "data-sb-client-id": p.client_id, "data-sb-state": "pending" },
        h("div", { class: "sb-bubble" }, h("div", { class: "sb-text", text: display })), p.status);
      this.pendEl.append(p.el);
      this.queue.push(p);
      this.savePending();
      this.refreshButtons();
      this.scrollDown();
      this.pump();
    }

    setPendingState(p, state, text) {
      p.el.setAttribute("data-sb-state", state);
      p.el.classList.toggle("sb-failed", state === "failed");
      p.el.classList.toggle("sb-pending", state !== "failed");
      p.status.textContent = text;
    }

    // The stored message for client_id arrived: drop its pending bubble.
    resolvePending(clientId) {
      const p = this.queue.find((x) => x.client_id === clientId);
      if (!p) return;
      p.done = true;
      p.el.remove();
      this.queue = this.queue.filter((x) => x !== p);
      this.savePending();
    }

    // Sends queued messages one at a time, in order (so the server stores them in order).
    async pump() {
      if (this.pumping || !this.ready) return;
      this.pumping = true;
      try {
        while (this.ready && !this.destroyed && this.queue.length) {
          const p = this.queue[0];
          if (!p.done && (await this.sendOne(p)) === "stop") break;
          // Sent, or failed for good (the failed bubble stays, the message is forgotten).
          this.queue = this.queue.filter((x) => x !== p);
          this.savePending();
          this.refreshButtons();
        }
      } finally {
        this.pumping = false;
        this.refreshButtons();
      }
    }

    async sendOne(p) {
      while (!p.done && !this.destroyed) {
        try {
          const data = await this.request("POST", "/api/v1/messages", { client_id: p.client_id, text: p.text });
          const stored = data.message;
          if (stored && !stored.client_id) stored.client_id = p.client_id;
          this.addMessages([stored, ...(data.replies || [])].filter(Boolean));
          this.resolvePending(p.client_id); // in case the stored copy was already rendered
          this.applyConversation(data.conversation);
          return "sent";
        } catch (e) {
          if (e instanceof Aborted || this.destroyed) return "stop";
          if (e instanceof LoginRequired) { this.showLogin(); return "stop"; }
          if (e.status === 429 || e.transient) {
            this.setPendingState(p, "retrying", this.t.retrying);
            const wait = e.status === 429 && e.retryAfter != null ? e.retryAfter * 1000 : backoff(p.attempt);
            p.attempt++;
            await this.sleep(wait);
            continue;
          }
          // 400, 413 and other refusals: retrying will not help.
          p.done = true;
          this.setPendingState(p, "failed", `${this.t.failed}: ${e.message}`);
          this.insertSorted(p.el, this.maxId + 0.5 + ++this.noteSeq / 1e6); // stays where it was sent
          return "failed";
        }
      }
      return "sent";
    }

    // ---- unsent messages in sessionStorage ------------------------------------

    useStorage(sub) {
      const key = STORE_PREFIX + this.server + ":" + sub;
      if (this.storageKey && this.storageKey !== key) {
        // Another player: their unsent messages stay in their own slot.
        for (const p of this.queue) p.el.remove();
        this.queue = [];
      }
      this.storageKey = key;
    }

    hasStoredPending() {
      try {
        for (let i = 0; i < sessionStorage.length; i++) {
          const k = sessionStorage.key(i);
          if (k.startsWith(STORE_PREFIX + this.server + ":") && JSON.parse(sessionStorage.getItem(k) || "[]").length) return true;
        }
      } catch (_) { /* storage blocked */ }
      return false;
    }

    savePending() {
      if (!this.storageKey) return;
      const items = this.queue.filter((p) => !p.done)
        .map(({ client_id, text, display, created }) => ({ client_id, text, display, created }));
      try {
        if (items.length) sessionStorage.setItem(this.storageKey, JSON.stringify(items));
        else sessionStorage.removeItem(this.storageKey);
      } catch (_) { /* storage full or blocked */ }
    }

    restorePending() {
      let items = [];
      try { items = JSON.parse(sessionStorage.getItem(this.storageKey) || "[]"); } catch (_) { /* ignore */ }
      const known = new Set(this.queue.map((p) => p.client_id));
      for (const it of Array.isArray(items) ? items : []) {
        if (!it || !it.client_id || !it.text || known.has(it.client_id)) continue;
        if (this.clientIds.has(it.client_id) || Date.now() - (it.created || 0) > PENDING_MAX_AGE) continue;
        this.enqueue(it.text, it.display || it.text, it.client_id, it.created);
      }
      this.savePending();
    }

    // ---- WebSocket ----------------------------------------------------------------

    wsURL() {
      const u = new URL(this.server + "/api/v1/ws");
      u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
      return u.href;
    }

    wsSend(obj) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
    }

    // Opens the socket after `delay` ms; fresh → ask getToken() for a new token.
    connect(fresh, delay) {
      if (this.destroyed || !this.ready) return;
      this.clearLater(this.reconnectTimer);
      this.reconnectTimer = this.later(() => this.openSocket(fresh), delay);
    }

    async openSocket(fresh) {
      if (this.destroyed || !this.ready) return;
      this.dropSocket();
      this.setConn("connecting");
      let tok;
      try {
        tok = await this.token(fresh);
      } catch (e) {
        return this.scheduleReconnect();
      }
      if (this.destroyed || !this.ready) return;
      if (!tok) return this.showLogin();
      let ws;
      try {
        ws = new WebSocket(this.wsURL());
      } catch (e) {
        return this.scheduleReconnect();
      }
      this.ws = ws;
      this.wsReady = false;
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: tok, after: this.maxId }));
      ws.onmessage = (e) => {
        this.lastFrame = Date.now();
        let ev;
        try { ev = JSON.parse(e.data); } catch (_) { return; }
        this.onEvent(ev);
      };
      ws.onclose = (e) => {
        if (this.ws !== ws) return;
        this.dropSocket();
        if (this.destroyed || !this.ready) return;
        if (e.code === 4409) {
          // The player opened the chat in more tabs than allowed and this is
          // the oldest: wait until this tab is looked at again (no fight).
          this.replaced = true;
          return this.setConn("offline");
        }
        if (e.code === 4401) {
          // Token refused: one fresh token, then give up to the login state.
          if (this.wsAuthRetried) return this.showLogin();
          this.wsAuthRetried = true;
          return this.connect(true, 0);
        }
        this.scheduleReconnect();
      };
    }

    scheduleReconnect() {
      this.setConn("offline");
      this.connect(true, backoff(this.wsAttempt || 0));
      this.wsAttempt = (this.wsAttempt || 0) + 1;
    }

    dropSocket() {
      const ws = this.ws;
      this.ws = null;
      this.wsReady = false;
      if (this.pingTimer) { clearInterval(this.pingTimer); this.pingTimer = null; }
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        try { ws.close(1000); } catch (_) { /* already closed */ }
      }
    }

    onEvent(ev) {
      switch (ev && ev.type) {
        case "ready":
          this.wsReady = true;
          this.wsAttempt = 0;
          this.wsAuthRetried = false;
          this.setConn("online");
          this.applyConversation(ev.conversation);
          this.startPing();
          break;
        case "message":
          this.addMessages([ev.message]);
          // A message while a Telegram link is outstanding may be the
          // player writing from Telegram: the link was used.
          if (ev.message && ev.message.sender === "player" && this.tgWaiting()) this.checkTelegram();
          break;
        case "typing":
          this.showTyping(ev.sender || "bot");
          break;
        case "status":
          this.applyConversation(ev.conversation);
          break;
        case "reconnect":
          // Server going away: reconnect soon, spread out a little.
          this.dropSocket();
          this.setConn("connecting");
          this.connect(true, 300 + Math.random() * 1200);
          break;
        default: // pong and anything newer: ignore
      }
    }

    startPing() {
      this.lastFrame = Date.now();
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastFrame > STALE_MS) {
          this.dropSocket();
          this.scheduleReconnect();
          return;
        }
        this.wsSend({ type: "ping" });
      }, PING_MS);
    }

    // ---- Telegram ---------------------------------------------------------------------

    // The player's Telegram link (connectors/telegram): offered only when the
    // server has Telegram on — GET /api/v1/telegram answers 200 — and hidden on
    // 404 or any error.
    async checkTelegram() {
      const seq = (this.tgSeq = (this.tgSeq || 0) + 1);
      let data = null;
      try {
        data = await this.request("GET", "/api/v1/telegram");
      } catch (_) { /* off (404), refused or unreachable: no control */ }
      if (seq !== this.tgSeq || this.destroyed || !this.ready) return;
      this.renderTelegram(data ? !!data.linked : null);
      if (data && data.linked && this.tgWaiting()) {
        this.tgPendingUntil = 0; // the link was used
        this.setTgHint(null);
      }
    }

    // linked: true, false, or null (no Telegram: hidden). The bar's
    // data-sb-telegram says which (tests wait on it).
    renderTelegram(linked) {
      this.tgLinked = linked;
      this.tgBar.setAttribute("data-sb-telegram", linked == null ? "off" : linked ? "linked" : "unlinked");
      this.tgBar.hidden = linked == null || !this.loginEl.hidden;
      this.tgContinueBtn.hidden = linked !== false;
      this.tgLinkedEl.hidden = linked !== true;
      if (linked == null) {
        this.tgPendingUntil = 0;
        this.setTgHint(null);
      }
    }

    tgWaiting() {
      return this.tgLinked === false && this.tgPendingUntil > Date.now();
    }

    // One line under the control: text, optionally followed by a link.
    setTgHint(text, { error = false, href = "" } = {}) {
      this.tgHint.classList.toggle("sb-error", error);
      this.tgHint.hidden = !text;
      if (!text) return this.tgHint.replaceChildren();
      this.tgHint.replaceChildren(text);
      if (href) {
        this.tgHint.append(" ", h("a", { class: "sb-tg-open", href, target: "_blank", rel: "noopener noreferrer",
          "data-sb-telegram": "open", text: this.t.tgOpen }));
      }
    }

    // "Continue in Telegram": a one-time link (POST /api/v1/telegram/link),
    // opened in a new tab. With noopener window.open returns null whether or
    // not the tab opened, so a blocked popup cannot be told from an opened
    // one: the link is shown as well, to click when nothing opened.
    async linkTelegram() {
      if (this.tgBusy) return;
      this.tgBusy = true;
      this.tgContinueBtn.disabled = true;
      this.setTgHint(null);
      try {
        const l = await this.request("POST", "/api/v1/telegram/link");
        if (this.destroyed) return;
        let url = null;
        try { url = new URL(l.url); } catch (_) { /* checked below */ }
        if (!url || url.protocol !== "https:") throw new HttpError(0, "bad link");
        try { window.open(url.href, "_blank", "noopener,noreferrer"); } catch (_) { /* shown below */ }
        const expires = Date.parse(l.expires_at);
        let minutes = Math.round((expires - Date.now()) / 60000);
        if (!Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) minutes = 10;
        this.tgPendingUntil = Date.now() + minutes * 60000;
        this.setTgHint(this.t.tgLinkHint.replace("{time}", replyTime(minutes * 60, this.locale)), { href: url.href });
        const until = this.tgPendingUntil;
        this.later(() => { if (this.tgPendingUntil === until) { this.tgPendingUntil = 0; this.setTgHint(null); } },
          minutes * 60000);
      } catch (e) {
        if (e instanceof Aborted || this.destroyed) return;
        if (e instanceof LoginRequired) return this.showLogin();
        if (e.status === 404) return this.renderTelegram(null);
        this.setTgHint(this.t.tgLinkError, { error: true });
      } finally {
        this.tgBusy = false;
        this.tgContinueBtn.disabled = false;
      }
    }

    async unlinkTelegram() {
      if (this.tgBusy) return;
      this.tgBusy = true;
      this.tgUnlinkBtn.disabled = true;
      try {
        await this.request("DELETE", "/api/v1/telegram");
        if (this.destroyed) return;
        this.renderTelegram(false);
        this.setTgHint(this.t.tgUnlinked);
        this.tgContinueBtn.focus();
      } catch (e) {
        if (e instanceof Aborted || this.destroyed) return;
        if (e instanceof LoginRequired) return this.showLogin();
        if (e.status === 404) return this.renderTelegram(null);
        this.setTgHint(this.t.tgUnlinkError, { error: true });
      } finally {
        this.tgBusy = false;
        this.tgUnlinkBtn.disabled = false;
      }
    }

    // ---- typing indicator ---------------------------------------------------------

    showTyping(sender) {
      this.typing = this.typing || {};
      this.clearLater(this.typing[sender]);
      this.typing[sender] = this.later(() => this.stopTyping(sender), TYPING_MS);
      this.renderTyping();
    }

    stopTyping(sender) {
      if (!this.typing || this.typing[sender] == null) return;
      this.clearLater(this.typing[sender]);
      delete this.typing[sender];
      this.renderTyping();
    }

    renderTyping() {
      this.typingEl.hidden = !this.typing || !Object.keys(this.typing).length || !this.loginEl.hidden;
    }
  }

  // ---- public API ---------------------------------------------------------------

  let current = null;

  function init(opts) {
    if (current) current.destroy(); // a second init replaces the first
    current = new Widget(opts || {});
    const w = current;
    return {
      open: () => w.open(),
      close: () => w.close(),
      destroy: () => { w.destroy(); if (current === w) current = null; },
    };
  }

  window.Switchboard = { init, version: 1 };
})();
