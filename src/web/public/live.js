// Live updates (optional: every page works in full without them). On a topic page, new replies
// appear in place, and edited, hidden or deleted posts change in place, each announced politely to
// screen readers; replies that belong to a later page are offered as a link. On every signed-in
// page the bell's count follows new notifications. Server-sent events from /live carry only post
// numbers; each post is fetched as the server renders it for the topic page (same sanitised HTML).
(() => {
  if (!window.EventSource || !window.fetch) return;
  const notice = document.getElementById('live-topic');
  const announcer = document.getElementById('live-announce');
  const bell = document.querySelector('a.bell');
  const topic = notice && notice.dataset.topic;
  if (!topic && !bell) return;
  const say = (text) => {
    if (!announcer) return;
    // Cleared first, so that the same words said twice are announced twice.
    announcer.textContent = '';
    setTimeout(() => (announcer.textContent = text), 100);
  };
  const page = Number(notice && notice.dataset.page) || 1;
  const perPage = Number(notice && notice.dataset.perPage) || 20;
  let later = 0;
  const numberOf = (el) => Number(el.id.slice('post-'.length));

  const onPost = async (e) => {
    const { postNumber, change, fragment } = JSON.parse(e.data);
    const shown = [...document.querySelectorAll(`article[id="post-${postNumber}"]`)];
    if (change === 'new' && shown.length) return; // already on the page (one's own reply, say)
    if (change !== 'new' && !shown.length) return; // not on this page
    if (change === 'new' && Math.ceil(postNumber / perPage) !== page) {
      later++;
      const link = document.createElement('a');
      link.href = notice.dataset.url + (Math.ceil(postNumber / perPage) > 1 ? `?page=${Math.ceil(postNumber / perPage)}` : '') + `#post-${postNumber}`;
      link.textContent = later === 1 ? '1 new reply on the next page: show it' : `${later} new replies on the next pages: show them`;
      notice.replaceChildren(link);
      notice.hidden = false;
      say(link.textContent);
      return;
    }
    const res = await fetch(fragment, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!res.ok) {
      if (res.status === 404) shown.forEach((el) => el.remove()); // gone (its topic deleted)
      return;
    }
    const template = document.createElement('template');
    template.innerHTML = await res.text();
    const post = template.content.querySelector('article.post');
    if (!post) return;
    // The name only: the byline also holds the avatar's initials and role badges.
    const author = post.querySelector('.byline .author')?.textContent.trim().replace(/\s+/g, ' ') || 'someone';
    if (shown.length) {
      shown.forEach((el) => {
        const copy = post.cloneNode(true);
        if (el.classList.contains('is-answer')) copy.classList.add('is-answer');
        el.replaceWith(copy);
      });
      say(change === 'delete' ? `Post ${postNumber} by ${author} was deleted.` : `Post ${postNumber} by ${author} was updated.`);
      return;
    }
    const replies = document.querySelector('section.replies');
    if (!replies) return;
    // In post-number order, whatever order the fetches finish in.
    const next = [...replies.querySelectorAll('article.post[id^="post-"]')].find((el) => numberOf(el) > postNumber);
    post.classList.add('live-new');
    replies.insertBefore(post, next || null);
    say(`New reply from ${author}.`);
  };

  const onBell = (e) => {
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
    sr.textContent = ` ${bell.dataset.tUnread || ''}`;
    count.append(sr);
  };

  // A browser keeps at most six HTTP/1.1 connections per site, and each open stream holds one:
  // the stream opens only after the page has loaded, closes while the tab is hidden or being left,
  // and opens again when the tab is shown (the server then sends the bell's count afresh).
  let source = null;
  const connect = () => {
    if (source || document.hidden) return;
    source = new EventSource(topic ? `/live?topic=${encodeURIComponent(topic)}` : '/live');
    source.addEventListener('open', () => (document.documentElement.dataset.live = 'open')); // for tests and the curious
    source.addEventListener('post', onPost);
    source.addEventListener('bell', onBell);
  };
  const disconnect = () => {
    if (!source) return;
    source.close();
    source = null;
    delete document.documentElement.dataset.live;
  };
  document.addEventListener('visibilitychange', () => (document.hidden ? disconnect() : connect()));
  window.addEventListener('pagehide', disconnect);
  window.addEventListener('beforeunload', disconnect);
  if (document.readyState === 'complete') connect();
  else window.addEventListener('load', connect);
})();
