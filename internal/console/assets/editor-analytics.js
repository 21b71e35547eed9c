/* The content editor's analytics panel (see editor.js, SBEditor): figures
   from GET /editor/analytics and /editor/analytics/stale (API.md), charts
   drawn as SVG nodes (no library, no innerHTML). */
(function () {
  "use strict";
  const E = window.SBEditor;
  if (!E.$("tab-analytics")) return;
  const { h, tr } = E;
  const SVG = "http://www.w3.org/2000/svg";

  E.addDict({
    "Analytics": "Аналитика", "Refresh": "Обновить",
    "7 days": "7 дней", "30 days": "30 дней", "90 days": "90 дней", "By day": "По дням", "By week": "По неделям",
    "Period": "Период", "Bucket": "Шаг",
    "{0} – {1}, UTC days; weeks start on Monday.": "{0} – {1}, дни по UTC; недели начинаются с понедельника.",
    "Containment": "Решено ботом", "Handoff rate": "Доля передач оператору", "Out-of-scope rate": "Доля вне тематики",
    "Conversations": "Диалоги", "started": "начато",
    "{0} of {1} conversations": "{0} из {1} диалогов", "{0} pending (< 24 h)": "рано судить (< 24 ч): {0}",
    "{0} of {1} classified turns": "{0} из {1} распознанных ходов",
    "{0} handed off": "передано оператору: {0}",
    "Top intents": "Частые интенты", "Intent": "Интент", "Share": "Доля",
    "First classified intent of each conversation started in the period.":
      "Первая распознанная тема каждого диалога, начатого в периоде.",
    "out of scope": "вне тематики",
    "Drop-off by flow step": "Где диалоги покидают сценарий",
    "For each flow, the last step each conversation reached in it.":
      "Для каждого сценария — последний шаг, до которого дошёл каждый диалог.",
    "Step": "Шаг", "Kind": "Тип", "Last step of": "Последний шаг для",
    "Handed off": "Оператору", "Ended": "Завершён", "Abandoned": "Брошен", "Moved on": "Ушёл к другому",
    "not in the live content": "нет в опубликованном контенте",
    "Article feedback": "Оценки статей", "Article": "Статья", "Locale": "Язык", "Yes": "Да", "No": "Нет", "Helpful": "Помогло",
    "Answers to “did that work?” after an article.": "Ответы на «помогло?» после статьи.",
    "Articles to review": "Статьи на проверку", "Review by": "Проверить до",
    "Overdue": "Просрочено", "Due within {0} days": "Срок в ближайшие {0} дней",
    "{0} days overdue": "просрочено на {0} дн.", "today": "сегодня", "in {0} days": "через {0} дн.",
    "open": "открыть", "Nothing here.": "Пусто.", "No data in this period.": "Нет данных за период.",
    "load the analytics": "загрузить аналитику",
    "Definitions": "Определения",
    "def-containment": "Решено ботом: из диалогов, начатых в периоде и старше 24 часов (более новые — «ещё рано судить» и не считаются), доля тех, по которым нет заявки оператору и после начала которых тот же игрок в течение 24 часов не начал другой диалог.",
    "def-handoff": "Доля передач оператору: диалоги хотя бы с одной заявкой / диалоги, начатые в периоде (по дню начала).",
    "def-oos": "Доля вне тематики: ходы бота, признанные вне тематики / ходы, на которых работал классификатор (по дню хода).",
    "def-intents": "Частые интенты: диалоги, начатые в периоде, по интенту их первого распознанного хода.",
    "def-dropoff": "Где покидают сценарий: последний шаг каждого диалога в каждом сценарии; «оператору» — на нём передан оператору, «завершён» — это шаг end, «брошен» — после него игрок больше не писал, «ушёл к другому» — писал дальше.",
    "def-feedback": "Оценки статей: ответы «да» и «нет» на «помогло?» после статьи, по дню ответа.",
    "def-stale": "Статьи на проверку: опубликованные статьи, у которых review_by раньше сегодняшнего дня; ниже — со сроком в ближайшие 14 дней.",
  });

  const DEFS = {
    "def-containment": "Containment: among conversations started in the period and at least 24 hours old (younger ones are pending and not counted), the share with no ticket and no other conversation of the same player started within 24 hours after it started.",
    "def-handoff": "Handoff rate: conversations with at least one ticket / conversations started in the period (by the day they started).",
    "def-oos": "Out-of-scope rate: bot turns found out of scope / bot turns the classifier ran on (by the day of the turn).",
    "def-intents": "Top intents: conversations started in the period, counted by the intent of their first classified turn.",
    "def-dropoff": "Drop-off: the last step each conversation reached in each flow; handed off on that step, ended (an end step), abandoned (the player wrote nothing after it) or moved on (the player wrote again).",
    "def-feedback": "Article feedback: yes and no answers to “did that work?” after an article, by the day of the answer.",
    "def-stale": "Articles to review: live articles whose review_by date is before today; below them, those due within 14 days.",
  };
  const txt = (key) => (tr(key) === key ? DEFS[key] : tr(key));

  const state = { days: 30, bucket: "day", seq: 0 };
  const panel = E.$("analytics-panel");
  const body = h("div", { id: "an-body" });

  const pct = (r) => (r == null ? "—" : `${(r * 100).toFixed(r > 0 && r < 0.1 ? 1 : 0)}%`);
  const shortDate = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(E.LANG === "ru" ? "ru-RU" : "en-GB",
    { day: "numeric", month: "short", timeZone: "UTC" });

  function segmented(name, options, current, pick) {
    return h("div", { class: "an-seg", role: "group", "aria-label": tr(name) },
      ...options.map(([value, label]) => h("button", { type: "button", "aria-pressed": String(value === current),
        "data-value": String(value), t: label, onclick: () => pick(value) })));
  }

  function toolbar() {
    return h("div", { class: "actions an-toolbar" },
      h("h3", { t: "Analytics" }),
      segmented("Period", [[7, "7 days"], [30, "30 days"], [90, "90 days"]], state.days, (v) => { state.days = v; load(); }),
      segmented("Bucket", [["day", "By day"], ["week", "By week"]], state.bucket, (v) => { state.bucket = v; load(); }),
      h("span", { class: "spacer" }),
      h("button", { id: "an-refresh", type: "button", t: "Refresh", onclick: () => load() }));
  }

  // ---- charts: SVG built node by node ----

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children) el.append(c);
    return el;
  }

  // chart draws points as a line (rates, 0–100%) or bars (counts); a null
  // value is a gap. Each point has a <title> with its bucket and value.
  function chart(points, value, { bars = false, fmt, label }) {
    const W = 320, H = 120, L = 34, R = 8, T = 8, B = 20;
    const vals = points.map(value);
    const top = bars ? Math.max(1, ...vals.filter((v) => v != null)) : 1;
    const x = (i) => L + (points.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (points.length - 1));
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const root = svg("svg", { class: "an-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label,
      "data-points": points.length });
    for (const f of [0, 0.5, 1]) {
      root.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(top * f), y2: y(top * f) }),
        svg("text", { class: "axis", x: L - 4, y: y(top * f) + 3, "text-anchor": "end" },
          bars ? String(Math.round(top * f)) : `${f * 100}%`));
    }
    const labelAt = new Set([0, Math.floor((points.length - 1) / 2), points.length - 1]);
    for (const i of labelAt) {
      const anchor = points.length === 1 ? "middle" : i === 0 ? "start" : i === points.length - 1 ? "end" : "middle";
      root.append(svg("text", { class: "axis", x: x(i), y: H - 5, "text-anchor": anchor }, shortDate(points[i].start)));
    }
    const tip = (p, v) => svg("title", {}, `${shortDate(p.start)}${p.end !== p.start ? ` – ${shortDate(p.end)}` : ""}: ${fmt(v)}`);
    if (bars) {
      const step = (W - L - R) / points.length;
      points.forEach((p, i) => {
        const v = vals[i] || 0;
        const bx = points.length === 1 ? x(0) - step / 4 : L + i * step + step * 0.15;
        const bw = points.length === 1 ? step / 2 : Math.max(1, step * 0.7);
        root.append(svg("rect", { class: "bar", x: bx, y: y(v), width: bw, height: Math.max(0, y(0) - y(v)) }, tip(p, v)));
      });
      return root;
    }
    let d = "";
    let pen = false;
    vals.forEach((v, i) => {
      if (v == null) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) root.append(svg("path", { class: "line", d }));
    vals.forEach((v, i) => {
      if (v != null) root.append(svg("circle", { class: "dot", cx: x(i), cy: y(v), r: 2.5 }, tip(points[i], v)));
    });
    return root;
  }

  function card(id, title, big, sub, graph) {
    return h("section", { id, class: "an-card" },
      h("h2", { t: title }), h("div", { class: "an-value", text: big }), h("div", { class: "hint", text: sub }), graph);
  }

  // ---- tables ----

  function table(head, rows, cls) {
    if (!rows.length) return h("p", { class: "hint", t: "Nothing here." });
    return h("table", { class: `an-table ${cls || ""}` },
      h("thead", {}, h("tr", {}, ...head.map(([label, num]) => h("th", { class: num ? "num" : null, t: label })))),
      h("tbody", {}, ...rows));
  }

  const num = (v) => h("td", { class: "num", text: v });
  const openButton = (path) => (path ? h("button", { type: "button", class: "link", t: "open", onclick: () => E.openFile(path) }) : "");
  const meter = (share) => h("span", { class: "an-meter" }, (() => {
    const fill = h("span");
    fill.style.width = `${Math.round((share || 0) * 100)}%`;
    return fill;
  })());

  function intentsTable(list) {
    return table([["Intent"], ["Conversations", true], ["Share", true]], list.map((i) =>
      h("tr", {}, h("td", { text: i.intent === "oos" ? tr("out of scope") : i.intent }), num(i.conversations),
        h("td", { class: "num" }, meter(i.share), ` ${pct(i.share)}`))), "an-intents");
  }

  function flowsSection(list) {
    if (!list.length) return h("p", { class: "hint", t: "Nothing here." });
    return h("div", { class: "an-flows" }, ...list.map((f) => h("details", { class: "an-flow", open: list.length <= 4 },
      h("summary", {}, h("strong", { text: f.flow }), ` · ${f.conversations} · `,
        h("span", { class: "an-out handoff", text: `${tr("Handed off")} ${f.handoff}` }), " ",
        h("span", { class: "an-out ended", text: `${tr("Ended")} ${f.ended}` }), " ",
        h("span", { class: "an-out abandoned", text: `${tr("Abandoned")} ${f.abandoned}` }), " ",
        h("span", { class: "an-out moved", text: `${tr("Moved on")} ${f.moved_on}` }), " ", openButton(f.path)),
      table([["Step"], ["Kind"], ["Last step of", true], ["Handed off", true], ["Ended", true], ["Abandoned", true], ["Moved on", true]],
        f.steps.map((s) => h("tr", {}, h("td", { class: "mono", text: s.step }),
          h("td", { class: s.kind ? "" : "hint", text: s.kind || tr("not in the live content") }),
          h("td", { class: "num" }, meter(s.conversations / f.conversations), ` ${s.conversations}`),
          num(s.handoff), num(s.ended), num(s.abandoned), num(s.moved_on)))))));
  }

  function feedbackTable(list) {
    return table([["Article"], ["Locale"], ["Yes", true], ["No", true], ["Helpful", true], [""]], list.map((a) =>
      h("tr", {}, h("td", { text: a.title || a.article }), h("td", { text: a.locale }), num(a.yes), num(a.no),
        num(pct(a.yes / (a.yes + a.no))), h("td", {}, openButton(a.path)))), "an-feedback");
  }

  function staleTable(list, overdue) {
    return table([["Article"], ["Locale"], ["Review by"], [""], [""]], list.map((a) =>
      h("tr", { class: overdue ? "an-overdue" : "" }, h("td", { text: a.title }), h("td", { text: a.locale }),
        h("td", { text: a.review_by }),
        h("td", { text: overdue ? tr("{0} days overdue", a.days) : a.days === 0 ? tr("today") : tr("in {0} days", a.days) }),
        h("td", {}, openButton(a.path)))), overdue ? "an-stale-overdue" : "an-stale-due");
  }

  function section(id, title, defKey, ...content) {
    return h("section", { id, class: "an-section" }, h("h3", { t: title }),
      defKey ? h("p", { class: "hint", text: txt(defKey) }) : null, ...content);
  }

  function render(a, stale) {
    const t = a.totals;
    const graphs = (value, opts) => chart(a.series, value, opts);
    body.replaceChildren(...[
      h("p", { class: "hint", id: "an-period", text: tr("{0} – {1}, UTC days; weeks start on Monday.", a.from, a.to) }),
      h("div", { class: "an-cards" },
        card("an-containment", "Containment", pct(t.containment),
          `${tr("{0} of {1} conversations", t.contained, t.decided)} · ${tr("{0} pending (< 24 h)", t.pending)}`,
          graphs((p) => p.containment, { fmt: pct, label: tr("Containment") })),
        card("an-handoff", "Handoff rate", pct(t.handoff_rate), tr("{0} of {1} conversations", t.handed_off, t.started),
          graphs((p) => p.handoff_rate, { fmt: pct, label: tr("Handoff rate") })),
        card("an-oos", "Out-of-scope rate", pct(t.out_of_scope_rate), tr("{0} of {1} classified turns", t.out_of_scope, t.classified),
          graphs((p) => p.out_of_scope_rate, { fmt: pct, label: tr("Out-of-scope rate") })),
        card("an-started", "Conversations", String(t.started), tr("{0} handed off", t.handed_off),
          graphs((p) => p.started, { bars: true, fmt: String, label: tr("Conversations") }))),
      t.started === 0 && t.classified === 0 ? h("p", { class: "hint", t: "No data in this period." }) : null,
      h("div", { class: "an-columns" },
        section("an-top-intents", "Top intents", "def-intents", intentsTable(a.top_intents)),
        section("an-article-feedback", "Article feedback", "def-feedback", feedbackTable(a.feedback))),
      section("an-dropoff", "Drop-off by flow step", "def-dropoff", flowsSection(a.flows)),
      section("an-stale", "Articles to review", "def-stale",
        h("h2", { t: "Overdue" }), staleTable(stale.overdue, true),
        h("h2", { text: tr("Due within {0} days", stale.within) }), staleTable(stale.due, false)),
      h("details", { class: "an-defs", id: "an-definitions" }, h("summary", { t: "Definitions" }),
        h("ul", {}, ...Object.keys(DEFS).map((k) => h("li", { text: txt(k) }))))].filter(Boolean));
    panel.dataset.loaded = `${a.from}/${a.to}/${a.bucket}`;
  }

  async function load() {
    const seq = ++state.seq;
    panel.replaceChildren(h("div", { class: "scroll an" }, toolbar(), body));
    panel.removeAttribute("data-loaded");
    const got = await E.attempt(() => Promise.all([
      E.api("GET", `${E.ED}/analytics?days=${state.days}&bucket=${state.bucket}`),
      E.api("GET", `${E.ED}/analytics/stale`),
    ]), "load the analytics");
    if (!got || seq !== state.seq) return;
    render(got[0], got[1]);
  }

  E.registerPanel("analytics", { show: load });
})();
