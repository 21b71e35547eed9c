/*
 * The content editor's Try it panel (see editor.js, SBEditor): a chat with
 * my draft (not the live version) over /console/api/editor/tryit, each
 * turn's reasons (intent ranking, flow steps, knowledge-base hits, handoff),
 * recording the transcript as a conversation test, and "Test a phrase"
 * (/console/api/editor/classify). Server text is rendered with textContent.
 */
(function () {
  "use strict";
  const E = window.SBEditor;
  if (!E.$("tab-tryit")) return;
  const { h } = E;

  // A dictionary of this panel's own: the page's is shared by every panel,
  // and another may translate the same English word differently.
  const RU = {
    "Try it": "Проверка", "Chat with your draft": "Диалог с вашим черновиком",
    "Replies come from your draft, not the live version. Nothing is stored.": "Ответы — из вашего черновика, не из опубликованной версии. Ничего не сохраняется.",
    "Player language": "Язык игрока", "Reset": "Сбросить", "Record as test": "Записать как тест",
    "Test name (optional)": "Название теста (необязательно)",
    "Type as a player…": "Напишите как игрок…", "Send": "Отправить", "Message": "Сообщение",
    "Say something to the bot.": "Напишите боту что-нибудь.",
    "Player": "Игрок", "Bot": "Бот", "Pressed: {0}": "Нажата кнопка: {0}",
    "(the bot says nothing: a human holds the conversation)": "(бот молчит: диалог у оператора)",
    "Handed to a person: {0}, priority {1}": "Передано оператору: {0}, приоритет {1}",
    "Why this answer": "Почему такой ответ", "Pick a bot turn to see why it answered so.": "Выберите ответ бота, чтобы увидеть почему.",
    "Turn {0}": "Шаг {0}", "Intent": "Интент", "out of scope": "вне тематики", "not classified (an answer to the bot's question)": "не классифицировалось (ответ на вопрос бота)",
    "Read as": "Прочитано как", "Flow steps": "Шаги сценариев", "none": "нет",
    "Knowledge base hits": "Найденные статьи", "Handoff": "Передача оператору", "no handoff": "без передачи",
    "skill": "навык", "priority": "приоритет", "reason": "причина", "Topic": "Тема", "Issue": "Проблема",
    "Test a phrase": "Проверить фразу", "A phrase": "Фраза", "Classify": "Классифицировать",
    "Out of scope (threshold {0})": "Вне тематики (порог {0})", "In scope: {0} (threshold {1})": "В тематике: {0} (порог {1})",
    "Your draft has problems: fix them to try it.": "В черновике есть проблемы: исправьте их, чтобы проверить.",
    "Saved {0} in your draft.": "Сохранено в черновик: {0}.", "Open": "Открыть",
    "send the message": "отправить сообщение", "record the test": "записать тест", "classify": "классифицировать",
    "start a session": "начать сессию",
    "The session had expired: a new one started.": "Сессия истекла: начата новая.",
    "Nothing to record yet.": "Записывать пока нечего.",
    "Working…": "Обработка…",
  };
  E.addDict({ "Try it": RU["Try it"] }); // the page's tab
  const tr = (s, ...args) => (E.LANG === "ru" && RU[s]
    ? RU[s].replace(/\{(\d+)\}/g, (m, i) => (args[i] !== undefined ? String(args[i]) : m))
    : E.tr(s, ...args));

  const panel = E.$("tryit-panel");
  const st = { id: null, locale: E.LANG === "ru" ? "ru" : "en", turns: [], selected: -1, busy: false, built: false };
  const el = {};

  function build() {
    el.locale = h("select", { id: "tryit-locale", "aria-label": tr("Player language"), onchange: onLocale },
      h("option", { value: "en", text: "English" }), h("option", { value: "ru", text: "Русский" }));
    el.locale.value = st.locale;
    el.problems = h("div", { id: "tryit-problems", class: "banner error", role: "alert", hidden: true });
    el.transcript = h("ol", { id: "tryit-transcript", class: "tryit-transcript", "aria-live": "polite" });
    el.input = h("input", { id: "tryit-input", type: "text", maxlength: 4096, autocomplete: "off",
      placeholder: tr("Type as a player…"), "aria-label": tr("Message") });
    el.send = h("button", { id: "tryit-send", type: "submit", class: "primary", text: tr("Send") });
    el.name = h("input", { id: "tryit-name", type: "text", maxlength: 80, placeholder: tr("Test name (optional)"),
      "aria-label": tr("Test name (optional)") });
    el.record = h("button", { id: "tryit-record", type: "button", text: tr("Record as test"), onclick: record });
    el.trace = h("div", { id: "tryit-trace", class: "tryit-trace" });
    el.phrase = h("input", { id: "tryit-phrase", type: "text", maxlength: 4096, placeholder: tr("A phrase"), "aria-label": tr("A phrase") });
    el.classified = h("div", { id: "tryit-classify-result", class: "tryit-classified", "aria-live": "polite" });

    const chat = h("section", { class: "tryit-chat", "aria-label": tr("Chat with your draft") },
      h("div", { class: "tryit-bar" },
        h("h2", { text: tr("Chat with your draft") }), h("span", { class: "spacer" }),
        h("label", { class: "tryit-field" }, h("span", { text: tr("Player language") }), el.locale),
        h("button", { id: "tryit-reset", type: "button", text: tr("Reset"), onclick: reset })),
      h("p", { class: "hint", text: tr("Replies come from your draft, not the live version. Nothing is stored.") }),
      el.problems, el.transcript,
      h("form", { class: "tryit-send", onsubmit: (ev) => { ev.preventDefault(); send({ text: el.input.value }); } }, el.input, el.send),
      h("div", { class: "tryit-record" }, el.name, el.record));
    const side = h("aside", { class: "tryit-side" },
      h("h2", { text: tr("Why this answer") }), el.trace,
      h("h2", { text: tr("Test a phrase") }),
      h("form", { class: "tryit-send", onsubmit: (ev) => { ev.preventDefault(); classify(); } },
        el.phrase, h("button", { id: "tryit-classify", type: "submit", text: tr("Classify") })),
      el.classified);
    panel.append(h("div", { class: "tryit" }, chat, side));
    render();
  }

  // ---- session -----------------------------------------------------------------

  async function start() {
    const s = await E.api("POST", `${E.ED}/tryit`, { locale: st.locale });
    st.id = s.id; st.turns = []; st.selected = -1;
    return s;
  }

  async function end() {
    if (!st.id) return;
    const id = st.id;
    st.id = null;
    try { await E.api("DELETE", `${E.ED}/tryit/${encodeURIComponent(id)}`); } catch (_) { /* gone already */ }
  }

  async function reset() {
    await end();
    st.turns = []; st.selected = -1;
    showProblems(null);
    if (el.saved) { el.saved.remove(); el.saved = null; }
    render();
    el.input.focus();
  }

  function onLocale() {
    st.locale = el.locale.value;
    reset();
  }

  async function send(msg) {
    if (st.busy) return;
    if (msg.text !== undefined && !msg.text.trim()) { el.input.focus(); return; }
    setBusy(true);
    try {
      await E.attempt(async () => {
        if (!st.id) await start();
        let turn;
        try {
          turn = await E.whileBuilding(() => E.api("POST", `${E.ED}/tryit/${encodeURIComponent(st.id)}/turns`, msg));
        } catch (e) {
          if (e.status === 422) { showProblems(e.data.problems || []); return; }
          if (e.status !== 404) throw e;
          await start(); // expired: the transcript starts again
          E.toast(tr("The session had expired: a new one started."));
          turn = await E.api("POST", `${E.ED}/tryit/${encodeURIComponent(st.id)}/turns`, msg);
        }
        showProblems(null);
        st.turns.push(turn);
        st.selected = st.turns.length - 1;
        if (msg.text !== undefined) el.input.value = "";
        render();
      }, "send the message");
    } finally {
      setBusy(false);
      el.input.focus();
    }
  }

  async function record() {
    if (!st.id || !st.turns.length) { E.toast(tr("Nothing to record yet.")); return; }
    const name = el.name.value.trim();
    const res = await E.attempt(() => E.api("POST", `${E.ED}/tryit/${encodeURIComponent(st.id)}/record`, name ? { name } : {}), "record the test");
    if (!res) return;
    el.name.value = "";
    E.reloadDraft();
    const open = h("button", { type: "button", class: "link", text: tr("Open"), onclick: () => E.openFile(res.path) });
    if (el.saved) el.saved.remove();
    el.saved = h("p", { id: "tryit-saved", class: "banner ok" }, tr("Saved {0} in your draft.", res.path), " ", open);
    el.record.parentElement.after(el.saved);
    E.toast(tr("Saved {0} in your draft.", res.path));
  }

  async function classify() {
    const text = el.phrase.value;
    if (!text.trim()) { el.phrase.focus(); return; }
    try {
      const res = await E.whileBuilding(() => E.api("POST", `${E.ED}/classify`, { text, locale: st.locale }));
      showProblems(null);
      renderClassified(res);
    } catch (e) {
      if (e.status === 422) { showProblems(e.data.problems || []); return; }
      if (e.status !== 401 && e.status !== 403) E.toast(tr("Cannot {0}", `${tr("classify")}: ${e.message}`), true);
    }
  }

  function setBusy(b) {
    st.busy = b;
    el.send.disabled = b;
    el.send.textContent = tr(b ? "Working…" : "Send");
  }

  // ---- rendering -----------------------------------------------------------------

  function showProblems(problems) {
    el.problems.replaceChildren();
    el.problems.hidden = !problems;
    if (!problems) return;
    const list = h("ul", {});
    for (const p of problems) {
      const loc = p.line ? `${p.path}:${p.line}` : p.path;
      list.append(h("li", {}, h("button", { type: "button", class: "link", text: loc, onclick: () => E.openFile(p.path, p.line) }), ` ${p.message}`));
    }
    el.problems.append(h("strong", { text: tr("Your draft has problems: fix them to try it.") }), list);
  }

  function render() {
    el.transcript.replaceChildren();
    if (!st.turns.length) el.transcript.append(h("li", { class: "hint empty", text: tr("Say something to the bot.") }));
    st.turns.forEach((t, i) => {
      el.transcript.append(h("li", { class: "msg player" },
        h("span", { class: "who", text: tr("Player") }),
        h("div", { class: "text", text: t.press ? tr("Pressed: {0}", t.press) : t.say })));
      const bot = h("li", { class: "msg bot", "aria-current": String(i === st.selected), tabindex: 0,
        onclick: () => select(i), onkeydown: (ev) => { if (ev.key === "Enter") select(i); } },
        h("span", { class: "who" }, tr("Bot"), " · ", tr("Turn {0}", t.n)));
      if (t.silent) bot.append(h("div", { class: "text hint", text: tr("(the bot says nothing: a human holds the conversation)") }));
      for (const r of t.replies) bot.append(renderReply(r, i === st.turns.length - 1));
      if (t.handoff) bot.append(h("div", { class: "handoff", text: tr("Handed to a person: {0}, priority {1}", t.handoff.skill, t.handoff.priority) }));
      el.transcript.append(bot);
    });
    // The latest message at the top: a long answer is read from its start.
    const players = el.transcript.querySelectorAll(".player");
    if (players.length) el.transcript.scrollTop = players[players.length - 1].offsetTop - 6;
    el.record.disabled = !st.turns.length;
    renderTrace();
  }

  function renderReply(r, live) {
    const div = h("div", { class: "reply" }, h("div", { class: "text", text: r.text }));
    if (r.articles.length) {
      const ul = h("ul", { class: "articles" });
      for (const a of r.articles) ul.append(h("li", {}, h("span", { class: "badge article", text: a.id }), " ", a.title));
      div.append(ul);
    }
    if (r.buttons.length) {
      const row = h("div", { class: "buttons" });
      for (const b of r.buttons) {
        row.append(h("button", { type: "button", text: b.label, disabled: !live,
          onclick: (ev) => { ev.stopPropagation(); send({ press: b.label }); } }));
      }
      div.append(row);
    }
    return div;
  }

  function select(i) {
    st.selected = i;
    render();
  }

  const pct = (x) => `${(x * 100).toFixed(1)}%`;

  function bars(ranked, top) {
    const ul = h("ul", { class: "tryit-ranked" });
    for (const p of ranked) {
      const bar = h("span", { class: "bar" });
      bar.style.width = `${Math.max(1, Math.round(p.confidence * 100))}%`;
      ul.append(h("li", { class: p.intent === top ? "top" : null },
        h("span", { class: "name", text: p.intent }), h("span", { class: "track" }, bar), h("span", { class: "num", text: pct(p.confidence) })));
    }
    return ul;
  }

  function row(label, ...value) {
    return h("div", { class: "kv" }, h("dt", { text: tr(label) }), h("dd", {}, ...value));
  }

  function renderTrace() {
    el.trace.replaceChildren();
    const t = st.turns[st.selected];
    if (!t) { el.trace.append(h("p", { class: "hint", text: tr("Pick a bot turn to see why it answered so.") })); return; }
    const x = t.trace;
    const dl = h("dl", {});
    el.trace.append(h("h3", { text: tr("Turn {0}", t.n) }), dl);
    if (t.silent) { dl.append(row("Handoff", tr("(the bot says nothing: a human holds the conversation)"))); return; }
    let intent;
    if (!x.classified) intent = h("span", { class: "hint", text: tr("not classified (an answer to the bot's question)") });
    else if (x.out_of_scope) intent = h("span", { class: "oos" }, h("strong", { text: tr("out of scope") }), x.intent && x.intent !== "oos" ? ` (${x.intent} ${pct(x.confidence)})` : "");
    else intent = h("span", {}, h("strong", { id: "tryit-intent", text: x.intent }), ` ${pct(x.confidence)}`);
    dl.append(row("Intent", intent));
    if (x.classified && x.ranked.length) dl.append(h("div", { class: "kv wide" }, bars(x.ranked, x.out_of_scope ? "" : x.intent)));
    if (x.text) dl.append(row("Read as", h("code", { text: x.text })));
    const steps = h("ol", { class: "steps" });
    for (const s of x.steps) steps.append(h("li", {}, h("code", { text: s })));
    dl.append(row("Flow steps", x.steps.length ? steps : h("span", { class: "hint", text: tr("none") })));
    const hits = h("ol", { class: "hits" });
    for (const k of x.kb_hits) {
      hits.append(h("li", {}, h("span", { class: "num", text: k.score.toFixed(2) }), " ",
        h("button", { type: "button", class: "link", text: k.article, title: k.title,
          onclick: () => E.openFile(`kb/${k.locale}/${k.article}.md`) }), ` ${k.title}`));
    }
    dl.append(row("Knowledge base hits", x.kb_hits.length ? hits : h("span", { class: "hint", text: tr("none") })));
    dl.append(row("Handoff", t.handoff
      ? h("span", { class: "handoff" }, `${tr("skill")}: ${t.handoff.skill} · ${tr("priority")}: ${t.handoff.priority} · ${tr("reason")}: ${t.handoff.reason}`)
      : h("span", { class: "hint", text: tr("no handoff") })));
    if (x.topic) dl.append(row("Topic", h("code", { text: x.topic })));
    if (x.issue) dl.append(row("Issue", h("code", { text: x.issue })));
  }

  function renderClassified(res) {
    el.classified.replaceChildren(
      h("p", { class: res.out_of_scope ? "verdict oos" : "verdict",
        text: res.out_of_scope ? tr("Out of scope (threshold {0})", pct(res.threshold)) : tr("In scope: {0} (threshold {1})", res.intent, pct(res.threshold)) }),
      bars(res.ranked, res.out_of_scope ? "" : res.intent));
    if (res.text && res.text !== el.phrase.value.trim()) el.classified.append(h("dl", {}, row("Read as", h("code", { text: res.text }))));
  }

  E.registerPanel("tryit", {
    show() {
      if (!st.built) { st.built = true; build(); }
      el.input.focus();
    },
  });
})();
