// Topic pages: a "Copy link" button beside each post's permalink. Without JavaScript (or without
// the clipboard) the permalink itself is still there to copy from the browser's menu.
(() => {
  if (!navigator.clipboard) return;
  // The buttons' words come from the page, in its language (data-t-* on the thread).
  const words = document.querySelector('[data-t-copy-link]')?.dataset || {};
  for (const link of document.querySelectorAll('a[data-copy-link]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link copy-link';
    button.textContent = words.tCopyLink;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(new URL(link.getAttribute('href'), location.href).href);
        button.textContent = words.tLinkCopied;
      } catch {
        button.textContent = words.tCopyFailed;
      }
      setTimeout(() => (button.textContent = words.tCopyLink), 2500);
    });
    link.after(button);
  }
})();
