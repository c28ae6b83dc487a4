// Live updates (optional: every page works in full without them). On a topic page, new replies
// are announced in a polite live region with a link to read them; on every signed-in page the
// bell's count follows new notifications. Server-sent events from /live.
(() => {
  if (!window.EventSource) return;
  const notice = document.getElementById('live-topic');
  const bell = document.querySelector('a.bell');
  const topic = notice?.dataset.topic;
  if (!topic && !bell) return;
  const source = new EventSource(topic ? `/live?topic=${encodeURIComponent(topic)}` : '/live');
  let fresh = 0;
  source.addEventListener('reply', (e) => {
    const data = JSON.parse(e.data);
    fresh++;
    const link = document.createElement('a');
    link.href = data.url;
    link.textContent = fresh === 1 ? '1 new reply: show it' : `${fresh} new replies: show them`;
    link.addEventListener('click', () => setTimeout(() => location.reload(), 0));
    notice.replaceChildren(link);
    notice.hidden = false;
  });
  source.addEventListener('bell', (e) => {
    if (!bell) return;
    const { unread } = JSON.parse(e.data);
    let count = bell.querySelector('.count');
    if (!unread) return count?.remove();
    if (!count) {
      count = document.createElement('span');
      count.className = 'count';
      bell.append(' ', count);
    }
    count.textContent = String(unread);
    const sr = document.createElement('span');
    sr.className = 'sr-only';
    sr.textContent = ' unread';
    count.append(sr);
  });
})();
