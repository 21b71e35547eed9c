/*
 * Form views of the content editor's files (see editor.js, SBEditor): the
 * intent examples of intents/*.yaml with a "test a phrase" box, an
 * article's front matter with a preview of its text, and the settings an
 * editor changes most (thresholds, SLA targets, skills, the system texts).
 * A form edits the file's lines in place — comments and layout stay — and
 * hands the text back to the page, which saves and validates it as typing
 * does. The YAML view stays one click away for everything else.
 */
(function () {
  "use strict";
  const E = window.SBEditor;
  const { $, h, tr } = E;

  E.addDict({
    "Form": "Форма", "YAML": "YAML", "Text": "Текст", "View": "Вид",
    "Examples": "Примеры", "Add example": "Добавить пример", "New example": "Новый пример",
    "Remove": "Удалить", "{0} examples": "примеров: {0}", "Filter intents": "Фильтр интентов",
    "Test a phrase": "Проверить фразу", "Phrase": "Фраза", "Test": "Проверить",
    "Language": "Язык", "Out of scope: below the threshold {0}.": "Вне тематики: ниже порога {0}.",
    "Recognised as {0} ({1}).": "Распознано как {0} ({1}).",
    "This example is already there.": "Такой пример уже есть.",
    "Front matter": "Заголовок статьи", "Title": "Заголовок", "Tags": "Теги", "Intents": "Интенты",
    "Review by": "Проверить до", "comma-separated": "через запятую",
    "Questions players ask: {0}": "Вопросы игроков: {0}",
    "The bot learns from them which article players mean. Edit them in the text view, or add missed messages from the Missed tab.":
      "По ним бот узнаёт, какую статью имеет в виду игрок. Правьте их в текстовом режиме или добавляйте пропущенные сообщения на вкладке «Пропущенное».",
    "Preview": "Предпросмотр", "The review date has passed: check the article and set a new date.": "Срок проверки прошёл: проверьте статью и поставьте новую дату.",
    "Review due within 14 days.": "Проверка нужна в ближайшие 14 дней.",
    "This article has no front matter: add it in the text view.": "У статьи нет заголовка (front matter): добавьте его в текстовом режиме.",
    "Thresholds": "Пороги", "Intent threshold": "Порог интента", "Switch threshold": "Порог переключения",
    "Articles per answer": "Статей в ответе", "Answer length (characters)": "Длина ответа (символов)",
    "Service targets (SLA)": "Цели обслуживания (SLA)", "Channel": "Канал", "First answer": "Первый ответ", "Resolution": "Решение",
    "Skills": "Навыки", "Default skill": "Навык по умолчанию", "Default priority": "Приоритет по умолчанию",
    "Priority rules": "Правила приоритета", "Edit the rules in the text view.": "Правила меняются в текстовом режиме.",
    "System texts": "Системные тексты", "What players are told outside the flows.": "Что игроки видят вне сценариев.",
    "Durations like 3m, 2h, 90s.": "Длительности вида 3m, 2h, 90s.",
    "A number between 0 and 1.": "Число от 0 до 1.",
    "Several lines: edit it in the text view.": "Несколько строк: правьте в текстовом режиме.",
    "Names are lower-case letters, digits and _.": "Имена — строчные латинские буквы, цифры и _.",
    "This value is not valid here.": "Здесь такое значение недопустимо.",
  });

  const form = { kind: "", path: "", view: "form", box: null, toggle: null, open: new Set() };

  // ---- YAML lines ---------------------------------------------------------------

  // yamlKeys maps each "a.b.c" key path of a block-style YAML text to its
  // line: {line, indent, value, comment}. Flow values ([a, b], {x: 1}) are
  // one value; list items are not keyed. A value that goes on over the
  // lines below its key (a block scalar "|", a long quoted text, a flow
  // list over lines) is marked multiline: its lines are never read as keys,
  // and a form leaves it to the text view.
  function yamlKeys(text) {
    const out = new Map();
    const stack = [];
    let scalar = null; // the last key with a value on its line
    text.split("\n").forEach((line, i) => {
      if (!line.trim() || /^\s*#/.test(line)) return;
      const indent = line.length - line.trimStart().length;
      if (scalar && indent > scalar.indent) { scalar.multiline = true; return; }
      scalar = null;
      const m = /^(\s*)([A-Za-z0-9_][\w.-]*):(?:\s+(.*))?$/.exec(line);
      if (!m) return;
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      stack.push({ indent, key: m[2] });
      const [value, comment] = splitComment(m[3] || "");
      const path = stack.map((s) => s.key).join(".");
      const at = { line: i, indent, value, comment };
      out.set(path, at);
      if (value !== "") scalar = at;
      if (/^[|>]/.test(value) || /^"/.test(value) && !/^"(?:[^"\\]|\\.)*"$/.test(value) ||
        /^'/.test(value) && !/^'(?:[^']|'')*'$/.test(value)) at.multiline = true;
      for (const [k, v] of flowMap(value)) out.set(`${path}.${k}`, { line: i, indent, value: v, comment, inlineKey: k });
    });
    return out;
  }

  // flowMap reads a one-line map of plain scalars, "{a: 1, b: 2m}".
  function flowMap(v) {
    const m = /^\{([^{}"'\[\]]*)\}$/.exec(v.trim());
    if (!m) return [];
    return m[1].split(",").map((e) => e.trim()).filter(Boolean).map((e) => {
      const i = e.indexOf(":");
      return i < 0 ? [e, ""] : [e.slice(0, i).trim(), e.slice(i + 1).trim()];
    });
  }

  // splitComment separates a value from a trailing " # comment" outside quotes.
  function splitComment(s) {
    let q = "";
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (q) { if (c === "\\" && q === '"') i++; else if (c === q) q = ""; continue; }
      if (c === '"' || c === "'") q = c;
      else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]))) return [s.slice(0, i).trimEnd(), s.slice(i)];
    }
    return [s.trimEnd(), ""];
  }

  function unquote(v) {
    v = v.trim();
    if (v.startsWith('"')) { try { return JSON.parse(v); } catch (_) { return v.slice(1, -1); } }
    if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
    return v;
  }

  // scalar quotes a string when YAML would read it otherwise.
  function scalar(s) {
    if (s === "" || /^[\s]|[\s]$|[:#\[\]{},&*!|>%@`"']|^[-?]|^(true|false|yes|no|null|~|[\d.+-]+)$/i.test(s)) return JSON.stringify(s);
    return s;
  }

  function flowList(v) {
    const m = /^\[(.*)\]$/.exec(v.trim());
    if (!m) return v.trim() ? [unquote(v)] : [];
    return m[1].split(",").map((x) => unquote(x)).filter((x) => x !== "");
  }

  const listValue = (items) => `[${items.map(scalar).join(", ")}]`;

  function setLine(text, at, value) {
    const lines = text.split("\n");
    const old = lines[at.line];
    if (at.inlineKey) {
      const open = old.indexOf("{"), close = old.lastIndexOf("}");
      const entries = flowMap(old.slice(open, close + 1)).map(([k, v]) => `${k}: ${k === at.inlineKey ? value : v}`);
      lines[at.line] = `${old.slice(0, open)}{${entries.join(", ")}}${old.slice(close + 1)}`;
      return lines.join("\n");
    }
    const key = /^(\s*[^:]+):/.exec(old)[1];
    lines[at.line] = `${key}: ${value}${at.comment ? "  " + at.comment : ""}`;
    return lines.join("\n");
  }

  // ---- the view switch -------------------------------------------------------------

  function kindOf(path) {
    if (/^intents\/[a-z]{2}\.yaml$/.test(path)) return "intents";
    if (/^kb\/[a-z]{2}\/[^/]+\.md$/.test(path)) return "article";
    if (path === "settings.yaml") return "settings";
    return "";
  }

  function ensureChrome() {
    if (form.box) return;
    form.toggle = h("span", { class: "view-toggle", role: "group", "aria-label": tr("View") },
      h("button", { type: "button", id: "view-form", "aria-pressed": "true", t: "Form", onclick: () => setView("form") }),
      h("button", { type: "button", id: "view-yaml", "aria-pressed": "false", t: "Text", onclick: () => setView("yaml") }));
    $("file-path").after(form.toggle);
    form.box = h("div", { id: "form-box", class: "form-box", hidden: true });
    $("editor-box").before(form.box);
    // The article's text is typed in the text box under its form: the
    // preview follows it.
    let timer = null;
    $("text").addEventListener("input", () => {
      if (form.kind !== "article" || form.box.hidden) return;
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
  }

  function setView(view) {
    form.view = view;
    $("view-form").setAttribute("aria-pressed", String(view === "form"));
    $("view-yaml").setAttribute("aria-pressed", String(view === "yaml"));
    const useForm = view === "form" && form.kind !== "";
    form.box.hidden = !useForm;
    $("editor-box").hidden = useForm && form.kind !== "article";
    if (useForm) render();
  }

  // The line editors are pure: exposed for the browser tests.
  window.SBEditorForms = { yamlKeys, setLine, intentBlocks, addExample };

  E.onFileOpen((path) => {
    ensureChrome();
    if (path !== form.path) {
      form.open.clear();
      form.box.scrollTop = 0; // a new file opens at its top
    }
    form.path = path;
    form.kind = kindOf(path);
    form.toggle.hidden = form.kind === "";
    setView(form.kind ? form.view : "yaml");
  });

  const text = () => $("text").value;
  const readOnly = () => $("text").readOnly || $("text").disabled;

  function update(next) {
    if (readOnly() || next === text()) return;
    E.setFileText(next);
    render();
  }

  function render() {
    const keep = document.activeElement && document.activeElement.id;
    const top = form.box.scrollTop;
    if (form.kind === "intents") renderIntents();
    else if (form.kind === "article") renderArticle();
    else if (form.kind === "settings") renderSettings();
    form.box.scrollTop = top;
    if (keep && $(keep)) $(keep).focus();
  }

  // ---- intents ---------------------------------------------------------------------

  // intentBlocks reads "name:" blocks and their "  - example" lines.
  // An example going on over the lines below its dash is multiline: kept,
  // shown, not removable here.
  function intentBlocks(src) {
    const blocks = [];
    let last = null;
    src.split("\n").forEach((line, i) => {
      if (!line.trim() || /^\s*#/.test(line)) return;
      const head = /^([A-Za-z0-9_][\w-]*):\s*(#.*)?$/.exec(line);
      if (head) { blocks.push({ name: head[1], line: i, examples: [] }); last = null; return; }
      const ex = /^(\s+-\s+)(.*)$/.exec(line);
      if (ex && blocks.length) {
        last = { line: i, end: i, prefix: ex[1], text: unquote(splitComment(ex[2])[0]) };
        blocks[blocks.length - 1].examples.push(last);
      } else if (last) {
        last.end = i;
        last.multiline = true;
      }
    });
    return blocks;
  }

  function removeLine(src, i) {
    const lines = src.split("\n");
    lines.splice(i, 1);
    return lines.join("\n");
  }

  // addExample puts example after the intent's last one, with its dash and
  // indentation (two spaces and a dash when the intent has none yet).
  function addExample(src, block, example) {
    const lines = src.split("\n");
    const prev = block.examples[block.examples.length - 1];
    lines.splice(prev ? prev.end + 1 : block.line + 1, 0, `${prev ? prev.prefix : "  - "}${JSON.stringify(example)}`);
    return lines.join("\n");
  }

  function renderIntents() {
    const src = text();
    const blocks = intentBlocks(src);
    const locale = /^intents\/([a-z]{2})\.yaml$/.exec(form.path)[1];
    const filter = h("input", { id: "intent-filter", type: "search", placeholder: tr("Filter intents"), "aria-label": tr("Filter intents") });
    const list = h("div", { class: "intent-list" });
    const draw = () => {
      const q = filter.value.trim().toLowerCase();
      list.replaceChildren(...blocks.filter((b) => !q || b.name.includes(q) || b.examples.some((e) => e.text.toLowerCase().includes(q)))
        .map((b) => intentCard(b, q)));
    };
    filter.addEventListener("input", draw);
    form.box.replaceChildren(testBox(locale), h("div", { class: "actions" }, h("h3", { t: "Examples" }), h("span", { class: "spacer" }), filter), list);
    draw();
  }

  function intentCard(b, q) {
    const input = h("input", { class: "new-example", placeholder: tr("New example"), "aria-label": `${tr("New example")}: ${b.name}`, maxlength: "300" });
    const add = (e) => {
      e.preventDefault();
      const v = input.value.trim().replace(/\s+/g, " ");
      if (!v) return;
      if (b.examples.some((x) => x.text.toLowerCase() === v.toLowerCase())) return E.toast(tr("This example is already there."), true);
      update(addExample(text(), b, v));
    };
    const card = h("details", { class: "intent", "data-intent": b.name, open: q || form.open.has(b.name) ? true : null },
      h("summary", null, h("span", { class: "intent-name", text: b.name }), h("span", { class: "hint", text: tr("{0} examples", b.examples.length) })),
      h("ul", { class: "examples" }, ...b.examples.map((x) => h("li", null, h("span", { text: x.text }),
        h("button", { type: "button", class: "link danger", disabled: readOnly() || x.multiline, "aria-label": `${tr("Remove")}: ${x.text}`, t: "Remove",
          onclick: () => update(removeLine(text(), x.line)) })))),
      h("form", { class: "add-example", onsubmit: add }, input, h("button", { type: "submit", disabled: readOnly(), t: "Add example" })));
    card.addEventListener("toggle", () => (card.open ? form.open.add(b.name) : form.open.delete(b.name)));
    return card;
  }

  // testBox classifies a phrase with the draft's intent model.
  function testBox(locale) {
    const input = h("input", { id: "test-phrase", placeholder: tr("Phrase"), "aria-label": tr("Phrase"), maxlength: "1000" });
    const lang = h("select", { id: "test-locale", "aria-label": tr("Language") },
      h("option", { value: "en", text: "English" }), h("option", { value: "ru", text: "Русский" }));
    lang.value = locale;
    const out = h("div", { id: "test-result", class: "test-result", "aria-live": "polite" });
    const run = async (e) => {
      e.preventDefault();
      const phrase = input.value.trim();
      if (!phrase) return;
      const res = await E.attempt(() => E.whileBuilding(() => E.api("POST", `${E.ED}/classify`, { text: phrase, locale: lang.value })), "Test a phrase");
      if (res) out.replaceChildren(...classifyResult(res));
    };
    return h("form", { class: "test-box", onsubmit: run }, h("h3", { t: "Test a phrase" }),
      h("div", { class: "actions" }, input, lang, h("button", { type: "submit", class: "primary", t: "Test" })), out);
  }

  function classifyResult(res) {
    const ranked = res.ranked || [];
    const verdict = res.out_of_scope
      ? tr("Out of scope: below the threshold {0}.", res.threshold != null ? res.threshold : "")
      : tr("Recognised as {0} ({1}).", res.intent, pct(res.confidence));
    return [h("p", { class: res.out_of_scope ? "verdict oos" : "verdict", text: verdict }),
      h("ol", { class: "ranked" }, ...ranked.slice(0, 5).map((r) => h("li", null,
        h("span", { class: "r-name", text: r.intent }),
        bar(r.confidence),
        h("span", { class: "r-conf", text: pct(r.confidence) }))))];
  }

  function bar(x) {
    const fill = h("span");
    fill.style.width = `${Math.round(100 * (x || 0))}%`; // CSSOM: no inline style attribute
    return h("span", { class: "bar" }, fill);
  }

  const pct = (x) => `${Math.round(100 * (x || 0))} %`;

  // ---- articles ----------------------------------------------------------------------

  function frontMatter(src) {
    const m = /^---\n([\s\S]*?)\n---\n?/.exec(src);
    if (!m) return null;
    const keys = yamlKeys(m[1]);
    for (const at of keys.values()) at.line += 1; // the file's lines: after the opening "---"
    return { keys, body: src.slice(m[0].length) };
  }

  function renderArticle() {
    const src = text();
    const fm = frontMatter(src);
    const preview = h("div", { class: "preview", id: "article-preview" });
    if (!fm) {
      form.box.replaceChildren(h("div", { class: "banner warn", t: "This article has no front matter: add it in the text view." }));
      return;
    }
    const field = (key, label, opts = {}) => {
      const at = fm.keys.get(key);
      const raw = at ? at.value : "";
      const multi = at && at.multiline;
      const value = multi ? "" : opts.list ? flowList(raw).join(", ") : unquote(raw);
      const input = h("input", { id: `fm-${key}`, type: opts.type || "text", value, disabled: readOnly() || !at || multi, "aria-label": tr(label),
        placeholder: multi ? tr("Several lines: edit it in the text view.") : null });
      input.addEventListener("change", () => {
        const v = input.value.trim();
        const cur = frontMatter(text()).keys.get(key);
        if (!cur || cur.multiline) return;
        if (opts.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return;
        const next = opts.list ? listValue(v.split(",").map((x) => x.trim()).filter(Boolean)) : (opts.type === "date" ? v : scalar(v));
        update(setLine(text(), cur, next));
      });
      return h("label", null, h("span", { t: label }), input, opts.list ? h("span", { class: "hint", t: "comma-separated" }) : null);
    };
    const review = unquote((fm.keys.get("review_by") || {}).value || "");
    const due = review ? (Date.parse(review) - Date.now()) / 864e5 : NaN;
    form.box.replaceChildren(
      h("fieldset", { class: "front-matter" }, h("legend", { t: "Front matter" }),
        field("title", "Title"), field("tags", "Tags", { list: true }), field("intents", "Intents", { list: true }),
        field("review_by", "Review by", { type: "date" }),
        questionsView(src),
        due < 0 ? h("p", { class: "banner warn", t: "The review date has passed: check the article and set a new date." })
          : due < 14 ? h("p", { class: "banner", t: "Review due within 14 days." }) : null),
      h("h3", { t: "Preview" }), preview);
    const title = unquote((fm.keys.get("title") || {}).value || "");
    preview.replaceChildren(h("h1", { text: title }), ...markdown(fm.body));
  }

  // questionsView lists the article's questions (the player phrasings the
  // bot learns the article from); they are edited in the text view or
  // added from the Missed tab.
  function questionsView(src) {
    const m = /^questions:[ \t]*\n((?:[ \t]+-[^\n]*\n?)+)/m.exec(src.split(/\n---\n/)[0]);
    const items = m ? m[1].split("\n").map((l) => unquote(l.replace(/^\s*-\s*/, "").trim())).filter(Boolean) : [];
    return h("div", { class: "questions", id: "fm-questions" },
      h("span", { text: tr("Questions players ask: {0}", items.length) }),
      items.length ? h("ul", null, ...items.map((q) => h("li", { text: q }))) : null,
      h("p", { class: "hint", t: "The bot learns from them which article players mean. Edit them in the text view, or add missed messages from the Missed tab." }));
  }

  // markdown renders the subset articles use — headings, paragraphs, lists,
  // **bold**, _italic_, `code`, [links](https://…) — as DOM nodes.
  function markdown(src) {
    const out = [];
    let list = null;
    let para = [];
    const flush = () => {
      if (para.length) out.push(h("p", null, ...inline(para.join(" "))));
      para = [];
    };
    for (const line of src.split("\n")) {
      const head = /^(#{1,4})\s+(.*)$/.exec(line);
      const item = /^\s*(?:[-*]|(\d+)[.)])\s+(.*)$/.exec(line);
      if (head) { flush(); list = null; out.push(h(`h${Math.min(head[1].length + 1, 5)}`, null, ...inline(head[2]))); }
      else if (item) {
        flush();
        const tag = item[1] ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== tag) { list = h(tag); out.push(list); }
        list.append(h("li", null, ...inline(item[2])));
      } else if (!line.trim()) { flush(); list = null; }
      else { list = null; para.push(line.trim()); }
    }
    flush();
    return out;
  }

  function inline(s) {
    const nodes = [];
    const re = /\*\*(.+?)\*\*|__(.+?)__|(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
    let last = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m.index > last) nodes.push(document.createTextNode(s.slice(last, m.index)));
      if (m[1] || m[2]) nodes.push(h("strong", { text: m[1] || m[2] }));
      else if (m[3]) nodes.push(h("em", { text: m[3] }));
      else if (m[4]) nodes.push(h("code", { text: m[4] }));
      else if (/^(https?:|mailto:)/i.test(m[6])) nodes.push(h("a", { href: m[6], target: "_blank", rel: "noopener noreferrer", text: m[5] }));
      else nodes.push(document.createTextNode(m[5]));
      last = re.lastIndex;
    }
    if (last < s.length) nodes.push(document.createTextNode(s.slice(last)));
    return nodes;
  }

  // ---- settings ------------------------------------------------------------------------

  // What each system text is for, by its key in settings.yaml messages.
  const MESSAGE_LABELS = {
    handoff_ack: "The bot hands the conversation to a person", wait_first: "Queue: first, a specialist available",
    wait_queue: "Queue: position and specialists available", wait_nobody: "Queue: nobody available now",
    wait_recent: "Queue: the recent first-answer time (added)", late_queue: "First answer late: in the queue",
    late_nobody: "First answer late: nobody available", late_held: "First answer late: a specialist has it",
    error: "Something failed on our side", problem_overdue: "A stated problem past its time",
    whole_article: "Link to the whole article", please_login: "A visitor who is not logged in",
    card_data: "A card number was hidden", operator_joined: "A specialist joined ({{operator}})",
    back_to_bot: "Back to the bot", csat_prompt: "Rating question after a resolved request",
    csat_thanks: "Thanks for the rating", csat_add_comment: "Button: add a comment", csat_no_thanks: "Button: no comment",
    csat_comment_prompt: "Asking for the comment", csat_comment_thanks: "Thanks for the comment",
    csat_already: "The rating was given before", csat_declined: "No comment, thanks",
  };
  E.addDict({
    "The bot hands the conversation to a person": "Бот передаёт диалог специалисту", "Queue: first, a specialist available": "Очередь: первый, специалист на связи",
    "Queue: position and specialists available": "Очередь: место и специалисты на связи", "Queue: nobody available now": "Очередь: сейчас никого нет",
    "Queue: the recent first-answer time (added)": "Очередь: недавнее время первого ответа (добавка)", "First answer late: in the queue": "Ответ задерживается: в очереди",
    "First answer late: nobody available": "Ответ задерживается: никого нет", "First answer late: a specialist has it": "Ответ задерживается: диалог у специалиста",
    "Something failed on our side": "Сбой на нашей стороне", "A stated problem past its time": "Проблема дольше положенного срока",
    "Link to the whole article": "Ссылка на всю статью", "A visitor who is not logged in": "Посетитель не вошёл в аккаунт",
    "A card number was hidden": "Номер карты скрыт", "A specialist joined ({{operator}})": "Специалист подключился ({{operator}})",
    "Back to the bot": "Снова с ботом", "Rating question after a resolved request": "Вопрос об оценке после решения",
    "Thanks for the rating": "Спасибо за оценку", "Button: add a comment": "Кнопка: добавить комментарий", "Button: no comment": "Кнопка: без комментария",
    "Asking for the comment": "Просьба написать комментарий", "Thanks for the comment": "Спасибо за комментарий",
    "The rating was given before": "Оценка уже была", "No comment, thanks": "Без комментария",
  });

  function renderSettings() {
    const keys = yamlKeys(text());
    const input = (path, label, opts = {}) => {
      const at = keys.get(path);
      if (!at) return null;
      const value = at.multiline ? "" : opts.list ? flowList(at.value).join(", ") : unquote(at.value);
      const el = h(opts.area ? "textarea" : "input", { id: `set-${path.replace(/\./g, "-")}`, disabled: readOnly() || at.multiline,
        "aria-label": label, inputmode: opts.number ? "decimal" : null, class: opts.wide ? "wide" : null, rows: opts.area ? "2" : null,
        placeholder: at.multiline ? tr("Several lines: edit it in the text view.") : null });
      el.value = value;
      el.addEventListener("change", () => {
        const v = el.value.trim();
        const items = v.split(",").map((x) => x.trim()).filter(Boolean);
        const ok = opts.number ? v !== "" && Number(v) >= 0 && Number(v) <= (opts.max || Infinity)
          : opts.pattern ? (opts.list ? items.length > 0 && items.every((x) => opts.pattern.test(x)) : opts.pattern.test(v))
            : v !== "";
        el.toggleAttribute("aria-invalid", !ok);
        if (!ok) return E.toast(tr(opts.rule || "This value is not valid here."), true);
        const cur = yamlKeys(text()).get(path);
        if (!cur || cur.multiline) return;
        const next = opts.list ? listValue(items) : opts.number || opts.pattern ? v : JSON.stringify(v);
        update(setLine(text(), cur, next));
      });
      return el;
    };
    const name = { pattern: /^[a-z][a-z0-9_]*$/, rule: "Names are lower-case letters, digits and _." };
    const duration = { pattern: /^(\d+(\.\d+)?(ms|s|m|h))+$/, rule: "Durations like 3m, 2h, 90s." };
    const row = (label, el, hint) => el && h("label", { class: "row" }, h("span", { t: label }), el, hint ? h("span", { class: "hint", t: hint }) : null);
    const channels = [...keys.keys()].filter((k) => /^sla\.[^.]+$/.test(k)).map((k) => k.slice(4));
    const messages = [...keys.keys()].filter((k) => /^messages\.[^.]+$/.test(k)).map((k) => k.slice(9));
    const rules = [...keys.keys()].some((k) => k === "handoff.priority_rules");
    form.box.replaceChildren(
      h("fieldset", null, h("legend", { t: "Thresholds" }),
        row("Intent threshold", input("intents.threshold", tr("Intent threshold"), { number: true, max: 1 }), "A number between 0 and 1."),
        row("Switch threshold", input("intents.switch_threshold", tr("Switch threshold"), { number: true, max: 1 }), "A number between 0 and 1."),
        row("Articles per answer", input("kb.limit", tr("Articles per answer"), { number: true, max: 10 })),
        row("Answer length (characters)", input("kb.max_chars", tr("Answer length (characters)"), { number: true, max: 4000 }))),
      h("fieldset", null, h("legend", { t: "Service targets (SLA)" }), h("p", { class: "hint", t: "Durations like 3m, 2h, 90s." }),
        h("table", { class: "sla" }, h("thead", null, h("tr", null, h("th", { t: "Channel" }), h("th", { t: "First answer" }), h("th", { t: "Resolution" }))),
          h("tbody", null, ...channels.map((c) => h("tr", null, h("td", { text: c }),
            h("td", null, input(`sla.${c}.first_response`, `${c} ${tr("First answer")}`, duration)),
            h("td", null, input(`sla.${c}.resolution`, `${c} ${tr("Resolution")}`, duration))))))),
      h("fieldset", null, h("legend", { t: "Skills" }),
        row("Skills", input("handoff.skills", tr("Skills"), { ...name, list: true, wide: true }), "comma-separated"),
        row("Default skill", input("handoff.default_skill", tr("Default skill"), name)),
        row("Default priority", input("handoff.default_priority", tr("Default priority"), name)),
        rules ? h("p", { class: "hint" }, h("strong", { t: "Priority rules" }), " — ", tr("Edit the rules in the text view.")) : null),
      h("fieldset", null, h("legend", { t: "System texts" }), h("p", { class: "hint", t: "What players are told outside the flows." }),
        ...messages.map((m) => h("div", { class: "message", "data-message": m },
          h("div", { class: "msg-key" }, MESSAGE_LABELS[m] ? h("span", { class: "msg-label", t: MESSAGE_LABELS[m] }) : null, h("code", { text: m })),
          ...["en", "ru"].map((l) => {
            const el = input(`messages.${m}.${l}`, `${m} (${l})`, { wide: true, area: true });
            return el && h("label", { class: "row" }, h("span", { class: "lang", text: l }), el);
          })))));
  }
})();
