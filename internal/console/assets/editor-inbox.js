/* The content editor's "Missed" panel: what the bot missed, grouped by
 * similarity (API.md, "Inbox of misses"). Built with textContent only. */
(function () {
  "use strict";
  const E = window.SBEditor;
  if (!E.$("tab-inbox")) return;
  const { h, tr, api, attempt, toast, ED } = E;

  E.addDict({
    "Missed": "Пропущенное", "What the bot missed": "Что бот не понял",
    "Player messages that went out of scope, scored low, got “didn't help” or were handed off without an answer, grouped by similarity.":
      "Сообщения игроков вне тематики, с низкой уверенностью, с ответом «не помогло» или переданные оператору без ответа, сгруппированные по сходству.",
    "State": "Состояние", "New": "Новые", "Applied": "Применённые", "Dismissed": "Отклонённые", "All": "Все",
    "Period": "Период", "Last 7 days": "7 дней", "Last 30 days": "30 дней", "Last 90 days": "90 дней",
    "Order": "Порядок", "Biggest first": "Сначала крупные", "Newest first": "Сначала новые", "Refresh": "Обновить",
    "{0} groups, {1} messages in the period": "Групп: {0}, сообщений за период: {1}",
    "Only the newest messages of the period were grouped.": "Сгруппированы только самые новые сообщения периода.",
    "Nothing here: the bot missed nothing in this period, or it is all handled.": "Пусто: за этот период бот ничего не пропустил или всё уже разобрано.",
    "out of scope": "вне тематики", "low confidence": "низкая уверенность", "didn't help": "не помогло",
    "handoff without an answer": "передано без ответа",
    "new": "новая", "applied": "применена", "dismissed": "отклонена",
    "times": "раз", "first {0}, last {1}": "впервые {0}, последний раз {1}",
    "Intent": "Интент", "Add to examples": "Добавить в примеры", "Start article": "Начать статью", "Dismiss": "Отклонить",
    "Conversation #{0}": "Диалог №{0}", "×{0}": "×{0}", "applied: {0}": "применено: {0}",
    "Pick an intent first.": "Сначала выберите интент.",
    "Added to {0} in your draft.": "Добавлено в {0} в вашем черновике.",
    "Already an example; marked applied.": "Уже есть среди примеров; отмечено как применённое.",
    "Dismissed: {0}.": "Отклонено: {0}.", "Article started: {0}": "Статья начата: {0}",
    "Nothing changed: these messages were already handled.": "Ничего не изменилось: эти сообщения уже разобраны.",
    "load the missed messages": "загрузить пропущенные сообщения", "add the examples": "добавить примеры",
    "start an article": "начать статью", "dismiss the messages": "отклонить сообщения",
    "Every new message of the group": "Все новые сообщения группы", "Examples": "Примеры", "at {0}": "{0}",
    "Add the group to examples": "Добавить группу в примеры", "Dismiss the group": "Отклонить группу",
    "Article": "Статья", "Add as a question": "Добавить как вопрос", "Add the group as questions": "Добавить группу как вопросы",
    "Pick an article first.": "Сначала выберите статью.", "add the questions": "добавить вопросы",
    "Already a question; marked applied.": "Уже есть среди вопросов; отмечено как применённое.",
    "Players who ask so mean this article: the bot learns it from the article's questions.":
      "Игроки, которые так спрашивают, имеют в виду эту статью: бот учится по вопросам статьи.",
  });

  const panel = E.$("inbox-panel");
  const REASONS = { out_of_scope: "out of scope", low_confidence: "low confidence", not_helpful: "didn't help",
    handoff_no_answer: "handoff without an answer" };
  const state = { filter: "new", days: "30", sort: "count", intents: [], articles: [], loading: null };

  const select = (id, label, value, options, onChange) => h("label", { class: "inbox-field" }, tr(label), " ",
    h("select", { id, onchange: (e) => onChange(e.target.value) },
      ...options.map(([v, t]) => { const o = h("option", { value: v, t }); o.selected = v === value; return o; })));

  const toolbar = h("div", { class: "inbox-toolbar actions" },
    select("inbox-state", "State", state.filter, [["new", "New"], ["applied", "Applied"], ["dismissed", "Dismissed"], ["all", "All"]],
      (v) => { state.filter = v; load(); }),
    select("inbox-days", "Period", state.days, [["7", "Last 7 days"], ["30", "Last 30 days"], ["90", "Last 90 days"]],
      (v) => { state.days = v; load(); }),
    select("inbox-sort", "Order", state.sort, [["count", "Biggest first"], ["newest", "Newest first"]],
      (v) => { state.sort = v; load(); }),
    h("button", { type: "button", id: "inbox-refresh", t: "Refresh", onclick: () => load() }));
  const summary = h("p", { id: "inbox-summary", class: "hint" });
  const list = h("div", { id: "inbox-groups" });
  panel.append(h("div", { class: "scroll inbox" },
    h("h3", { t: "What the bot missed" }),
    h("p", { class: "hint", t: "Player messages that went out of scope, scored low, got “didn't help” or were handed off without an answer, grouped by similarity." }),
    toolbar, summary, list));

  // What the pickers offer: the draft's intents (the top-level keys of
  // intents/en.yaml and ru.yaml) and its article ids (kb/LOCALE/ID.md).
  async function loadPickers() {
    const names = new Set();
    for (const locale of ["en", "ru"]) {
      try {
        const f = await api("GET", E.filesURL(`${ED}/draft/files`, `intents/${locale}.yaml`));
        for (const m of f.content.matchAll(/^([A-Za-z0-9_][A-Za-z0-9_-]*)\s*:/gm)) names.add(m[1]);
      } catch (_) { /* a bundle without this locale */ }
    }
    state.intents = [...names].sort();
    const files = await attempt(() => api("GET", `${ED}/draft/files`), "Files");
    const ids = new Set();
    for (const f of (files && files.files) || []) {
      const m = /^kb\/(?:en|ru)\/([a-z0-9][a-z0-9-]*)\.md$/.exec(f.path);
      if (m) ids.add(m[1]);
    }
    state.articles = [...ids].sort();
  }

  const fmt = (iso) => E.fmtTime(iso);

  function reasonBadges(reasons) {
    return h("span", { class: "inbox-reasons" }, ...Object.entries(reasons || {}).map(([r, n]) =>
      h("span", { class: `inbox-badge reason-${r}`, title: tr(REASONS[r] || r) }, `${tr(REASONS[r] || r)} ${n}`)));
  }

  // act posts an action; on 409 (the draft changed since the server read
  // it: another tab saved) it rereads the draft and tries once more.
  async function act(what, path, body, done) {
    const post = () => api("POST", `${ED}/inbox/${path}`, body);
    const res = await attempt(async () => {
      try { return await post(); } catch (e) {
        if (e.status !== 409) throw e;
        await E.reloadDraft();
        return post();
      }
    }, what);
    if (res === undefined) return;
    await done(res);
    await load();
  }

  function applyIntent(picker, ids, alsoIDs) {
    const intent = picker.value;
    if (!intent) { toast(tr("Pick an intent first."), true); picker.focus(); return; }
    act("add the examples", "apply", { message_ids: ids, also_ids: alsoIDs, intent }, async (res) => {
      toast(res.added.length ? tr("Added to {0} in your draft.", `${intent} (${res.files.join(", ")})`)
        : res.marked ? tr("Already an example; marked applied.") : tr("Nothing changed: these messages were already handled."));
      if (res.files.length) await E.reloadDraft();
    });
  }

  function applyQuestion(picker, ids, alsoIDs) {
    const article = picker.value;
    if (!article) { toast(tr("Pick an article first."), true); picker.focus(); return; }
    act("add the questions", "apply", { message_ids: ids, also_ids: alsoIDs, article }, async (res) => {
      toast(res.added.length ? tr("Added to {0} in your draft.", res.files.join(", "))
        : res.marked ? tr("Already a question; marked applied.") : tr("Nothing changed: these messages were already handled."));
      if (res.files.length) await E.reloadDraft();
    });
  }

  function startArticle(id) {
    act("start an article", "article", { message_id: id }, async (res) => {
      toast(tr("Article started: {0}", res.path));
      await E.reloadDraft();
      await E.openFile(res.path);
    });
  }

  function dismiss(ids) {
    act("dismiss the messages", "dismiss", { message_ids: ids }, async (res) =>
      toast(res.dismissed ? tr("Dismissed: {0}.", res.dismissed) : tr("Nothing changed: these messages were already handled.")));
  }

  function intentPicker(g) {
    const sel = h("select", { class: "inbox-intent", "aria-label": tr("Intent") }, h("option", { value: "", text: `— ${tr("Intent")} —` }),
      ...state.intents.map((n) => h("option", { value: n, text: n })));
    sel.dataset.group = String(g.id);
    return sel;
  }

  function articlePicker(g) {
    const sel = h("select", { class: "inbox-article-pick", "aria-label": tr("Article"),
      title: tr("Players who ask so mean this article: the bot learns it from the article's questions.") },
    h("option", { value: "", text: `— ${tr("Article")} —` }), ...state.articles.map((n) => h("option", { value: n, text: n })));
    sel.dataset.group = String(g.id);
    return sel;
  }

  function renderExample(g, ex, picker, articles) {
    return h("li", { class: `inbox-example state-${ex.state}` },
      h("span", { class: "inbox-text", text: ex.text }),
      ex.same > 1 ? h("span", { class: "inbox-same", text: tr("×{0}", ex.same) }) : null,
      h("span", { class: "hint", text: ` ${ex.locale} · ${fmt(ex.at)} · ${tr("Conversation #{0}", ex.conversation_id)}` }),
      ex.applied ? h("span", { class: "inbox-badge applied", text: tr("applied: {0}", ex.applied) }) : null,
      ex.state === "dismissed" ? h("span", { class: "inbox-badge dismissed", t: "dismissed" }) : null,
      h("span", { class: "inbox-example-actions actions" },
        h("button", { type: "button", class: "link inbox-example-apply", t: "Add to examples",
          onclick: () => applyIntent(picker, [ex.message_id], []) }),
        h("button", { type: "button", class: "link inbox-example-question", t: "Add as a question",
          onclick: () => applyQuestion(articles, [ex.message_id], []) }),
        h("button", { type: "button", class: "link inbox-example-article", t: "Start article", onclick: () => startArticle(ex.message_id) }),
        h("button", { type: "button", class: "link inbox-example-dismiss", t: "Dismiss", onclick: () => dismiss([ex.message_id]) })));
  }

  function renderGroup(g) {
    const picker = intentPicker(g);
    const articles = articlePicker(g);
    // Group actions send only the messages still new: applied and dismissed are final.
    const fresh = new Set(g.new_ids);
    const exampleIDs = g.examples.map((e) => e.message_id).filter((id) => fresh.has(id));
    const rest = g.new_ids.filter((id) => !exampleIDs.includes(id));
    const none = !g.new_ids.length;
    return h("section", { class: `inbox-group state-${g.state}`, "data-id": g.id },
      h("div", { class: "inbox-head" },
        h("span", { class: "inbox-count", title: tr("times"), text: g.count }),
        h("div", { class: "inbox-main" },
          h("div", { class: "inbox-title", text: g.text }),
          h("div", { class: "inbox-meta" }, reasonBadges(g.reasons),
            h("span", { class: "inbox-badge locale", text: g.locales.join(", ") }),
            h("span", { class: `inbox-badge state ${g.state}`, t: g.state }),
            h("span", { class: "hint", text: fmt(g.first_seen) === fmt(g.last_seen) ? tr("at {0}", fmt(g.last_seen))
              : tr("first {0}, last {1}", fmt(g.first_seen), fmt(g.last_seen)) })))),
      h("ul", { class: "inbox-examples", "aria-label": tr("Examples") }, ...g.examples.map((ex) => renderExample(g, ex, picker, articles))),
      h("div", { class: "inbox-actions actions" }, picker,
        h("button", { type: "button", class: "primary inbox-apply", t: "Add the group to examples", disabled: none,
          title: tr("Every new message of the group"), onclick: () => applyIntent(picker, exampleIDs, rest) }),
        articles,
        h("button", { type: "button", class: "inbox-question", t: "Add the group as questions", disabled: none,
          title: tr("Every new message of the group"), onclick: () => applyQuestion(articles, exampleIDs, rest) }),
        h("button", { type: "button", class: "inbox-article", t: "Start article", onclick: () => startArticle(g.id) }),
        h("button", { type: "button", class: "danger inbox-dismiss", t: "Dismiss the group", disabled: none,
          title: tr("Every new message of the group"), onclick: () => dismiss(g.new_ids) })));
  }

  async function load() {
    const q = new URLSearchParams({ state: state.filter, days: state.days, sort: state.sort });
    const run = (async () => {
      if (!state.intents.length) await loadPickers();
      return attempt(() => api("GET", `${ED}/inbox?${q}`), "load the missed messages");
    })();
    state.loading = run;
    const res = await run;
    if (state.loading !== run || !res) return; // a newer load won
    summary.textContent = tr("{0} groups, {1} messages in the period", res.total_groups, res.messages) +
      (res.truncated ? ` ${tr("Only the newest messages of the period were grouped.")}` : "");
    list.replaceChildren(...(res.groups.length ? res.groups.map(renderGroup)
      : [h("p", { class: "inbox-empty hint", t: "Nothing here: the bot missed nothing in this period, or it is all handled." })]));
  }

  E.registerPanel("inbox", { show() { state.intents = []; load(); } });
})();
