// The composer's live help, optional: without JavaScript the forms work as they are.
// - a preview, rendered and sanitised by the server with the same code that publishes posts;
// - the confidentiality guard's findings as the author types (the server checks again on submit).
const post = async (url, csrf, payload) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(payload),
    credentials: 'same-origin',
  });
  return res.ok ? res.json() : null;
};

const LABELS = { block: 'This cannot be posted as it is', hold: 'This would be held for the community team', mask: 'Parts of this will be hidden when posted', warn: 'Please check before posting' };

function showFindings(box, text, result) {
  box.replaceChildren();
  const findings = (result?.findings ?? []).filter((f) => f.field === 'body').sort((a, b) => a.start - b.start);
  if (!findings.length) {
    box.hidden = true;
    return;
  }
  const head = document.createElement('p');
  head.className = 'findings-head';
  head.textContent = `${LABELS[result.action] ?? 'The guard found something'}:`;
  const marked = document.createElement('p');
  marked.className = 'findings-text';
  let at = 0;
  for (const f of findings) {
    if (f.start < at) continue;
    marked.append(text.slice(at, f.start));
    const mark = document.createElement('mark');
    mark.title = f.reason;
    mark.textContent = text.slice(f.start, f.end);
    marked.append(mark);
    at = f.end;
  }
  marked.append(text.slice(at));
  const list = document.createElement('ul');
  for (const f of findings) {
    const li = document.createElement('li');
    const type = document.createElement('strong');
    type.textContent = f.type.replace(/_/g, ' ');
    li.append(type, `: ${f.reason}`);
    list.append(li);
  }
  box.append(head, marked, list);
  box.hidden = false;
}

for (const area of document.querySelectorAll('textarea[data-preview]')) {
  const preview = document.getElementById(area.dataset.preview);
  const form = area.form;
  const findingsBox = document.createElement('div');
  findingsBox.className = 'findings live';
  findingsBox.setAttribute('role', 'status');
  findingsBox.setAttribute('aria-live', 'polite');
  findingsBox.hidden = true;
  area.after(findingsBox);
  const where = form?.action.includes('/topics') ? 'topic' : 'reply';
  let timer = 0;
  let last = '';
  const update = async () => {
    const body = area.value;
    if (body === last) return;
    last = body;
    if (!body.trim()) {
      if (preview) preview.hidden = true;
      findingsBox.hidden = true;
      return;
    }
    try {
      const title = form?.elements.namedItem('title')?.value;
      const [rendered, checked] = await Promise.all([
        preview ? post('/preview', area.dataset.csrf, { body }) : null,
        post('/check', area.dataset.csrf, { body, where, ...(title ? { title } : {}) }),
      ]);
      if (area.value !== body) return; // typed on meanwhile
      if (preview && rendered) {
        preview.innerHTML = rendered.html; // sanitised by the server
        preview.hidden = false;
      }
      showFindings(findingsBox, body, checked);
    } catch {
      // Offline or a hiccup: this is only a convenience; the server checks on submit.
    }
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
  update();
}
