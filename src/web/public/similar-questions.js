// Similar questions while typing a new question's title (optional: without JavaScript the
// composer shows them when it is opened with a title or sent back). Asks /search/similar a
// moment after typing stops, and lists solved questions and articles under the title; the list
// is a polite live region, so a screen reader hears that suggestions appeared.
(() => {
  const title = document.getElementById('title');
  const box = document.getElementById('similar-questions');
  if (!title || !box) return;
  let timer;
  let asked = '';
  let controller;
  const render = (results) => {
    box.replaceChildren();
    if (!results.length) {
      box.hidden = true;
      return;
    }
    const lead = document.createElement('p');
    lead.textContent = box.dataset.tLead ?? ''; // the page's words, in the reader's language
    const list = document.createElement('ul');
    for (const r of results) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = r.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = r.title; // text, not the server's HTML: nothing typed can become markup here
      li.append(a);
      if (r.type === 'article') {
        const tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = box.dataset.tArticle ?? '';
        li.append(' ', tag);
      }
      list.append(li);
    }
    box.append(lead, list);
    box.hidden = false;
  };
  const ask = async () => {
    const q = title.value.trim();
    if (q === asked) return;
    asked = q;
    if (q.length < 4) return render([]);
    controller?.abort();
    controller = new AbortController();
    try {
      const res = await fetch(`/search/similar?title=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin', signal: controller.signal });
      if (res.ok) render((await res.json()).results ?? []);
    } catch {
      /* a failed look-up leaves the form as it is */
    }
  };
  title.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
