// The composer's live help, optional: without JavaScript the forms work as they are.
// - a preview, rendered and sanitised by the server with the same code that publishes posts;
// - the confidentiality guard's findings as the author types (the server checks again on submit),
//   in the message and in the text files picked in the attachments field (read here, sent with
//   the draft to /check, listed per file under the field);
// - unsent text kept: put back after a reload or a crash of the tab, and a warning before leaving
//   the page with it (keepDraft).
const post = async (url, csrf, payload) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(payload),
    credentials: 'same-origin',
  });
  if (res.ok) return res.json();
  const error = await res.json().catch(() => null);
  return { failed: res.status, message: typeof error?.message === 'string' ? error.message : '' };
};

// Every word this script shows comes from the page, in the reader's language: the editor's
// textarea carries them as JSON in data-t (partials/editor.eta), "{{name}}" marking values.
const fill = (s, values) => String(s ?? '').replace(/\{\{(\w+)\}\}/g, (m, k) => (k in values ? String(values[k]) : m));

function showFindings(box, text, result, T, title = '') {
  box.replaceChildren();
  const all = result?.findings ?? [];
  const inBody = all.filter((f) => f.field === 'body').sort((a, b) => a.start - b.start);
  const inTitle = title ? all.filter((f) => f.field === 'title').sort((a, b) => a.start - b.start) : [];
  if (!inBody.length && !inTitle.length) {
    box.hidden = true;
    return;
  }
  const head = document.createElement('p');
  head.className = 'findings-head';
  head.textContent = `${T.action?.[result.action] ?? T.action?.unknown ?? ''}:`;
  box.append(head);
  if (inBody.length) {
    const marked = document.createElement('p');
    marked.className = 'findings-text';
    let at = 0;
    for (const f of inBody) {
      if (f.start < at) continue;
      marked.append(text.slice(at, f.start));
      const mark = document.createElement('mark');
      mark.title = f.why ?? f.reason;
      mark.textContent = text.slice(f.start, f.end);
      marked.append(mark);
      at = f.end;
    }
    marked.append(text.slice(at));
    box.append(marked);
  }
  // One line per distinct finding (type, matched text, field), the title's first, as the server's
  // findings panel lists them (src/confidentiality/quick-fix.ts): a number written twice is one line.
  const list = document.createElement('ul');
  const seen = new Set();
  for (const f of [...inTitle, ...inBody]) {
    const key = JSON.stringify([f.field, f.type, (f.field === 'title' ? title : text).slice(f.start, f.end)]);
    if (seen.has(key)) continue;
    seen.add(key);
    const li = document.createElement('li');
    const type = document.createElement('strong');
    type.textContent = f.label ?? f.type.replace(/_/g, ' ');
    li.append(type, `${f.field === 'title' ? ` (${T.title})` : ''}: ${f.why ?? f.reason}`);
    list.append(li);
  }
  box.append(list);
  box.hidden = false;
}

// Attachments as the server takes them (src/attachments/text-file.ts, ATTACHMENT_LIMITS): the
// server decides again on submit; files it would refuse are named here and not sent to /check.
const MAX_BYTES = 1024 * 1024;
const MAX_FILES = 5;
const SEVERITY = { allow: 0, warn: 1, mask: 2, hold: 3, block: 4 };

/** A picked file's text, decided as the server decides (UTF-8 or UTF-16 with a BOM, no NUL, hardly any control characters), or why not. */
async function readTextFile(file) {
  if (file.size > 3 * MAX_BYTES + 4) return { problem: 'tooLarge' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'notText' };
  }
  if (new TextEncoder().encode(text).length > MAX_BYTES) return { problem: 'tooLarge' };
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return { problem: 'notText' };
    if ((c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 127) controls++;
  }
  if (controls > 8 && controls * 100 > text.length) return { problem: 'notText' };
  if (!text.trim()) return { problem: 'empty' };
  return { text };
}

/** Findings in attachments, per file: what the policy would do with it, then type, line and reason. */
function showAttachmentFindings(box, files, result, T) {
  box.replaceChildren();
  const all = (result?.findings ?? []).filter((f) => f.field === 'attachment');
  for (const file of files) {
    const found = file.index === undefined ? [] : all.filter((f) => f.attachment === file.index).sort((a, b) => a.start - b.start);
    if (!file.problem && !found.length) continue;
    const head = document.createElement('p');
    head.className = 'findings-head';
    const name = document.createElement('strong');
    name.textContent = result?.attachments?.[file.index]?.name ?? file.name;
    if (file.problem) {
      const problem = fill(T.problem?.[file.problem] ?? file.problem, { max: MAX_FILES });
      head.append(name, ` ${fill(T.notAccepted, { problem, max: MAX_FILES })}`);
      box.append(head);
      continue;
    }
    const worst = found.reduce((w, f) => (SEVERITY[f.action] > SEVERITY[w] ? f.action : w), 'allow');
    head.dataset.action = worst;
    head.append(name, ` ${T.file?.[worst] ?? T.file?.unknown ?? ''}:`);
    const list = document.createElement('ul');
    for (const f of found) {
      const li = document.createElement('li');
      const type = document.createElement('strong');
      type.textContent = f.label ?? f.type.replace(/_/g, ' ');
      li.append(type, `${f.line ? fill(T.line, { line: f.line }) : ''}: ${f.why ?? f.reason} (${T.finding?.[f.action] ?? f.action})`);
      list.append(li);
    }
    box.append(head, list);
  }
  if (result?.failed && files.length && result.message) {
    const p = document.createElement('p');
    p.className = 'findings-head';
    p.textContent = fill(T.notChecked, { message: result.message });
    box.append(p);
  }
  box.hidden = box.childElementCount === 0;
}

/** The tone nudge for an employee's reply (the server sends it with the check): a reminder, never a stop. */
function showTone(box, result, T) {
  box.replaceChildren();
  if (result?.tone) {
    const p = document.createElement('p');
    p.textContent = result.tone.message;
    const which = document.createElement('p');
    which.className = 'meta';
    which.textContent = fill(T.toneReads, { phrases: result.tone.phrases.map((x) => `“${x}”`).join(', ') });
    box.append(p, which);
  }
  box.hidden = !result?.tone;
}

/** Watched words the author can still rephrase (the server sends them with the check): block and hold. */
function showWatched(box, result, T) {
  box.replaceChildren();
  for (const w of Array.isArray(result?.watched) ? result.watched : []) {
    const p = document.createElement('p');
    p.className = w.action === 'block' ? 'finding block' : 'finding hold';
    p.textContent = `${w.field === 'title' ? T.title : T.message}: ${w.message}`;
    box.append(p);
  }
  box.hidden = box.childElementCount === 0;
}

function liveBox(extraClass) {
  const box = document.createElement('div');
  box.className = `findings live${extraClass ? ` ${extraClass}` : ''}`;
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.hidden = true;
  return box;
}

// Unsent text survives a reload, a closed-and-restored tab or a wrong click, as in Discourse. It is
// kept in the tab's sessionStorage, not localStorage: a draft may hold what the guard will refuse
// (customer data), so it is not left on the device after the tab is closed. A draft is put back
// only onto the form it was written in, as the server first showed it (`initial`): a form the
// server sent back with the text (an error) or a post edited since is left as it is.
function keepDraft(area, T) {
  const form = area.form;
  if (!form) return;
  const key = `parley-draft:${form.getAttribute('action')}:${area.name}`;
  const titleInput = form.elements.namedItem('title');
  const title = () => (titleInput && 'value' in titleInput ? titleInput.value : '');
  const initial = { body: area.value, title: title() };
  const changed = () => area.value !== initial.body || title() !== initial.title;
  let store = null;
  try {
    store = window.sessionStorage;
  } catch {
    // storage switched off: only the warning before leaving remains
  }
  const saved = (() => {
    try {
      return JSON.parse(store?.getItem(key) ?? 'null');
    } catch {
      return null;
    }
  })();
  if (saved && saved.initialBody === initial.body && saved.initialTitle === initial.title && (saved.body !== initial.body || saved.title !== initial.title)) {
    area.value = saved.body;
    if (titleInput && typeof saved.title === 'string') titleInput.value = saved.title;
    const note = document.createElement('p');
    note.className = 'notice draft-restored';
    note.setAttribute('role', 'status');
    const time = new Date(saved.at).toLocaleTimeString(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });
    note.append(`${fill(T.draftRestored, { time })} `);
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'secondary';
    discard.textContent = T.discardDraft ?? '×';
    discard.addEventListener('click', () => {
      area.value = initial.body;
      if (titleInput) titleInput.value = initial.title;
      store?.removeItem(key);
      note.remove();
      area.dispatchEvent(new Event('input', { bubbles: true }));
      area.focus();
    });
    note.append(discard);
    form.prepend(note);
  } else if (saved) {
    store?.removeItem(key);
  }
  let timer = 0;
  const save = () => {
    try {
      if (changed()) store?.setItem(key, JSON.stringify({ body: area.value, title: title(), initialBody: initial.body, initialTitle: initial.title, at: Date.now() }));
      else store?.removeItem(key);
    } catch {
      // full or switched off: nothing to do
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  });
  let sending = false;
  form.addEventListener('submit', () => {
    sending = true;
    clearTimeout(timer);
    store?.removeItem(key);
  });
  window.addEventListener('pagehide', () => {
    if (!sending) save();
  });
  // The browser asks before a page with unsent text is left (its own words; none can be given).
  window.addEventListener('beforeunload', (e) => {
    if (sending || !changed()) return;
    e.preventDefault();
    e.returnValue = '';
  });
}

for (const area of document.querySelectorAll('textarea[data-preview]')) {
  const preview = document.getElementById(area.dataset.preview);
  let T = {};
  try {
    T = JSON.parse(area.dataset.t || '{}');
  } catch {
    // no words: the boxes show what the server sent
  }
  const form = area.form;
  keepDraft(area, T);
  const findingsBox = liveBox();
  area.after(findingsBox);
  const toneBox = liveBox('tone-nudge');
  findingsBox.after(toneBox);
  const watchedBox = liveBox('watched-words');
  toneBox.after(watchedBox);
  const where = form?.action.includes('/topics') ? 'topic' : 'reply';
  const fileInput = form?.querySelector('input[type="file"][name="attachments"]');
  const attachBox = liveBox('attachment-findings');
  fileInput?.after(attachBox);
  let picked = []; // { name, text } or { name, problem }, in the input's order
  let attachVersion = 0; // bumped when files are picked or a kept attachment changes
  let pickVersion = 0;
  let timer = 0;
  let last = '';
  /** Attachments already accepted once (a form shown again), minus removed ones, then the picked files: the server's order. */
  const attachments = () => {
    const kept = [...(form?.querySelectorAll('.kept-attachment') ?? [])]
      .filter((k) => !k.querySelector('input[name="kept_remove"]')?.checked)
      .map((k) => ({ name: k.querySelector('input[name="kept_name"]')?.value ?? '', text: k.querySelector('textarea[name="kept_text"]')?.value ?? '' }));
    let room = MAX_FILES - kept.length;
    const files = [...kept, ...picked.map((p) => (p.problem || room-- > 0 ? p : { name: p.name, problem: 'tooMany' }))];
    let index = 0;
    for (const f of files) if (!f.problem) f.index = index++;
    return files;
  };
  // A private message is checked at its own address, with who reads it (data-check, data-check-fields).
  const checkUrl = area.dataset.check || '/check';
  const checkExtra = () => {
    const out = {};
    for (const name of (area.dataset.checkFields || '').split(',').filter(Boolean)) {
      const el = form?.elements.namedItem(name);
      if (el && 'value' in el) out[name] = el.type === 'checkbox' ? (el.checked ? el.value : '') : el.value;
    }
    return out;
  };
  let checks = 0;
  const update = async () => {
    const firstRun = checks++ === 0;
    const body = area.value;
    const version = attachVersion;
    const extra = checkExtra();
    const key = `${version}\u0000${body}\u0000${JSON.stringify(extra)}`;
    if (key === last) return;
    last = key;
    const files = attachments();
    const sent = files.filter((f) => !f.problem).map((f) => ({ name: f.name, content: f.text }));
    if (!body.trim() && !sent.length) {
      if (preview) preview.hidden = true;
      findingsBox.hidden = true;
      showAttachmentFindings(attachBox, files, null, T);
      return;
    }
    try {
      const title = form?.elements.namedItem('title')?.value;
      const [rendered, checked] = await Promise.all([
        preview && body.trim() ? post('/preview', area.dataset.csrf, { body }) : null,
        post(checkUrl, area.dataset.csrf, { ...extra, body, where, ...(title ? { title } : {}), ...(sent.length ? { attachments: sent } : {}) }),
      ]);
      if (area.value !== body || attachVersion !== version) return; // typed or picked on meanwhile
      if (preview) {
        if (typeof rendered?.html === 'string') preview.innerHTML = rendered.html; // sanitised by the server
        preview.hidden = typeof rendered?.html !== 'string';
      }
      // A page the server sent back with its findings panel (a stopped draft, a returned one): the
      // text as it came is already listed there, so the live list waits for the first change.
      if (firstRun && form?.querySelector('.guard-panel')) findingsBox.hidden = true;
      else showFindings(findingsBox, body, checked, T, title ?? '');
      showTone(toneBox, checked, T);
      showWatched(watchedBox, checked, T);
      showAttachmentFindings(attachBox, files, checked, T);
    } catch {
      // Offline or a hiccup: this is only a convenience; the server checks on submit.
    }
  };
  const soon = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(update, ms);
  };
  area.addEventListener('input', () => soon(400));
  fileInput?.addEventListener('change', async () => {
    const version = ++pickVersion;
    attachVersion++; // a check under way for the files picked before is out of date
    const list = [...(fileInput.files ?? [])];
    const read = await Promise.all(list.map(async (file) => ({ name: file.name, ...(await readTextFile(file).catch(() => ({ problem: 'unreadable' }))) })));
    if (version !== pickVersion) return; // picked again meanwhile
    picked = read;
    attachVersion++;
    soon(0);
  });
  form?.addEventListener('input', (e) => {
    if (e.target.name === 'kept_text') {
      attachVersion++;
      soon(400);
    }
  });
  form?.addEventListener('change', (e) => {
    if (e.target.name === 'kept_remove') {
      attachVersion++;
      soon(0);
    }
  });
  update();
}
