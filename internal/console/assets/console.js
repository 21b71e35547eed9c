/*
 * Switchboard operator console — the staff side of internal/console/API.md.
 * Plain ES2020, no build step, no dependencies. Served as /console/console.js.
 *
 * Every server string is rendered with textContent (via h()); innerHTML is
 * never used with data.
 */
(function () {
  "use strict";

  const API = "/console/api";
  const TYPING_SEND_MS = 3000;  // POST …/typing at most this often
  const TYPING_SHOW_MS = 5000;  // how long a player's typing event is shown
  const PING_MS = 25000;        // WebSocket keep-alive
  const SUPERVISOR_ROLES = new Set(["supervisor", "admin"]);

  // ---- language ----------------------------------------------------------------

  // The operator's choice (kept in this browser), else the browser's language.
  // English strings are the keys; tr("Claim failed: {0}", msg) fills {0}, {1}….
  const LANGS = ["en", "ru"];
  const I18N = window.SwitchboardConsoleI18N || {}; // console-i18n.js
  const LANG = (() => {
    const saved = localStorage.getItem("sb-console-lang");
    if (LANGS.includes(saved)) return saved;
    return (navigator.language || "").toLowerCase().startsWith("ru") ? "ru" : "en";
  })();

  function tr(s, ...args) {
    const out = (I18N[LANG] && I18N[LANG][s]) || s;
    return out.replace(/\{(\d+)\}/g, (m, i) => (args[i] !== undefined ? String(args[i]) : m));
  }

  // label("priority", "high") shows a value the API sends (a role, a
  // priority, a skill, a ticket or conversation state) in the chosen
  // language: console-i18n.js keys them as "priority:high". A value without
  // a translation (a skill added in settings.yaml, say) is shown as it is;
  // the value itself is what the page keeps and sends back.
  function label(kind, v) {
    if (v == null || v === "") return "";
    const s = String(v);
    return (I18N[LANG] && I18N[LANG][`${kind}:${s}`]) || s;
  }
  const skillLabel = (s) => label("skill", s);

  // Times in the chosen language's own format: 24-hour in Russian (as the
  // widget shows them), the browser's choice in English.
  const TIME_LOCALE = LANG === "ru" ? "ru-RU" : [];

  const translatePage = () => SBStaff.translatePage(LANG, I18N[LANG] || {}, tr);

  // ---- small helpers ----------------------------------------------------------

  const $ = SBStaff.$;
  const h = SBStaff.element(tr);

  // markdown renders the Markdown that operators, articles and the bot
  // write — paragraphs, "- " lists, **bold**, *italic*, `code`,
  // [links](https://…) and bare http(s) links — as DOM nodes built one by
  // one: nothing is parsed as HTML, and links open in a new tab with
  // rel="noopener noreferrer". Only http, https and mailto links become
  // links; anything else stays text. Players' messages stay plain text.
  function markdown(src) {
    const root = h("div", { class: "text md" });
    for (const block of String(src).split(/\n{2,}/)) {
      let p = null;
      let list = null;
      for (const line of block.split("\n")) {
        const item = /^\s*[-*•]\s+(.*)$/.exec(line);
        if (item) {
          p = null;
          if (!list) root.append(list = h("ul"));
          list.append(inline(h("li"), item[1]));
          continue;
        }
        list = null;
        if (p) p.append(h("br"));
        else root.append(p = h("p"));
        inline(p, line);
      }
    }
    return root;
  }

  const INLINE = /\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*\*([^*]+)\*\*|`([^`]+)`|\*([^*\s][^*]*)\*/g;

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

  function link(href, label) {
    let url;
    try {
      url = new URL(href);
    } catch (_) {
      return document.createTextNode(label === href ? href : `${label} (${href})`);
    }
    if (!["http:", "https:", "mailto:"].includes(url.protocol)) return document.createTextNode(label);
    return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = Array.from(b, (n) => n.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  // Exponential backoff 1 s → 30 s with ±20 % jitter.
  const backoff = (attempt) => Math.min(30000, 1000 * 2 ** Math.min(attempt, 5) * (0.8 + Math.random() * 0.4));

  const pad2 = (n) => String(n).padStart(2, "0");

  // 125 s → "02:05"; minutes are not wrapped at 60.
  function mmss(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    return `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
  }

  // Seconds → "45s", "3m 05s", "1h 02m".
  function duration(sec) {
    if (sec == null || !isFinite(sec)) return "—";
    const s = Math.round(sec);
    if (s < 60) return tr("{0}s", s);
    if (s < 3600) return tr("{0}m {1}s", Math.floor(s / 60), pad2(s % 60));
    return tr("{0}h {1}m", Math.floor(s / 3600), pad2(Math.floor((s % 3600) / 60)));
  }

  function fmtTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const sameDay = d.toDateString() === new Date().toDateString();
    return sameDay
      ? d.toLocaleTimeString(TIME_LOCALE, { hour: "2-digit", minute: "2-digit" })
      : d.toLocaleString(TIME_LOCALE, { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  const str = (v) => (v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

  // A <dl> of key/value pairs; values are shown as text.
  function kvList(obj) {
    const dl = h("dl", { class: "kv" });
    const entries = Object.entries(obj || {});
    if (!entries.length) dl.append(h("dt", { text: "—" }), h("dd"));
    for (const [k, v] of entries) dl.append(h("dt", { text: k }), h("dd", { text: str(v) }));
    return dl;
  }

  let toastTimer = null;
  function toast(text, isError) {
    const el = $("toast");
    el.textContent = text;
    el.classList.toggle("error", !!isError);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (el.hidden = true), isError ? 6000 : 3500);
  }

  // ---- HTTP ---------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, message, code) {
      super(message || (status ? `HTTP ${status}` : "Network error"));
      this.status = status; // 0 = network error
      this.code = code || "";
    }
  }

  const state = {
    me: null,              // Operator
    csrf: "",
    skills: [],            // all skills (for Transfer)
    queue: [],
    mine: [],
    canned: [],
    conv: null,            // the open conversation payload
    convId: null,
    convSeq: 0,            // guards against out-of-order conversation loads
    msgIds: new Set(),     // message ids shown in the open conversation
    lastShownConv: null,   // conversation id of the last message shown
    unread: new Set(),     // conversation ids with unseen messages
    tab: "conversation",
    clockSkew: 0,          // server time − local time, ms
    editingCanned: null,   // id of the canned response being edited
  };

  const now = () => Date.now() + state.clockSkew;

  async function api(method, path, body, opts = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: "same-origin", cache: "no-store",
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new HttpError(0, tr("Cannot reach the server"));
    }
    // Keep SLA countdowns honest when the local clock is off.
    const date = Date.parse(res.headers.get("Date") || "");
    if (!isNaN(date)) {
      const skew = date - Date.now();
      state.clockSkew = Math.abs(skew) > 2000 ? skew : 0;
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (_) { data = null; }
    }
    if (!res.ok) {
      const err = (data && data.error) || {};
      if (res.status === 401 && !opts.noLoginRedirect) showLogin();
      throw new HttpError(res.status, err.message, err.code);
    }
    return data;
  }

  // Runs an action, turning errors into a toast. Returns undefined on failure.
  async function attempt(fn, what) {
    try {
      return await fn();
    } catch (e) {
      if (e.status === 401) return undefined; // login form is shown already
      toast(`${tr(what)}: ${e.message}`, true);
      return undefined;
    }
  }

  // ---- login / session ------------------------------------------------------------

  function showLogin() {
    closeSocket();
    closeConversation();
    state.me = null;
    state.csrf = "";
    state.unread.clear();
    $("app").hidden = true;
    $("login-view").hidden = false;
    $("password").value = "";
    $("login").focus();
  }

  async function onLoginSubmit(e) {
    e.preventDefault();
    const errEl = $("login-error");
    errEl.textContent = "";
    $("login-submit").disabled = true;
    try {
      const data = await api("POST", "/console/login",
        { login: $("login").value.trim(), password: $("password").value }, { noLoginRedirect: true });
      state.csrf = data.csrf_token || "";
      $("password").value = "";
      await start();
    } catch (err) {
      errEl.textContent = err.status === 401 ? tr("Wrong login or password.") : tr("Login failed: {0}", err.message);
    } finally {
      $("login-submit").disabled = false;
    }
  }

  async function logout() {
    await attempt(() => api("POST", "/console/logout"), "Logout");
    showLogin();
  }

  // Loads /me and everything else; shows the app.
  async function start() {
    let me;
    try {
      me = await api("GET", `${API}/me`, undefined, { noLoginRedirect: true });
    } catch (e) {
      if (e.status === 401) showLogin();
      else {
        toast(tr("Cannot load the console: {0}. Retrying…", e.message), true);
        setTimeout(start, 5000);
      }
      return;
    }
    applyMe(me);
    $("login-view").hidden = true;
    $("app").hidden = false;
    // Editors work in the content editor: send them there (admins, who
    // also take tickets, stay and get a link in the header).
    if (isEditor()) {
      showEditorPage();
      location.replace("/console/editor");
      return;
    }
    if (!isSupervisor() && state.tab !== "conversation") selectTab("conversation");
    await refreshAll();
    connect();
  }

  function applyMe(me) {
    state.me = me.operator;
    state.csrf = me.csrf_token || state.csrf;
    state.skills = Array.isArray(me.skills) ? me.skills : state.me.skills || [];
    renderHeader();
  }

  const isSupervisor = () => !!state.me && SUPERVISOR_ROLES.has(state.me.role);
  const isEditor = () => !!state.me && state.me.role === "editor";

  // Editors handle content, not players: they get a page of their own
  // instead of a queue they may not read.
  function showEditorPage() {
    for (const id of ["presence", "presence-real", "take-next"]) $(id).hidden = true;
    $("presence").closest("label").hidden = true;
    document.querySelector("nav.tabs").hidden = true;
    document.querySelector("main > aside").hidden = true;
    for (const p of document.querySelectorAll("main > .panel")) p.hidden = p.id !== "editor-panel";
    $("ws-status").hidden = true;
  }

  function renderHeader() {
    const me = state.me;
    $("op-name").textContent = me.name || me.login;
    const cap = me.capacity != null ? ` · ${tr("{0} chats", `${me.active ?? 0}/${me.capacity}`)}` : "";
    $("op-role").textContent = `${label("role", me.role)}${cap}`;
    $("op-role").dataset.role = me.role || "";
    $("presence").value = me.chosen_presence || me.presence || "offline";
    // What the desk acts on: online only while this console is connected.
    const real = $("presence-real");
    real.dataset.presence = me.presence || "offline";
    real.dataset.connected = String(!!me.connected);
    real.textContent = me.connected ? tr("You are {0}", tr(me.presence)) :
      tr("You are {0}: console not connected — no new conversations", tr(me.presence || "offline"));
    $("tab-metrics").hidden = !isSupervisor();
    $("tab-canned").hidden = !isSupervisor();
    $("tab-operators").hidden = !isSupervisor();
    $("editor-header-link").hidden = me.role !== "admin"; // editors get the link on their page
    $("transfer-operator").hidden = !isSupervisor();
    const sel = $("transfer-skill");
    const chosen = sel.value;
    sel.replaceChildren(...state.skills.map((s) => h("option", { value: s, text: skillLabel(s) })));
    if (chosen && state.skills.includes(chosen)) sel.value = chosen; // /me refreshes must not undo a pick
  }

  async function refreshAll() {
    await Promise.all([
      refreshLists(),
      loadCanned(),
      state.convId != null ? openConversation(state.convId, { keepScroll: true }) : null,
      state.tab === "metrics" ? loadMetrics() : null,
    ]);
  }

  // ---- queue and "my conversations" -------------------------------------------------

  let listsTimer = null;
  // Debounced refetch of /queue and /mine (WS events come in bursts).
  function scheduleLists() {
    clearTimeout(listsTimer);
    listsTimer = setTimeout(refreshLists, 150);
  }

  async function refreshLists() {
    const [q, m, me] = await Promise.all([
      attempt(() => api("GET", `${API}/queue`), "Queue"),
      attempt(() => api("GET", `${API}/mine`), "My conversations"),
      // Presence and load change with the queue: the header shows them live.
      api("GET", `${API}/me`).catch(() => null),
      state.tab === "operators" ? loadOperators() : null,
    ]);
    if (q) state.queue = q.tickets || [];
    if (m) state.mine = m.tickets || [];
    if (me) applyMe(me);
    renderLists();
  }

  function renderLists() {
    $("queue").replaceChildren(...state.queue.map((t) => ticketItem(t, true)));
    $("queue-empty").hidden = state.queue.length > 0;
    $("queue-count").textContent = state.queue.length ? `(${state.queue.length})` : "";
    $("mine").replaceChildren(...state.mine.map((t) => ticketItem(t, false)));
    $("mine-empty").hidden = state.mine.length > 0;
    tickSla();
    updateTitle();
  }

  function ticketItem(t, inQueue) {
    const player = (t.player && (t.player.name || t.player.id)) || tr("Unknown player");
    const li = h("li", {
      class: "ticket", "data-ticket-id": t.id, "data-conversation-id": t.conversation_id, tabindex: "0",
      onclick: () => openConversation(t.conversation_id),
      onkeydown: (e) => { if (e.key === "Enter" && e.target === li) openConversation(t.conversation_id); },
    },
      h("div", { class: "row" },
        h("span", { class: "priority", "data-priority": t.priority, text: label("priority", t.priority) || "?" }),
        h("span", { class: "skill", "data-skill": t.skill, text: skillLabel(t.skill) || "—" }),
        h("span", { class: "name", text: player }),
        slaEl(t, inQueue)),
      h("div", { class: "reason", text: t.reason || "" }),
      h("div", { class: "row" },
        h("span", { class: "meta", text: `${channelLabel(t.channel)} · #${t.id}${inQueue ? "" : " · " + label("ticket", t.status)}` }),
        inQueue ? h("button", {
          class: "claim", type: "button", t: "Claim",
          onclick: (e) => { e.stopPropagation(); claim(t, e.currentTarget); },
        }) : null));
    if (t.breached) li.classList.add("breached");
    if (!inQueue && state.unread.has(t.conversation_id)) li.classList.add("unread");
    if (t.conversation_id === state.convId) li.classList.add("active");
    return li;
  }

  // The SLA countdown runs to due_at until the first response.
  function slaEl(t, inQueue) {
    const el = h("span", { class: "sla", title: t.due_at ? tr("Due {0}", new Date(t.due_at).toLocaleString(TIME_LOCALE)) : "" });
    const running = t.due_at && (inQueue || !t.first_response_at) && t.status !== "resolved";
    if (running) el.dataset.due = String(Date.parse(t.due_at));
    else el.hidden = true;
    return el;
  }

  // Updates every SLA countdown on the page (called every second).
  function tickSla() {
    const t = now();
    for (const el of document.querySelectorAll(".sla[data-due]")) {
      const left = Number(el.dataset.due) - t;
      if (!isFinite(left)) continue;
      const overdue = left < 0;
      el.textContent = overdue ? tr("overdue +{0}", mmss(left)) : mmss(left);
      el.classList.toggle("overdue", overdue);
    }
  }

  async function claim(t, btn) {
    if (btn) btn.disabled = true;
    try {
      await api("POST", `${API}/tickets/${t.id}/claim`);
      await refreshLists();
      openConversation(t.conversation_id);
    } catch (e) {
      if (e.status !== 401) toast(claimError(e), true);
      if (btn) btn.disabled = false;
      refreshLists();
    }
  }

  // claimError says truthfully why a claim was refused: taken by someone
  // else, not online, no console connected, full, or not your skill.
  function claimError(e) {
    const m = e.message || "";
    for (const [needle, text] of [
      ["already assigned", "Already taken — someone else claimed this ticket."],
      ["no console connected", "Your console is not connected, so you cannot take conversations. Reload the page."],
      ["not online", "You are not online: set yourself online to take conversations."],
      ["at capacity", "You are at capacity: finish a conversation first."],
      ["does not serve", "This conversation needs a skill you do not have."],
    ]) {
      if (m.includes(needle)) return tr(text);
    }
    return tr("Claim failed: {0}", m);
  }

  async function takeNext() {
    const btn = $("take-next");
    btn.disabled = true;
    let data;
    try {
      data = await api("POST", `${API}/tickets/next`);
    } catch (e) {
      if (e.status !== 401) toast(claimError(e), true);
    }
    btn.disabled = false;
    if (!data) return;
    if (!data.ticket) {
      toast(tr("Nothing in the queue that you can take right now."));
      return;
    }
    await refreshLists();
    selectTab("conversation");
    openConversation(data.ticket.conversation_id);
  }

  async function setPresence() {
    const sel = $("presence");
    const op = await attempt(() => api("POST", `${API}/presence`, { presence: sel.value }), "Presence");
    if (op) {
      state.me = Object.assign(state.me, op);
      renderHeader();
    } else if (state.me) {
      sel.value = state.me.presence;
    }
  }

  // ---- conversation view ---------------------------------------------------------------

  function closeConversation() {
    state.conv = null;
    state.convId = null;
    state.msgIds.clear();
    $("conv-placeholder").hidden = false;
    $("conv-head").hidden = true;
    $("messages").hidden = true;
    $("composer").hidden = true;
    hidePlayerTyping();
  }

  async function openConversation(id, opts = {}) {
    if (id == null) return;
    const switching = id !== state.convId;
    const seq = ++state.convSeq;
    if (state.tab !== "conversation") selectTab("conversation");
    let data;
    try {
      data = await api("GET", `${API}/conversations/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e.status !== 401) toast(tr("Cannot open the conversation: {0}", e.message), true);
      return;
    }
    if (seq !== state.convSeq) return; // a newer open won
    if (switching) {
      $("reply").value = "";
      hideTransfer();
      hidePlayerTyping();
    }
    state.conv = data;
    state.convId = data.conversation ? data.conversation.id : id;
    state.unread.delete(state.convId);
    renderConversation(opts.keepScroll && !switching);
    renderLists();
  }

  // Conversation ids that belong to the open view (the player's whole history).
  function openConvIds() {
    const ids = new Set([state.convId]);
    if (state.conv) {
      for (const m of state.conv.messages || []) ids.add(m.conversation_id);
      for (const t of state.conv.tickets || []) ids.add(t.conversation_id);
    }
    return ids;
  }

  // The ticket actions (transfer/return/resolve) act on: an open one, mine first.
  function activeTicket() {
    const tickets = (state.conv && state.conv.tickets) || [];
    const open = tickets.filter((t) => t.status === "assigned" || t.status === "queued");
    const mineFirst = open.find((t) => state.me && t.operator_id === state.me.id && t.status === "assigned");
    return mineFirst || open[open.length - 1] || null;
  }

  function renderConversation(keepScroll) {
    const d = state.conv;
    const conv = d.conversation || {};
    const player = d.player || {};
    const flow = d.flow_state || {};

    const head = $("conv-head");
    head.replaceChildren(
      h("section", null,
        h("div", { class: "title", text: player.name || player.id || tr("Unknown player") }),
        kvList({ [tr("player id")]: player.id, [tr("locale")]: player.locale || conv.locale,
          [tr("channel")]: channelLabel(conv.channel), [tr("state")]: label("conv", conv.state), [tr("conversation")]: conv.id })),
      h("section", null, h("h4", { t: "Player attributes" }), kvList(player.attributes)),
      h("section", null, h("h4", { t: "Bot flow state" }),
        kvList({ [tr("flow")]: flow.flow || "—", [tr("step")]: flow.step || "—", [tr("intent")]: flow.intent || "—" }),
        h("h4", { class: "gap", t: "Slots" }), kvList(flow.slots)),
      h("section", null, h("h4", { t: "Tickets" }), ticketsList(d.tickets || [])));
    head.hidden = false;

    const box = $("messages");
    const stick = !keepScroll || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    state.msgIds.clear();
    state.lastShownConv = null;
    box.replaceChildren();
    for (const m of d.messages || []) appendMessage(m, false);
    box.hidden = false;
    if (stick) box.scrollTop = box.scrollHeight;

    $("conv-placeholder").hidden = true;
    $("composer").hidden = false;
    renderCannedSelect();
    updateActions();
  }

  function ticketsList(tickets) {
    if (!tickets.length) return h("div", { class: "hint", t: "No tickets." });
    return h("ul", { class: "conv-tickets" }, ...tickets.map((t) => h("li", { "data-ticket-id": t.id },
      h("span", { class: "priority", "data-priority": t.priority, text: label("priority", t.priority) || "?" }),
      h("span", { class: "skill", "data-skill": t.skill, text: skillLabel(t.skill) || "—" }),
      h("span", { class: "status", "data-status": t.status, text: label("ticket", t.status) }),
      t.breached ? h("span", { class: "status breached", t: "SLA breached" }) : null,
      h("span", { text: `#${t.id} ${t.reason || ""}` }))));
  }

  // The channel a message came from (player) or went to (everyone else),
  // as a short tag; notes and messages without one get none.
  const CHANNELS = { webchat: "Web", telegram: "Telegram", cli: "CLI", ticket: "Ticket" };

  function channelLabel(c) {
    return CHANNELS[c] ? tr(CHANNELS[c]) : label("channel", c);
  }

  function channelTag(m) {
    if (!m.channel || m.sender === "note") return null;
    const label = channelLabel(m.channel);
    const title = tr(m.sender === "player" ? "Received via {0}" : "Sent via {0}", label);
    return h("span", { class: "channel", "data-channel": m.channel, title, "aria-label": title, text: label });
  }

  function senderLabel(m) {
    switch (m.sender) {
      case "player": {
        const p = state.conv && state.conv.player;
        return (p && p.name) || tr("Player");
      }
      case "bot": return tr("Bot");
      case "operator": return m.sender_name || tr("Operator");
      case "note": return `${tr("Internal note — not visible to the player")} · ${m.sender_name || tr("staff")}`;
      case "system": return tr("System");
      default: return m.sender || "?";
    }
  }

  // Appends one message to the open conversation (deduped by id).
  function appendMessage(m, live) {
    if (m.id != null && state.msgIds.has(m.id)) return false;
    if (m.id != null) state.msgIds.add(m.id);
    const box = $("messages");
    const stick = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const buttons = Array.isArray(m.buttons) ? m.buttons : [];
    const articles = Array.isArray(m.articles) ? m.articles : [];
    // A separator wherever the history moves to another conversation.
    if (m.conversation_id !== state.lastShownConv) {
      box.append(h("div", { class: "sep", text: tr("Conversation #{0}", m.conversation_id) }));
      state.lastShownConv = m.conversation_id;
    }
    const el = h("div", { class: "msg", "data-message-id": m.id, "data-sender": m.sender || "system" },
      h("div", { class: "who" },
        h("span", { text: senderLabel(m) }),
        channelTag(m),
        h("time", { datetime: m.created_at, text: fmtTime(m.created_at) })),
      m.sender === "player" ? h("div", { class: "text", text: m.text || "" }) : markdown(m.text || ""),
      buttons.length ? h("div", { class: "chips" }, ...buttons.map((b) =>
        h("span", { class: "chip", text: typeof b === "object" && b ? (b.title || b.label || b.text || str(b)) : str(b) }))) : null,
      articles.length ? h("div", { class: "chips" }, ...articles.map((a) =>
        h("span", { class: "article", text: articleLabel(typeof a === "object" && a ? (a.title || a.id || str(a)) : str(a)) }))) : null);
    box.append(el);
    if (live && stick) box.scrollTop = box.scrollHeight;
    return true;
  }

  // The bot titles the link to the whole article "Read the whole article: …"
  // (settings.yaml, whole_article): that says what it is already, so it
  // gets no "Article:" in front of it.
  const WHOLE_ARTICLE = /^\s*(read the whole article|открыть статью целиком)\s*:/i;

  function articleLabel(title) {
    return WHOLE_ARTICLE.test(title) ? title : tr("Article: {0}", title);
  }

  function updateActions() {
    const t = activeTicket();
    const mineAssigned = t && state.me && t.operator_id === state.me.id && t.status === "assigned";
    for (const id of ["transfer", "return", "resolve"]) $(id).disabled = !t;
    // Only an assigned ticket can be answered (resolved, returned, queued: no).
    $("send").disabled = !(t && t.status === "assigned" && (mineAssigned || isSupervisor()));
    $("composer-hint").textContent = !t
      ? tr("No open ticket in this conversation — you can still add internal notes.")
      : mineAssigned ? "" : tr(t.operator_id ? "Ticket #{0} is {1} (another operator)." : "Ticket #{0} is {1}.", t.id, label("ticket", t.status));
  }

  // ---- composer ---------------------------------------------------------------------------

  let lastTypingSent = 0;

  // "/" at the start of the reply searches canned responses by title: the
  // matches are listed under the box, Enter or Tab puts in the first.
  function cannedMatches() {
    const v = $("reply").value;
    if (!v.startsWith("/")) return null;
    const q = v.slice(1).trim().toLowerCase();
    return state.canned.filter((c) => (c.title || "").toLowerCase().includes(q) || (c.text || "").toLowerCase().includes(q));
  }

  function renderCannedMatches() {
    const m = cannedMatches();
    const box = $("canned-matches");
    box.hidden = m == null;
    if (m == null) return;
    box.replaceChildren(...(m.length ? m.slice(0, 5).map((c, i) => h("span", { class: i ? "match" : "match first", text: c.title }))
      : [h("span", { t: "No canned response matches." })]));
  }

  function insertCanned(c) {
    $("reply").value = fillPlaceholders(c.text || "");
    renderCannedMatches();
    $("reply").focus();
  }

  function onReplyInput() {
    renderCannedMatches();
    if (cannedMatches() != null) return; // a search, not typing to the player
    if (state.convId == null || !$("reply").value) return;
    const t = Date.now();
    if (t - lastTypingSent < TYPING_SEND_MS) return;
    lastTypingSent = t;
    api("POST", `${API}/conversations/${state.convId}/typing`).catch(() => {});
  }

  function onReplyKey(e) {
    const matches = cannedMatches();
    if (matches != null && (e.key === "Enter" || e.key === "Tab") && !e.shiftKey) {
      e.preventDefault();
      if (matches.length) insertCanned(matches[0]);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      send("messages");
    }
  }

  // kind: "messages" (reply to the player) or "notes" (internal note).
  async function send(kind) {
    const input = $("reply");
    const text = input.value.trim();
    if (!text || state.convId == null) return;
    const convId = state.convId;
    const body = kind === "messages" ? { text, client_id: uuid() } : { text };
    $("send").disabled = $("note").disabled = true;
    try {
      const m = await api("POST", `${API}/conversations/${convId}/${kind}`, body);
      if (input.value.trim() === text) input.value = "";
      lastTypingSent = 0;
      if (m && state.convId === convId) {
        appendMessage(m, true);
        $("messages").scrollTop = $("messages").scrollHeight;
      }
      if (kind === "messages") scheduleLists(); // first response stops the SLA clock
    } catch (e) {
      if (e.status !== 401) toast(tr(kind === "notes" ? "Note not sent: {0}" : "Message not sent: {0}", e.message), true);
    } finally {
      $("send").disabled = $("note").disabled = false;
      input.focus();
    }
  }

  // ---- ticket actions ----------------------------------------------------------------------

  async function ticketAction(action, body, okText) {
    const t = activeTicket();
    if (!t) return;
    const res = await attempt(() => api("POST", `${API}/tickets/${t.id}/${action}`, body), tr("Cannot {0}", label("action", action)));
    if (!res) return;
    toast(okText);
    hideTransfer();
    await refreshLists();
    if (state.convId != null) openConversation(state.convId, { keepScroll: true });
  }

  function showTransfer() {
    if (!state.skills.length) return toast(tr("No skills to transfer to."), true);
    $("transfer-box").hidden = false;
    $("transfer").hidden = true;
    if (isSupervisor()) fillTransferOperators();
    const t = activeTicket();
    const other = state.skills.find((s) => !t || s !== t.skill);
    if (other) $("transfer-skill").value = other;
    $("transfer-skill").focus();
  }

  function hideTransfer() {
    $("transfer-box").hidden = true;
    $("transfer").hidden = false;
  }

  // Supervisors may hand a conversation to a named operator who is online.
  async function fillTransferOperators() {
    const data = await attempt(() => api("GET", `${API}/operators`), "Operators");
    const sel = $("transfer-operator");
    const t = activeTicket();
    const ops = ((data && data.operators) || []).filter((o) => o.presence === "online" && (!t || o.id !== t.operator_id));
    sel.replaceChildren(h("option", { value: "", t: "…or to an operator" }),
      ...ops.map((o) => h("option", { value: String(o.id), text: `${o.name || o.login} (${o.active}/${o.capacity})` })));
  }

  function transfer() {
    const opID = Number($("transfer-operator").value || 0);
    if (opID) {
      const name = $("transfer-operator").selectedOptions[0].textContent;
      return ticketAction("transfer", { operator_id: opID }, tr("Transferred to {0}.", name));
    }
    const skill = $("transfer-skill").value;
    if (skill) ticketAction("transfer", { skill }, tr("Transferred to {0}.", skillLabel(skill)));
  }

  // ---- search ----------------------------------------------------------------------------------

  // Finds conversations by player id, name or message text; a click opens one.
  async function search(e) {
    e.preventDefault();
    const q = $("search").value.trim();
    const list = $("search-results");
    if (!q) {
      list.hidden = true;
      $("search-empty").hidden = true;
      return;
    }
    const data = await attempt(() => api("GET", `${API}/search?q=${encodeURIComponent(q)}`), "Search");
    if (!data) return;
    const results = data.results || [];
    list.hidden = results.length === 0;
    $("search-empty").hidden = results.length > 0;
    list.replaceChildren(...results.map((r) => h("li", {
      class: "ticket search-hit", "data-conversation-id": r.conversation_id, tabindex: "0",
      onclick: () => openConversation(r.conversation_id),
    },
      h("div", { class: "row" },
        h("span", { class: "name", text: (r.player && (r.player.name || r.player.id)) || "" }),
        h("span", { class: "meta", text: `#${r.conversation_id} · ${label("conv", r.state)}` })),
      r.text ? h("div", { class: "reason", text: r.text }) : null)));
  }

  // ---- operators (supervisors) -------------------------------------------------------------------

  async function loadOperators() {
    if (!isSupervisor()) return;
    const data = await attempt(() => api("GET", `${API}/operators`), "Operators");
    if (!data) return;
    $("operators-table").tBodies[0].replaceChildren(...(data.operators || []).map((o) => h("tr", { "data-login": o.login },
      h("td", { text: o.name || o.login }),
      h("td", { text: tr(o.presence), "data-presence": o.presence }),
      h("td", { t: o.connected ? "connected" : "not connected" }),
      h("td", { class: "num", text: `${o.active}/${o.capacity}` }),
      h("td", { text: (o.skills || []).map(skillLabel).join(", ") }))));
    $("skills-table").tBodies[0].replaceChildren(...(data.skills || []).map((s) => h("tr", { "data-skill": s.skill },
      h("td", { text: skillLabel(s.skill) }), h("td", { class: "num", text: s.available }), h("td", { class: "num", text: s.queued }))));
    const un = data.uncovered_skills || [];
    $("uncovered").hidden = un.length === 0;
    $("uncovered").textContent = tr("Nobody available serves: {0}. Their tickets wait, then widen to generalists and to anyone.", un.map(skillLabel).join(", "));
  }

  // ---- canned responses -----------------------------------------------------------------------

  async function loadCanned() {
    const data = await attempt(() => api("GET", `${API}/canned`), "Canned responses");
    if (!data) return;
    state.canned = data.canned || [];
    renderCannedSelect();
    renderCannedTable();
  }

  // The dropdown lists the player's locale first.
  function renderCannedSelect() {
    const sel = $("canned");
    const loc = state.conv && state.conv.player ? String(state.conv.player.locale || "").slice(0, 2) : "";
    const items = [...state.canned].sort((a, b) => (b.locale === loc) - (a.locale === loc));
    sel.replaceChildren(h("option", { value: "", t: "Canned response…" }),
      ...items.map((c) => h("option", { value: c.id, text: `${c.title}${c.locale ? " (" + c.locale + ")" : ""}` })));
  }

  function fillPlaceholders(text) {
    const p = state.conv && state.conv.player;
    const player = (p && (p.name || p.id)) || "";
    const op = state.me ? state.me.name || state.me.login : "";
    return String(text).replace(/\{\{\s*player\.name\s*\}\}/g, player).replace(/\{\{\s*operator\.name\s*\}\}/g, op);
  }

  // Inserts the chosen canned text at the cursor.
  function onCannedPick() {
    const sel = $("canned");
    const c = state.canned.find((x) => String(x.id) === sel.value);
    sel.value = "";
    if (!c) return;
    const input = $("reply");
    const text = fillPlaceholders(c.text || "");
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.setRangeText(text, start, end, "end");
    input.focus();
  }

  function renderCannedTable() {
    const body = $("canned-table").tBodies[0];
    body.replaceChildren(...state.canned.map((c) => h("tr", { "data-canned-id": c.id },
      h("td", { text: c.title || "" }),
      h("td", { text: c.locale || "" }),
      h("td", { class: "canned-text", text: c.text || "" }),
      h("td", null,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "edit", t: "Edit", onclick: () => editCanned(c) }),
          h("button", { type: "button", class: "delete danger", t: "Delete", onclick: () => deleteCanned(c) }))))));
    if (!state.canned.length) body.append(h("tr", null, h("td", { colspan: "4", class: "hint", t: "No canned responses yet." })));
  }

  function editCanned(c) {
    state.editingCanned = c ? c.id : null;
    $("canned-title").value = c ? c.title || "" : "";
    $("canned-text").value = c ? c.text || "" : "";
    const loc = $("canned-locale");
    if (c && c.locale && ![...loc.options].some((o) => o.value === c.locale)) loc.append(h("option", { value: c.locale, text: c.locale }));
    loc.value = c ? c.locale || "en" : "en";
    $("canned-form-title").textContent = c ? tr("Edit “{0}”", c.title || "") : tr("New canned response");
    $("canned-cancel").hidden = !c;
    if (c) $("canned-title").focus();
  }

  async function saveCanned(e) {
    e.preventDefault();
    const body = { title: $("canned-title").value.trim(), text: $("canned-text").value, locale: $("canned-locale").value };
    if (!body.title || !body.text.trim()) return;
    const id = state.editingCanned;
    const ok = await attempt(() => id != null
      ? api("PUT", `${API}/canned/${encodeURIComponent(id)}`, body)
      : api("POST", `${API}/canned`, body), "Save");
    if (ok === undefined) return;
    toast(tr(id != null ? "Canned response updated." : "Canned response created."));
    editCanned(null);
    loadCanned();
  }

  async function deleteCanned(c) {
    if (!confirm(tr("Delete the canned response “{0}”?", c.title || ""))) return;
    const ok = await attempt(() => api("DELETE", `${API}/canned/${encodeURIComponent(c.id)}`).then(() => true), "Delete");
    if (!ok) return;
    if (state.editingCanned === c.id) editCanned(null);
    loadCanned();
  }

  // ---- metrics ------------------------------------------------------------------------------------

  // sla_hit_rate is taken as a 0..1 fraction; values above 1 as a percentage already.
  function pct(v) {
    if (v == null || !isFinite(v)) return "—";
    return `${(v <= 1 ? v * 100 : v).toFixed(1)}%`;
  }

  function metricsRow(r, label, cls) {
    const csat = r.csat_avg == null || !r.csat_count ? "—" : Number(r.csat_avg).toFixed(2);
    return h("tr", { class: cls || null, "data-operator-id": r.operator_id },
      h("td", { text: label }),
      h("td", { class: "num", text: r.resolved ?? 0 }),
      h("td", { class: "num", text: duration(r.first_response_avg_s) }),
      h("td", { class: "num", text: duration(r.handle_time_avg_s) }),
      h("td", { class: "num", text: `${csat} (${r.csat_count ?? 0})` }),
      h("td", { class: "num", text: pct(r.sla_hit_rate) }));
  }

  async function loadMetrics() {
    if (!isSupervisor()) return;
    const data = await attempt(() => api("GET", `${API}/metrics`), "Metrics");
    if (!data) return;
    const body = $("metrics-table").tBodies[0];
    body.replaceChildren(...(data.operators || []).map((r) => metricsRow(r, r.name || `#${r.operator_id}`)));
    if (data.total) body.append(metricsRow(data.total, tr("Total"), "total"));
  }

  // ---- tabs ---------------------------------------------------------------------------------------

  function selectTab(tab) {
    if (tab !== "conversation" && !isSupervisor()) tab = "conversation";
    state.tab = tab;
    for (const name of ["conversation", "metrics", "canned", "operators"]) {
      $(`tab-${name}`).setAttribute("aria-selected", String(name === tab));
      $(`${name}-panel`).hidden = name !== tab;
    }
    if (tab === "metrics") loadMetrics();
    if (tab === "operators") loadOperators();
    if (tab === "canned") loadCanned();
  }

  // ---- WebSocket ------------------------------------------------------------------------------------

  const sock = { ws: null, attempt: 0, retryTimer: null, pingTimer: null, everOpen: false, stopped: true };

  function setWsStatus(status) {
    const el = $("ws-status");
    el.dataset.status = status;
    el.textContent = tr({ online: "Live", connecting: "Connecting…", offline: "Offline" }[status]);
  }

  function connect() {
    sock.stopped = false;
    if (sock.ws) return;
    clearTimeout(sock.retryTimer);
    setWsStatus("connecting");
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/console/ws`;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (_) {
      return scheduleReconnect();
    }
    sock.ws = ws;
    ws.onopen = () => {
      const reconnected = sock.everOpen;
      sock.everOpen = true;
      sock.attempt = 0;
      setWsStatus("online");
      clearInterval(sock.pingTimer);
      sock.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "ping" }));
      }, PING_MS);
      if (reconnected) resync(); // we may have missed events while away
    };
    ws.onmessage = (ev) => {
      let f;
      try { f = JSON.parse(ev.data); } catch (_) { return; }
      if (f && typeof f === "object") onFrame(f);
    };
    ws.onclose = () => {
      if (sock.ws !== ws) return;
      sock.ws = null;
      clearInterval(sock.pingTimer);
      if (sock.stopped) return;
      scheduleReconnect();
      // A refused upgrade may mean the session expired: /me shows the login form on 401.
      if (sock.attempt > 1) api("GET", `${API}/me`).catch(() => {});
    };
    ws.onerror = () => {}; // onclose follows
  }

  function scheduleReconnect() {
    setWsStatus("offline");
    clearTimeout(sock.retryTimer);
    sock.retryTimer = setTimeout(connect, backoff(sock.attempt++));
  }

  function closeSocket() {
    sock.stopped = true;
    sock.everOpen = false;
    clearTimeout(sock.retryTimer);
    clearInterval(sock.pingTimer);
    const ws = sock.ws;
    sock.ws = null;
    if (ws) try { ws.close(); } catch (_) { /* ignore */ }
    setWsStatus("offline");
  }

  // After a reconnect: refetch everything (the session may have expired, too).
  async function resync() {
    try {
      applyMe(await api("GET", `${API}/me`));
    } catch (_) {
      return; // 401 shows the login form
    }
    refreshAll();
  }

  function onFrame(f) {
    switch (f.type) {
      case "queue":
        scheduleLists();
        break;
      case "message":
        if (f.message) onLiveMessage(f.message);
        break;
      case "typing":
        if (f.sender === "player" && state.conv && openConvIds().has(f.conversation_id)) showPlayerTyping();
        break;
      case "ticket":
        if (f.ticket) onLiveTicket(f.ticket);
        break;
      default: // pong and unknown frames
    }
  }

  function onLiveMessage(m) {
    if (state.conv && openConvIds().has(m.conversation_id)) {
      if (m.sender === "player") hidePlayerTyping();
      appendMessage(m, true);
      return;
    }
    const fromMe = state.me && m.sender === "operator" && String(m.sender_id) === String(state.me.id);
    if (!fromMe && state.mine.some((t) => t.conversation_id === m.conversation_id)) {
      state.unread.add(m.conversation_id);
      renderLists();
    }
  }

  function onLiveTicket(t) {
    // Update in place right away, then refetch to get membership right.
    for (const list of [state.queue, state.mine]) {
      const i = list.findIndex((x) => x.id === t.id);
      if (i >= 0) list[i] = t;
    }
    renderLists();
    scheduleLists();
    if (state.conv && openConvIds().has(t.conversation_id)) {
      const tickets = state.conv.tickets || (state.conv.tickets = []);
      const i = tickets.findIndex((x) => x.id === t.id);
      if (i >= 0) tickets[i] = t; else tickets.push(t);
      const head = $("conv-head").lastElementChild;
      if (head) head.replaceChildren(h("h4", { t: "Tickets" }), ticketsList(tickets));
      updateActions();
    }
  }

  let typingTimer = null;
  function showPlayerTyping() {
    $("player-typing").hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hidePlayerTyping, TYPING_SHOW_MS);
  }
  function hidePlayerTyping() {
    clearTimeout(typingTimer);
    $("player-typing").hidden = true;
  }

  function updateTitle() {
    const n = state.unread.size;
    document.title = `${n ? `(${n}) ` : ""}${tr("Switchboard console")}${state.queue.length ? ` · ${tr("{0} queued", state.queue.length)}` : ""}`;
  }

  // ---- wiring ----------------------------------------------------------------------------------------

  function init() {
    translatePage();
    for (const sel of document.querySelectorAll(".lang")) {
      sel.value = LANG;
      sel.addEventListener("change", () => {
        localStorage.setItem("sb-console-lang", sel.value);
        location.reload(); // everything is rendered again in the chosen language
      });
    }
    $("login-form").addEventListener("submit", onLoginSubmit);
    $("search-form").addEventListener("submit", search);
    $("logout").addEventListener("click", logout);
    $("presence").addEventListener("change", setPresence);
    $("take-next").addEventListener("click", takeNext);
    $("tab-conversation").addEventListener("click", () => selectTab("conversation"));
    $("tab-metrics").addEventListener("click", () => selectTab("metrics"));
    $("tab-canned").addEventListener("click", () => selectTab("canned"));
    $("metrics-refresh").addEventListener("click", loadMetrics);

    $("reply").addEventListener("input", onReplyInput);
    $("reply").addEventListener("keydown", onReplyKey);
    $("send").addEventListener("click", () => send("messages"));
    $("note").addEventListener("click", () => send("notes"));
    $("canned").addEventListener("change", onCannedPick);
    $("transfer").addEventListener("click", showTransfer);
    $("transfer-cancel").addEventListener("click", hideTransfer);
    $("transfer-go").addEventListener("click", transfer);
    $("tab-operators").addEventListener("click", () => selectTab("operators"));
    $("operators-refresh").addEventListener("click", loadOperators);
    $("return").addEventListener("click", () => ticketAction("return", undefined, tr("Returned to the bot.")));
    $("resolve").addEventListener("click", () => ticketAction("resolve", undefined, tr("Resolved — the player is asked for a rating.")));

    $("canned-form").addEventListener("submit", saveCanned);
    $("canned-cancel").addEventListener("click", () => editCanned(null));

    setInterval(tickSla, 1000);
    // Reconnect at once when the network comes back.
    window.addEventListener("online", () => { if (!sock.stopped && !sock.ws) { sock.attempt = 0; connect(); } });
    start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
