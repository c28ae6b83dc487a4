// Topic pages: a "Copy link" button beside each post's permalink. Without JavaScript (or without
// the clipboard) the permalink itself is still there to copy from the browser's menu.
(() => {
  if (!navigator.clipboard) return;
  for (const link of document.querySelectorAll('a[data-copy-link]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link copy-link';
    button.textContent = 'Copy link';
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(new URL(link.getAttribute('href'), location.href).href);
        button.textContent = 'Link copied';
      } catch {
        button.textContent = 'Copy failed: use the link';
      }
      setTimeout(() => (button.textContent = 'Copy link'), 2500);
    });
    link.after(button);
  }
})();
