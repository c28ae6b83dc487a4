// Live preview for the Markdown editor. Optional: without JavaScript the forms work as they are.
// The server renders (and sanitises) the preview with the same code that publishes posts.
for (const area of document.querySelectorAll('textarea[data-preview]')) {
  const box = document.getElementById(area.dataset.preview);
  if (!box) continue;
  let timer = 0;
  let last = '';
  const update = async () => {
    const body = area.value;
    if (body === last) return;
    last = body;
    if (!body.trim()) {
      box.hidden = true;
      return;
    }
    try {
      const res = await fetch('/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': area.dataset.csrf },
        body: JSON.stringify({ body }),
        credentials: 'same-origin',
      });
      if (!res.ok) return;
      const { html } = await res.json();
      if (area.value !== body) return; // typed on meanwhile
      box.innerHTML = html; // sanitised by the server
      box.hidden = false;
    } catch {
      // Offline or a hiccup: the preview is only a convenience.
    }
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  });
  update();
}
