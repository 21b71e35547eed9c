/*
 * Switchboard content editor — the page of /console/editor over the editor
 * API (internal/console/API.md, "Content editor API"). Plain ES2020, no
 * build step, no dependencies. Every server string is rendered with
 * textContent; innerHTML is never used.
 */
(function () {
  "use strict";

  const API = "/console/api";
  const ED = `${API}/editor`;
  const SAVE_MS = 600;      // debounce of saving as you type
  const VALIDATE_MS = 400;  // after a save, before validating
  const PRESENCE_MS = 15000;
  const EDIT_ROLES = new Set(["editor", "admin"]);

  // ---- language: the console's choice (same key), English strings as keys ----

  const RU = {
    "Switchboard content editor": "Редактор контента Switchboard",
    "Content editor": "Редактор контента",
    "Login": "Логин", "Password": "Пароль", "Log in": "Войти", "Log out": "Выйти", "Language": "Язык",
    "Wrong login or password.": "Неверный логин или пароль.",
    "Login failed: {0}": "Не удалось войти: {0}",
    "Not allowed": "Нет доступа",
    "The content editor is for editors and admins.": "Редактор контента — для редакторов и администраторов.",
    "The content editor is for editors and admins; you are signed in as {0} ({1}).": "Редактор контента — для редакторов и администраторов; вы вошли как {0} ({1}).",
    "Back to the console": "Вернуться в консоль",
    "Console": "Консоль", "Sections": "Разделы",
    "Files": "Файлы", "Versions": "Версии", "Audit": "Журнал", "Draft": "Черновик", "File": "Файл",
    "Run tests": "Запустить тесты", "Discard draft": "Удалить черновик",
    "Change summary": "Описание изменений", "What changed and why": "Что изменилось и зачем",
    "Publish": "Опубликовать", "Filter files": "Фильтр файлов",
    "No file open": "Файл не открыт", "Revert this file": "Отменить правки файла",
    "This file is deleted in your draft. “Revert this file” brings it back.": "Файл удалён в вашем черновике. «Отменить правки файла» вернёт его.",
    "File content": "Содержимое файла", "Pick a file on the left.": "Выберите файл слева.",
    "New file: kb/en/name.md": "Новый файл: kb/ru/name.md", "New file path": "Путь нового файла", "Create": "Создать",
    "Delete file": "Удалить файл", "Delete {0} in your draft?": "Удалить {0} в вашем черновике?",
    "File deleted in your draft.": "Файл удалён в черновике.", "{0} already exists.": "{0} уже есть.",
    "Checks": "Проверки", "Problems": "Проблемы", "Conversation tests": "Тесты диалогов",
    "Refresh": "Обновить", "Version": "Версия", "Author": "Автор", "Published": "Опубликована", "Summary": "Описание",
    "Load older versions": "Загрузить более старые", "Reason": "Причина", "Why roll back (optional)": "Зачем откат (необязательно)",
    "Roll back": "Откатить", "Cancel": "Отмена", "Compare": "Сравнение", "From": "С", "To": "По",
    "Compare conversation test outcomes (slower)": "Сравнить результаты тестов диалогов (дольше)",
    "Show diff": "Показать разницу", "Audit log": "Журнал аудита", "Time": "Время", "Actor": "Кто", "Action": "Действие",
    "Target": "Объект", "Details": "Подробности", "Load more": "Загрузить ещё",
    "No draft: your first edit starts one on version {0}.": "Черновика нет: первая правка начнёт его на версии {0}.",
    "Your draft: based on version {0}, {1} changed file(s).": "Ваш черновик: на основе версии {0}, изменённых файлов: {1}.",
    "Version {0} is live now: publishing rebases your draft, or names the files in conflict.": "Сейчас опубликована версия {0}: при публикации черновик перенесётся на неё или будут названы конфликтующие файлы.",
    "changed": "изменён", "added": "новый", "deleted": "удалён", "removed": "удалён", "live": "опубликована",
    "Saving…": "Сохранение…", "Saved to your draft": "Сохранено в черновик", "Not saved: {0}": "Не сохранено: {0}",
    "Unchanged from version {0}": "Как в версии {0}",
    "{0} is also editing this file.": "{0} тоже редактирует этот файл.",
    "{0} has this file changed in a draft too.": "{0} тоже изменил(а) этот файл в черновике.",
    "{0} are also editing this file.": "{0} тоже редактируют этот файл.",
    "{0} also edit(s) it": "также: {0}",
    "Validating…": "Проверка…", "No problems.": "Проблем нет.", "{0} problem(s)": "Проблем: {0}",
    "{0} line {1}": "{0}, строка {1}",
    "Running the conversation tests…": "Идут тесты диалогов…",
    "{0} of {1} scenarios passed ({2} of {3} turns).": "Пройдено сценариев: {0} из {1} (шагов: {2} из {3}).",
    "scenario “{0}”, turn {1}": "сценарий «{0}», шаг {1}",
    "Replies: {0}": "Ответы: {0}",
    "Write a change summary (up to 500 characters).": "Напишите описание изменений (до 500 символов).",
    "Publishing…": "Публикация…",
    "Published version {0}.": "Опубликована версия {0}.",
    "Not published: the draft has problems.": "Не опубликовано: в черновике есть проблемы.",
    "Not published: conversation tests failed.": "Не опубликовано: тесты диалогов не прошли.",
    "Not published: version {0} was published since your draft's base {1} and changed the same files:": "Не опубликовано: после версии {1}, на которой основан черновик, опубликована версия {0}, и в ней изменены те же файлы:",
    "Revert those files or discard your draft and redo them.": "Отмените правки этих файлов или удалите черновик и сделайте их заново.",
    "Not published: {0}": "Не опубликовано: {0}",
    "Discard your whole draft? This cannot be undone.": "Удалить весь черновик? Это нельзя отменить.",
    "Draft discarded.": "Черновик удалён.", "No draft to discard.": "Удалять нечего: черновика нет.",
    "File reverted.": "Правки файла отменены.",
    "Cannot {0}": "Не удалось: {0}", "Cannot reach the server": "Нет связи с сервером",
    "Building the draft's model…": "Собираю модель черновика…",
    "Diff from previous": "Разница с предыдущей", "Roll back…": "Откатить…",
    "Roll back to version {0}: publishes its files as a new version.": "Откат к версии {0}: её файлы публикуются как новая версия.",
    "Rolled back: version {0} is live.": "Откат выполнен: опубликована версия {0}.",
    "Not rolled back: {0}": "Откат не выполнен: {0}",
    "Your draft": "Ваш черновик", "Live version": "Опубликованная версия", "Version {0}": "Версия {0}",
    "Loading the diff…": "Загрузка разницы…", "No differences.": "Различий нет.",
    "Changes by meaning": "Изменения по смыслу", "Intents": "Интенты", "Flows": "Сценарии", "Articles": "Статьи",
    "Tests whose outcome changed": "Тесты, у которых изменился результат", "Files changed": "Изменённые файлы",
    "{0} ({1}): {2}": "{0} ({1}): {2}",
    "examples added: {0}": "добавлены примеры: {0}", "examples removed: {0}": "удалены примеры: {0}",
    "steps added: {0}": "добавлены шаги: {0}", "steps removed: {0}": "удалены шаги: {0}", "steps changed: {0}": "изменены шаги: {0}",
    "fields changed: {0}": "изменены поля: {0}", "could not be read": "не читается",
    "title: “{0}” → “{1}”": "заголовок: «{0}» → «{1}»", "text changed": "изменён текст",
    "front matter: {0}": "заголовок статьи (front matter): {0}",
    "{0} → {1}": "{0} → {1}", "passed": "проходит", "failed": "не проходит", "absent": "нет",
    "Tests could not be compared: {0}": "Тесты не удалось сравнить: {0}",
    "No entries.": "Записей нет.", "Diff": "Разница",
    "This file was changed in your draft elsewhere (another tab, the inbox or Try it) since you opened it; your last typing is not saved.": "Этот файл изменён в вашем черновике в другом месте (другая вкладка, «Пропущенное» или «Проверка») после того, как вы его открыли; последние правки не сохранены.",
    "Load the saved file": "Загрузить сохранённый файл", "Keep my text": "Оставить мой текст",
    // Refusals the server words in English.
    "your draft changes nothing: nothing to publish": "черновик ничего не меняет: публиковать нечего",
  };
  const LANG = (() => {
    const saved = localStorage.getItem("sb-console-lang");
    if (saved === "en" || saved === "ru") return saved;
    return (navigator.language || "").toLowerCase().startsWith("ru") ? "ru" : "en";
  })();
  const DICT = LANG === "ru" ? RU : {};

  function tr(s, ...args) {
    const out = DICT[s] || s;
    return out.replace(/\{(\d+)\}/g, (m, i) => (args[i] !== undefined ? String(args[i]) : m));
  }

  const translatePage = () => SBStaff.translatePage(LANG, DICT, tr);

  // ---- helpers -----------------------------------------------------------------

  const $ = SBStaff.$;
  const h = SBStaff.element(tr);

  function fmtTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    return d.toLocaleString(LANG === "ru" ? "ru-RU" : "en-GB", { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  }

  let toastTimer = null;
  function toast(text, isError) {
    const el = $("toast");
    el.textContent = text;
    el.classList.toggle("error", !!isError);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (el.hidden = true), isError ? 7000 : 3500);
  }

  const filesURL = (base, path) => `${base}/${path.split("/").map(encodeURIComponent).join("/")}`;

  // ---- HTTP --------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, message, data) {
      super(message || (status ? `HTTP ${status}` : tr("Cannot reach the server")));
      this.status = status;
      this.data = data || {};
    }
  }

  const state = {
    me: null, csrf: "",
    live: 0, basedOn: 0, hasDraft: false,
    liveFiles: new Set(), draftFiles: [], changes: new Map(), others: {},
    problems: [], failures: [],
    path: null, deleted: false, loadSeq: 0, rev: "", conflict: false,
    dirty: false, saving: null, saveTimer: null, validateTimer: null, validateSeq: 0,
    versions: [], versionsBefore: null, rollbackN: null,
    auditBefore: null, tab: "files",
  };

  async function api(method, path, body, opts = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    let res;
    try {
      res = await fetch(path, { method, headers, credentials: "same-origin", cache: "no-store",
        body: body !== undefined ? JSON.stringify(body) : undefined });
    } catch (_) {
      throw new HttpError(0, tr("Cannot reach the server"));
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (_) { data = null; }
    }
    if (!res.ok) {
      const err = (data && data.error) || {};
      if (res.status === 401 && !opts.noLoginRedirect) showLogin();
      if (res.status === 403 && err.message !== "csrf token missing or wrong" && !opts.noForbidden) showForbidden();
      throw new HttpError(res.status, err.message, data);
    }
    return data;
  }

  // whileBuilding runs fn again while the server is still building the
  // draft's model (503 with Retry-After): a large draft trains for a
  // minute or more, and a request waits only 15 s for it.
  async function whileBuilding(fn) {
    for (let tries = 1; ; tries++) {
      try {
        return await fn();
      } catch (e) {
        if (e.status !== 503 || tries >= 90) throw e;
        if (tries === 1) toast(tr("Building the draft's model…"));
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  async function attempt(fn, what) {
    try {
      return await fn();
    } catch (e) {
      if (e.status === 401 || e.status === 403) return undefined;
      toast(tr("Cannot {0}", `${tr(what)}: ${e.message}`), true);
      return undefined;
    }
  }

  // ---- login, role ---------------------------------------------------------------

  function showOnly(id) {
    for (const v of ["login-view", "forbidden-view", "app"]) $(v).hidden = v !== id;
  }

  function showLogin() {
    state.me = null;
    state.csrf = "";
    showOnly("login-view");
    $("password").value = "";
    $("login").focus();
  }

  function showForbidden() {
    const me = state.me;
    $("forbidden-text").textContent = me
      ? tr("The content editor is for editors and admins; you are signed in as {0} ({1}).", me.name || me.login, me.role)
      : tr("The content editor is for editors and admins.");
    showOnly("forbidden-view");
  }

  async function onLoginSubmit(e) {
    e.preventDefault();
    $("login-error").textContent = "";
    $("login-submit").disabled = true;
    try {
      const data = await api("POST", "/console/login",
        { login: $("login").value.trim(), password: $("password").value }, { noLoginRedirect: true });
      state.csrf = data.csrf_token || "";
      $("password").value = "";
      await start();
    } catch (err) {
      $("login-error").textContent = err.status === 401 ? tr("Wrong login or password.") : tr("Login failed: {0}", err.message);
    } finally {
      $("login-submit").disabled = false;
    }
  }

  async function logout() {
    await flushSave();
    try { await api("POST", "/console/logout"); } catch (_) { /* gone anyway */ }
    showLogin();
  }

  async function start() {
    let me;
    try {
      me = await api("GET", `${API}/me`, undefined, { noLoginRedirect: true });
    } catch (e) {
      if (e.status === 401) showLogin();
      else { toast(tr("Cannot {0}", e.message), true); setTimeout(start, 5000); }
      return;
    }
    state.me = me.operator;
    state.csrf = me.csrf_token || state.csrf;
    if (!EDIT_ROLES.has(state.me.role)) return showForbidden();
    $("ed-name").textContent = state.me.name || state.me.login;
    $("ed-role").textContent = state.me.role;
    $("tab-audit").hidden = state.me.role !== "admin";
    document.body.dataset.role = state.me.role;
    showOnly("app");
    await loadDraft();
    selectTab(state.tab);
  }

  // ---- draft and file tree --------------------------------------------------------

  async function loadDraft() {
    const [live, draft, files] = await Promise.all([
      attempt(() => api("GET", `${ED}/files`), "Files"),
      attempt(() => api("GET", `${ED}/draft`), "Draft"),
      attempt(() => api("GET", `${ED}/draft/files`), "Files"),
    ]);
    if (!live || !draft || !files) return;
    state.live = draft.live || live.version;
    state.basedOn = draft.based_on;
    state.liveFiles = new Set((live.files || []).map((f) => f.path));
    state.draftFiles = (files.files || []).map((f) => f.path);
    state.changes = new Map((draft.changes || []).map((c) => [c.path, c]));
    state.hasDraft = state.changes.size > 0;
    state.others = draft.others || {};
    renderDraftStatus();
    renderTree();
  }

  function renderDraftStatus() {
    const el = $("draft-status");
    if (!state.hasDraft) {
      el.textContent = tr("No draft: your first edit starts one on version {0}.", state.live);
    } else {
      el.replaceChildren(tr("Your draft: based on version {0}, {1} changed file(s).", state.basedOn, state.changes.size));
      if (state.basedOn !== state.live) {
        el.append(h("span", { class: "stale", text: tr("Version {0} is live now: publishing rebases your draft, or names the files in conflict.", state.live) }));
      }
    }
    $("discard-draft").disabled = !state.hasDraft;
    $("publish").disabled = !state.hasDraft;
    el.dataset.basedOn = state.basedOn;
    el.dataset.live = state.live;
  }

  function markOf(path) {
    const c = state.changes.get(path);
    if (!c) return null;
    if (c.deleted) return "deleted";
    return state.liveFiles.has(path) ? "changed" : "added";
  }

  function renderTree() {
    const filter = $("file-filter").value.trim().toLowerCase();
    const paths = new Set(state.draftFiles);
    for (const [p, c] of state.changes) if (c.deleted) paths.add(p);
    const sorted = [...paths].filter((p) => !filter || p.toLowerCase().includes(filter)).sort();
    const problemPaths = new Set(state.problems.map((p) => p.path));
    const items = [];
    let dir = null;
    for (const p of sorted) {
      const i = p.lastIndexOf("/");
      const d = i >= 0 ? p.slice(0, i) : "";
      if (d !== dir) {
        dir = d;
        items.push(h("li", { class: "dir", text: d ? `${d}/` : "/" }));
      }
      const mark = markOf(p);
      const others = (state.others[p] || []).map((o) => o.name || o.login);
      items.push(h("li", null, h("button", {
        type: "button", class: "file", "data-path": p, "data-mark": mark || "",
        "aria-current": p === state.path ? "true" : null,
        title: others.length ? tr("{0} also edit(s) it", others.join(", ")) : null,
        onclick: () => openFile(p),
      },
        h("span", { class: "name", text: i >= 0 ? p.slice(i + 1) : p }),
        problemPaths.has(p) ? h("span", { class: "badge problem", text: "!" , "aria-label": tr("Problems") }) : null,
        others.length ? h("span", { class: "badge others", text: `👥 ${others.length}`, "aria-label": tr("{0} also edit(s) it", others.join(", ")) }) : null,
        mark ? h("span", { class: `badge ${mark}`, t: mark }) : null)));
    }
    $("file-tree").replaceChildren(...items);
  }

  // ---- the open file ----------------------------------------------------------------

  async function openFile(path, line) {
    if (path !== state.path) {
      await flushSave();
      const seq = ++state.loadSeq;
      const c = state.changes.get(path);
      let content = "";
      let others = state.others[path] || [];
      let deleted = false;
      if (c && c.deleted) {
        deleted = true;
        const f = await attempt(() => api("GET", filesURL(`${ED}/files`, path)), "Files");
        content = f ? f.content : "";
      } else {
        const f = await attempt(() => api("GET", filesURL(`${ED}/draft/files`, path)), "Files");
        if (!f) return;
        content = f.content;
        others = f.others || [];
        state.rev = f.revision || "";
      }
      if (seq !== state.loadSeq) return;
      state.path = path;
      state.deleted = deleted;
      state.dirty = false;
      setConflict(false);
      const ta = $("text");
      ta.value = content;
      ta.disabled = false;
      ta.readOnly = deleted;
      ta.scrollTop = 0;
      ta.scrollLeft = 0;
      $("file-path").textContent = path;
      $("deleted-banner").hidden = !deleted;
      $("save-status").textContent = "";
      $("save-status").dataset.state = "";
      renderPresence(others);
      renderFileMark();
      renderGutter();
      renderTree();
      for (const fn of fileOpenHooks) fn(path, content, deleted);
    }
    if (line) jumpTo(line);
  }

  function renderFileMark() {
    const mark = state.path ? markOf(state.path) : null;
    const el = $("file-mark");
    el.className = mark ? `badge ${mark}` : "mark";
    el.textContent = mark ? tr(mark) : "";
    $("revert-file").disabled = !mark;
    $("delete-file").disabled = !state.path || state.deleted;
  }

  // A new file starts from a skeleton of its kind (article, flow), saved to the draft.
  function skeleton(path) {
    const m = /^kb\/([a-z]{2})\/([^/]+)\.md$/.exec(path);
    if (m) return `---\nid: ${m[2]}\nlocale: ${m[1]}\ntitle: \ntags: []\nintents: []\nreview_by: \n---\n`;
    const f = /^flows\/([^/]+)\.yaml$/.exec(path);
    if (f) return `description: \nintents: []\nsteps:\n  - end:\n      en: ""\n      ru: ""\n`;
    return "";
  }

  async function newFile(e) {
    e.preventDefault();
    const path = $("new-file-path").value.trim().replace(/^\/+/, "");
    if (!path) return;
    if (state.draftFiles.includes(path)) { toast(tr("{0} already exists.", path), true); return; }
    await flushSave();
    const ok = await attempt(() => api("PUT", filesURL(`${ED}/draft/files`, path), { content: skeleton(path) }).then(() => true), "Create");
    if (!ok) return;
    $("new-file-path").value = "";
    await loadDraft();
    await openFile(path);
    scheduleValidate();
  }

  async function deleteFile() {
    const p = state.path;
    if (!p || state.deleted || !confirm(tr("Delete {0} in your draft?", p))) return;
    clearTimeout(state.saveTimer);
    state.dirty = false;
    while (state.saving) await state.saving;
    const ok = await attempt(() => api("DELETE", filesURL(`${ED}/draft/files`, p)).then(() => true), "Delete file");
    if (!ok) return;
    toast(tr("File deleted in your draft."));
    await loadDraft();
    reopen();
    scheduleValidate();
  }

  function renderPresence(others) {
    const el = $("presence-banner");
    const list = others || [];
    if (!list.length) { el.hidden = true; el.textContent = ""; return; }
    const editing = list.filter((o) => o.editing).map((o) => o.name || o.login);
    const names = list.map((o) => o.name || o.login);
    if (editing.length === 1) el.textContent = tr("{0} is also editing this file.", editing[0]);
    else if (editing.length > 1) el.textContent = tr("{0} are also editing this file.", editing.join(", "));
    else el.textContent = tr("{0} has this file changed in a draft too.", names.join(", "));
    el.hidden = false;
  }

  async function pollPresence() {
    if (!state.path || state.tab !== "files" || $("app").hidden) return;
    const path = state.path;
    const data = await api("GET", `${ED}/presence?path=${encodeURIComponent(path)}`).catch(() => null);
    if (!data || path !== state.path) return;
    const p = data.presence || {};
    state.others[path] = p[path] || [];
    renderPresence(state.others[path]);
  }

  // The gutter: one number per line, problem lines marked, scrolled with the text.
  function renderGutter() {
    const ta = $("text");
    const n = state.path ? ta.value.split("\n").length : 0;
    const bad = new Map();
    for (const p of state.problems) {
      if (p.path === state.path && p.line > 0) bad.set(p.line, (bad.get(p.line) ? bad.get(p.line) + "\n" : "") + p.message);
    }
    for (const f of state.failures) {
      if (f.path === state.path && f.line > 0 && !bad.has(f.line)) bad.set(f.line, f.message);
    }
    const g = $("gutter");
    // Typing within a line changes nothing here: rebuild only when the
    // number of lines or the marked lines change.
    const key = `${state.path}|${n}|${[...bad].map(([l, m]) => `${l}:${m}`).join("|")}`;
    if (g.dataset.key === key) { g.scrollTop = ta.scrollTop; return; }
    g.dataset.key = key;
    const rows = [];
    for (let i = 1; i <= n; i++) {
      const msg = bad.get(i);
      rows.push(h("div", { "data-line": i, class: msg ? "err" : null, title: msg || null, text: i }));
    }
    g.replaceChildren(...rows);
    g.scrollTop = ta.scrollTop;
  }

  function jumpTo(line) {
    const ta = $("text");
    const lines = ta.value.split("\n");
    const l = Math.max(1, Math.min(line, lines.length));
    let pos = 0;
    for (let i = 0; i < l - 1; i++) pos += lines[i].length + 1;
    ta.focus();
    ta.setSelectionRange(pos, pos + lines[l - 1].length);
    const lh = 20;
    ta.scrollTop = Math.max(0, (l - 1) * lh - ta.clientHeight / 3);
    $("gutter").scrollTop = ta.scrollTop;
    for (const d of $("gutter").querySelectorAll(".cur")) d.classList.remove("cur");
    const row = $("gutter").querySelector(`[data-line="${l}"]`);
    if (row) row.classList.add("cur");
  }

  function onInput() {
    if (!state.path || state.deleted) return;
    state.dirty = true;
    setSaveStatus("Saving…");
    renderGutter();
    clearTimeout(state.saveTimer);
    state.saveTimer = setTimeout(save, SAVE_MS);
  }

  function setSaveStatus(s, err) {
    const el = $("save-status");
    el.textContent = err ? tr(s, err) : tr(s);
    el.dataset.state = err ? "error" : s === "Saving…" ? "saving" : "saved";
  }

  // save PUTs the open file to the draft; one save at a time, the last text
  // wins — unless the file changed in the draft since it was read (409):
  // then saving stops and the editor chooses (setConflict).
  async function save(force) {
    clearTimeout(state.saveTimer);
    while (state.saving) await state.saving;
    if (!state.dirty || !state.path || (state.conflict && !force)) return;
    state.dirty = false;
    const path = state.path;
    const content = $("text").value;
    const body = force ? { content } : { content, revision: state.rev };
    state.saving = (async () => {
      try {
        const r = await api("PUT", filesURL(`${ED}/draft/files`, path), body);
        if (path === state.path) { state.rev = r.revision || ""; setConflict(false); }
        state.basedOn = r.based_on;
        state.live = r.live;
        state.others[path] = r.others || [];
        if (path === state.path) {
          if (!state.dirty) setSaveStatus("Saved to your draft");
          renderPresence(state.others[path]);
        }
        await refreshChanges();
        scheduleValidate();
      } catch (e) {
        if (path === state.path) {
          setSaveStatus("Not saved: {0}", e.message);
          if (e.status === 409) setConflict(true);
        }
        state.dirty = path === state.path;
      } finally {
        state.saving = null;
      }
    })();
    await state.saving;
    if (state.dirty && !state.conflict) state.saveTimer = setTimeout(save, SAVE_MS);
  }

  function setConflict(on) {
    state.conflict = on;
    $("conflict-banner").hidden = !on;
  }

  // reloadOpenFile rereads the open file from the draft: after a panel
  // wrote it, or when the editor takes the saved file over their typing.
  async function reloadOpenFile() {
    const p = state.path;
    if (!p || state.deleted) return;
    state.path = null;
    await openFile(p);
  }

  async function flushSave() {
    clearTimeout(state.saveTimer);
    while (state.saving) await state.saving;
    if (state.dirty) await save();
  }

  // refreshChanges rereads the draft's changed files (marks in the tree).
  async function refreshChanges() {
    const draft = await api("GET", `${ED}/draft`).catch(() => null);
    if (!draft) return;
    state.basedOn = draft.based_on;
    state.live = draft.live;
    state.changes = new Map((draft.changes || []).map((c) => [c.path, c]));
    state.hasDraft = state.changes.size > 0;
    state.others = draft.others || {};
    renderDraftStatus();
    renderFileMark();
    renderTree();
  }

  // ---- validation and tests ----------------------------------------------------------

  function scheduleValidate() {
    clearTimeout(state.validateTimer);
    state.validateTimer = setTimeout(validate, VALIDATE_MS);
  }

  async function validate() {
    const seq = ++state.validateSeq;
    $("problems-title").textContent = tr("Validating…");
    const ch = await attempt(() => api("POST", `${ED}/draft/validate`), "Problems");
    if (!ch || seq !== state.validateSeq) return;
    showProblems(ch.problems || []);
  }

  function locText(path, line) {
    return line > 0 ? tr("{0} line {1}", path, line) : path;
  }

  function problemItem(p) {
    return h("li", { "data-path": p.path || "", "data-line": p.line || 0 },
      h("button", { type: "button", class: "link loc", text: locText(p.path || "", p.line || 0),
        onclick: () => p.path && openFile(p.path, p.line || 1) }),
      h("span", { class: "msg", text: p.message }));
  }

  function showProblems(list) {
    state.problems = list;
    $("problems-title").textContent = list.length ? tr("{0} problem(s)", list.length) : tr("Problems");
    $("problems").replaceChildren(...(list.length ? list.map(problemItem) : [h("li", { class: "none", t: "No problems." })]));
    $("problems").dataset.count = list.length;
    renderGutter();
    renderTree();
  }

  function showTests(rep) {
    const box = $("tests-box");
    if (!rep) { box.hidden = true; state.failures = []; renderGutter(); return; }
    box.hidden = false;
    $("tests-summary").textContent = tr("{0} of {1} scenarios passed ({2} of {3} turns).",
      rep.scenarios_passed, rep.scenarios, rep.turns_passed, rep.turns);
    box.dataset.ok = String(rep.scenarios_passed === rep.scenarios);
    state.failures = rep.failures || [];
    $("test-failures").replaceChildren(...state.failures.map((f) => h("li", { "data-path": f.path, "data-line": f.line },
      h("button", { type: "button", class: "link loc", text: locText(f.path, f.line), onclick: () => openFile(f.path, f.line || 1) }),
      h("span", { class: "hint", text: `${tr("scenario “{0}”, turn {1}", f.scenario, f.turn)} — ` }),
      h("span", { class: "msg", text: f.message }),
      (f.replies || []).length ? h("div", { class: "replies", text: tr("Replies: {0}", f.replies.join(" ¶ ")) }) : null)));
    renderGutter();
  }

  async function runTests() {
    await flushSave();
    const btn = $("run-tests");
    btn.disabled = true;
    $("tests-box").hidden = false;
    $("tests-summary").textContent = tr("Running the conversation tests…");
    $("test-failures").replaceChildren();
    try {
      const ch = await attempt(() => api("POST", `${ED}/draft/test`), "Run tests");
      if (!ch) return;
      showProblems(ch.problems || []);
      showTests(ch.tests);
    } finally {
      btn.disabled = false;
    }
  }

  function banner(kind, ...content) {
    const el = $("result-banner");
    el.className = `banner ${kind}`;
    el.dataset.kind = kind;
    el.replaceChildren(...content);
    el.hidden = false;
    el.scrollIntoView({ block: "nearest" });
  }

  async function publish(e) {
    e.preventDefault();
    const summary = $("publish-summary").value.trim();
    if (!summary || summary.length > 500) {
      banner("error", tr("Write a change summary (up to 500 characters)."));
      $("publish-summary").focus();
      return;
    }
    await flushSave();
    $("publish").disabled = true;
    banner("warn", tr("Publishing…"));
    try {
      const v = await api("POST", `${ED}/draft/publish`, { summary });
      banner("ok", tr("Published version {0}.", v.number));
      $("result-banner").dataset.version = v.number;
      $("publish-summary").value = "";
      updateCount();
      showTests(null);
      await loadDraft();
      reopen();
      validate();
    } catch (err) {
      const d = err.data || {};
      if (d.problems) {
        banner("error", tr("Not published: the draft has problems."));
        showProblems(d.problems);
      } else if (d.tests) {
        banner("error", tr("Not published: conversation tests failed."));
        showTests(d.tests);
      } else if (d.conflict) {
        const c = d.conflict;
        banner("error", tr("Not published: version {0} was published since your draft's base {1} and changed the same files:", c.live, c.based_on),
          h("ul", null, ...(c.files || []).map((f) => h("li", null, h("button", { type: "button", class: "link", text: f, onclick: () => openFile(f) })))),
          tr("Revert those files or discard your draft and redo them."));
        $("result-banner").dataset.kind = "conflict";
      } else if (err.status !== 401 && err.status !== 403) {
        banner("error", tr("Not published: {0}", tr(err.message)));
      }
    } finally {
      $("publish").disabled = false;
    }
  }

  // reopen reloads the open file after the draft changed under it.
  function reopen() {
    const p = state.path;
    state.path = null;
    if (p && (state.draftFiles.includes(p) || state.changes.has(p))) openFile(p);
    else clearFile();
  }

  function clearFile() {
    state.path = null;
    $("text").value = "";
    $("text").disabled = true;
    $("file-path").textContent = tr("No file open");
    $("presence-banner").hidden = true;
    $("deleted-banner").hidden = true;
    renderFileMark();
    renderGutter();
  }

  async function revertFile() {
    if (!state.path) return;
    await flushSave();
    const p = state.path;
    const ok = await attempt(() => api("DELETE", filesURL(`${ED}/draft/changes`, p)).then(() => true), "Revert this file");
    if (!ok) return;
    toast(tr("File reverted."));
    await loadDraft();
    reopen();
    scheduleValidate();
  }

  async function discardDraft() {
    if (!confirm(tr("Discard your whole draft? This cannot be undone."))) return;
    clearTimeout(state.saveTimer);
    state.dirty = false;
    if (state.saving) await state.saving;
    try {
      await api("DELETE", `${ED}/draft`);
      toast(tr("Draft discarded."));
    } catch (e) {
      if (e.status === 404) toast(tr("No draft to discard."));
      else if (e.status !== 401 && e.status !== 403) toast(tr("Cannot {0}", e.message), true);
    }
    showTests(null);
    await loadDraft();
    reopen();
    validate();
  }

  function updateCount() {
    $("summary-count").textContent = `${$("publish-summary").value.length}/500`;
  }

  // ---- versions, diff, rollback ------------------------------------------------------

  async function loadVersions(more) {
    const before = more && state.versionsBefore ? `&before=${state.versionsBefore}` : "";
    const data = await attempt(() => api("GET", `${ED}/versions?limit=50${before}`), "Versions");
    if (!data) return;
    state.live = data.live;
    const list = data.versions || [];
    state.versions = more ? state.versions.concat(list) : list;
    state.versionsBefore = list.length ? list[list.length - 1].number : null;
    $("versions-more").hidden = list.length < 50;
    $("versions-table").tBodies[0].replaceChildren(...state.versions.map((v) => h("tr", {
      "data-version": v.number, class: v.number === data.live ? "is-live" : null,
    },
      h("td", { class: "num" }, String(v.number), v.number === data.live ? h("span", { class: "badge live", t: "live" }) : null),
      h("td", { text: v.author }),
      h("td", null, h("time", { datetime: v.published_at, text: fmtTime(v.published_at) })),
      h("td", { text: v.summary }),
      h("td", null, h("div", { class: "actions" },
        v.number > 1 ? h("button", { type: "button", class: "diff-prev", t: "Diff from previous",
          onclick: () => showDiff(String(v.number - 1), String(v.number)) }) : null,
        v.number !== data.live ? h("button", { type: "button", class: "rollback danger", t: "Roll back…",
          onclick: () => askRollback(v.number) }) : null)))));
    fillDiffSelects();
  }

  function fillDiffSelects() {
    const opts = (sel) => [
      h("option", { value: "draft", t: "Your draft" }),
      h("option", { value: "live", t: "Live version" }),
      ...state.versions.map((v) => h("option", { value: String(v.number), text: `${tr("Version {0}", v.number)} — ${v.summary}`.slice(0, 90) })),
    ].map((o) => { if (o.value === sel) o.selected = true; return o; });
    const from = $("diff-from").value || "live";
    const to = $("diff-to").value || "draft";
    $("diff-from").replaceChildren(...opts(from));
    $("diff-to").replaceChildren(...opts(to));
  }

  function askRollback(n) {
    state.rollbackN = n;
    $("rollback-title").textContent = tr("Roll back to version {0}: publishes its files as a new version.", n);
    $("rollback-form").hidden = false;
    $("rollback-form").dataset.version = n;
    $("rollback-reason").value = "";
    $("rollback-reason").focus();
  }

  async function rollback(e) {
    e.preventDefault();
    const n = state.rollbackN;
    if (!n) return;
    $("rollback-go").disabled = true;
    try {
      const v = await api("POST", `${ED}/versions/${n}/rollback`, { reason: $("rollback-reason").value.trim() });
      toast(tr("Rolled back: version {0} is live.", v.number));
      $("result-banner").hidden = true; // an earlier "Published version N" is no longer true
      $("rollback-form").hidden = true;
      state.rollbackN = null;
      await loadVersions(false);
      await loadDraft();
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      const d = err.data || {};
      let msg = err.message;
      if (d.problems) msg = d.problems.map((p) => `${locText(p.path, p.line)}: ${p.message}`).join("; ");
      if (d.tests) msg = (d.tests.failures || []).map((f) => `${locText(f.path, f.line)}: ${f.message}`).join("; ") || msg;
      toast(tr("Not rolled back: {0}", msg), true);
    } finally {
      $("rollback-go").disabled = false;
    }
  }

  function sideName(s) {
    if (s === "draft") return tr("Your draft");
    if (s === "live") return tr("Live version");
    return tr("Version {0}", s);
  }

  async function showDiff(from, to) {
    if (from && to) {
      fillDiffSelects();
      $("diff-from").value = from;
      $("diff-to").value = to;
    }
    from = $("diff-from").value;
    to = $("diff-to").value;
    const view = $("diff-view");
    view.dataset.state = "loading";
    view.replaceChildren(h("p", { class: "hint", t: "Loading the diff…" }));
    const tests = $("diff-tests").checked ? "&tests=1" : "";
    const d = await attempt(() => api("GET", `${ED}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${tests}`), "Diff");
    if (!d) { view.replaceChildren(); view.dataset.state = ""; return; }
    renderDiff(d);
    view.dataset.state = "shown";
    view.scrollIntoView({ block: "start" });
  }

  function renderDiff(d) {
    const view = $("diff-view");
    const out = [h("h3", { text: `${sideName(d.from)} → ${sideName(d.to)}` })];
    const sum = [];
    if (d.intents.length) {
      sum.push(h("h2", { t: "Intents" }), h("ul", null, ...d.intents.map((i) => h("li", { class: "intent" },
        `${i.intent} (${i.locale}): ${tr(i.status)}`,
        i.added.length ? h("div", { class: "ex-add", text: `+ ${tr("examples added: {0}", i.added.join(" · "))}` }) : null,
        i.removed.length ? h("div", { class: "ex-del", text: `− ${tr("examples removed: {0}", i.removed.join(" · "))}` }) : null))));
    }
    if (d.flows.length) {
      sum.push(h("h2", { t: "Flows" }), h("ul", null, ...d.flows.map((f) => {
        const parts = [tr(f.status)];
        if (f.unparsed) parts.push(tr("could not be read"));
        if (f.steps_added.length) parts.push(tr("steps added: {0}", f.steps_added.join(", ")));
        if (f.steps_removed.length) parts.push(tr("steps removed: {0}", f.steps_removed.join(", ")));
        if (f.steps_changed.length) parts.push(tr("steps changed: {0}", f.steps_changed.join(", ")));
        if (f.fields_changed.length) parts.push(tr("fields changed: {0}", f.fields_changed.join(", ")));
        return h("li", { class: "flow" }, h("strong", { text: f.flow || f.path }), ` — ${parts.join("; ")}`);
      })));
    }
    if (d.articles.length) {
      sum.push(h("h2", { t: "Articles" }), h("ul", null, ...d.articles.map((a) => {
        const parts = [tr(a.status)];
        if (a.unparsed) parts.push(tr("could not be read"));
        if (a.title_changed) parts.push(tr("title: “{0}” → “{1}”", a.title_before, a.title_after));
        if (a.body_changed) parts.push(tr("text changed"));
        if (a.front_matter_changed.length) parts.push(tr("front matter: {0}", a.front_matter_changed.join(", ")));
        return h("li", { class: "article" }, h("strong", { text: a.title_after || a.title_before || a.path }), ` (${a.path}) — ${parts.join("; ")}`);
      })));
    }
    if (d.tests) {
      if (d.tests.error) sum.push(h("p", { class: "banner error", text: tr("Tests could not be compared: {0}", d.tests.error) }));
      sum.push(h("h2", { t: "Tests whose outcome changed" }), h("ul", null,
        ...(d.tests.changed.length ? d.tests.changed.map((c) => h("li", { class: "test" },
          h("strong", { text: c.scenario }), ` (${c.path}): ${tr("{0} → {1}", tr(c.before), tr(c.after))}`,
          ...(c.failures || []).map((f) => h("div", { class: "ex-del", text: `${locText(f.path, f.line)}: ${f.message}` }))))
          : [h("li", { t: "No differences." })])));
    }
    if (sum.length) out.push(h("section", { class: "diff-summary", "aria-label": tr("Changes by meaning") }, h("h3", { t: "Changes by meaning" }), ...sum));
    if (!d.files.length) out.push(h("p", { class: "hint", t: "No differences." }));
    else out.push(h("h3", { text: `${tr("Files changed")}: ${d.files.length}` }));
    for (const f of d.files) {
      const pre = h("pre");
      for (const line of String(f.unified || "").replace(/\n$/, "").split("\n")) {
        let cls = null;
        if (line.startsWith("+++") || line.startsWith("---")) cls = "meta";
        else if (line.startsWith("@@")) cls = "hunk";
        else if (line.startsWith("+")) cls = "add";
        else if (line.startsWith("-")) cls = "del";
        pre.append(h("span", { class: cls, text: line }));
      }
      out.push(h("section", { class: "diff-file", "data-path": f.path, "aria-label": f.path },
        h("h4", null, h("span", { class: `badge ${f.status}`, t: f.status }), h("span", { text: f.path })), pre));
    }
    view.replaceChildren(...out);
  }

  // ---- audit (admins) --------------------------------------------------------------

  async function loadAudit(more) {
    const before = more && state.auditBefore ? `&before=${state.auditBefore}` : "";
    const data = await attempt(() => api("GET", `${API}/audit?limit=50${before}`), "Audit");
    if (!data) return;
    const rows = (data.entries || []).map((e) => h("tr", { "data-audit-id": e.id, "data-action": e.action },
      h("td", null, h("time", { datetime: e.at, text: fmtTime(e.at) })),
      h("td", { text: e.actor }),
      h("td", { text: e.action }),
      h("td", { text: e.target }),
      h("td", { class: "details", text: e.details == null ? "" : JSON.stringify(e.details) })));
    const body = $("audit-table").tBodies[0];
    if (more) body.append(...rows);
    else body.replaceChildren(...(rows.length ? rows : [h("tr", null, h("td", { colspan: "5", class: "hint", t: "No entries." }))]));
    state.auditBefore = data.next_before;
    $("audit-more").hidden = data.next_before == null;
  }

  // ---- tabs and wiring ----------------------------------------------------------------

  // Panels of their own scripts (editor-*.js) register through
  // SBEditor.registerPanel: a tab button #tab-NAME, a <main id="NAME-panel">,
  // and a show() called each time the tab is selected.
  const panels = new Map();

  function selectTab(tab) {
    if (tab === "audit" && !(state.me && state.me.role === "admin")) tab = "files";
    if (!["files", "versions", "audit"].includes(tab) && !panels.has(tab)) tab = "files";
    state.tab = tab;
    for (const name of ["files", "versions", "audit", ...panels.keys()]) {
      $(`tab-${name}`).setAttribute("aria-selected", String(name === tab));
      $(`${name}-panel`).hidden = name !== tab;
    }
    if (tab === "files") { loadDraft().then(() => { if (!state.path) validate(); }); }
    if (tab === "versions") loadVersions(false);
    if (tab === "audit") loadAudit(false);
    if (panels.has(tab)) panels.get(tab).show();
  }

  // The helpers the panel scripts share; they load after this one and
  // register before the page starts.
  const fileOpenHooks = [];
  window.SBEditor = {
    API, ED, LANG, $, h, tr, api, attempt, whileBuilding, toast, fmtTime, filesURL,
    me: () => state.me,
    addDict(ru) { if (LANG === "ru") Object.assign(DICT, ru); },
    registerPanel(name, panel) {
      panels.set(name, panel);
      $(`tab-${name}`).addEventListener("click", () => selectTab(name));
    },
    // onFileOpen(fn): fn(path, text, readOnly) after a file opens in the Files tab.
    onFileOpen(fn) { fileOpenHooks.push(fn); },
    // The open file's text changed by a form: saved to the draft as typing is.
    setFileText(text) { $("text").value = text; onInput(); },
    openFile: (path, line) => { selectTab("files"); return openFile(path, line); },
    // reloadDraft rereads the draft after a panel changed it; the open
    // file too, unless it has unsaved typing (whose save then conflicts).
    reloadDraft: async () => {
      await loadDraft();
      if (!state.dirty && !state.saving) await reloadOpenFile();
      scheduleValidate(); // the problems shown are the draft's as it is now
    },
    selectTab: (tab) => selectTab(tab),
  };

  function init() {
    translatePage();
    for (const sel of document.querySelectorAll(".lang")) {
      sel.value = LANG;
      sel.addEventListener("change", async () => {
        await flushSave();
        localStorage.setItem("sb-console-lang", sel.value);
        location.reload();
      });
    }
    $("login-form").addEventListener("submit", onLoginSubmit);
    $("logout").addEventListener("click", logout);
    $("forbidden-logout").addEventListener("click", logout);
    $("tab-files").addEventListener("click", () => selectTab("files"));
    $("tab-versions").addEventListener("click", () => selectTab("versions"));
    $("tab-audit").addEventListener("click", () => selectTab("audit"));
    $("file-filter").addEventListener("input", renderTree);
    const ta = $("text");
    ta.addEventListener("input", onInput);
    ta.addEventListener("scroll", () => { $("gutter").scrollTop = ta.scrollTop; });
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !ta.readOnly) {
        e.preventDefault(); // YAML wants spaces; Esc then Tab leaves the box
        ta.setRangeText("  ", ta.selectionStart, ta.selectionEnd, "end");
        onInput();
      }
      if (e.key === "Escape") ta.blur();
    });
    $("conflict-load").addEventListener("click", () => { state.dirty = false; reloadOpenFile(); });
    $("conflict-keep").addEventListener("click", () => { state.dirty = true; save(true); });
    $("revert-file").addEventListener("click", revertFile);
    $("delete-file").addEventListener("click", deleteFile);
    $("new-file-form").addEventListener("submit", newFile);
    $("discard-draft").addEventListener("click", discardDraft);
    $("run-tests").addEventListener("click", runTests);
    $("publish-form").addEventListener("submit", publish);
    $("publish-summary").addEventListener("input", updateCount);
    $("versions-refresh").addEventListener("click", () => loadVersions(false));
    $("versions-more").addEventListener("click", () => loadVersions(true));
    $("rollback-form").addEventListener("submit", rollback);
    $("rollback-cancel").addEventListener("click", () => { $("rollback-form").hidden = true; state.rollbackN = null; });
    $("diff-form").addEventListener("submit", (e) => { e.preventDefault(); showDiff(); });
    $("audit-refresh").addEventListener("click", () => loadAudit(false));
    $("audit-more").addEventListener("click", () => loadAudit(true));
    setInterval(pollPresence, PRESENCE_MS);
    window.addEventListener("beforeunload", (e) => {
      if (state.dirty || state.saving) { save(); e.preventDefault(); }
    });
    start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
