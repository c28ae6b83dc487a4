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
  // Words come from the page, in its language (data-t-* on #live-topic and the bell): {0} a number, {1} a name.
  const words = (name, number, author) => ((notice && notice.dataset[name]) || '').replace('{0}', () => number).replace('{1}', () => author);
  const pageOf = (n) => Math.ceil(n / perPage);
  // Post numbers on the page, being fetched, or counted in the "later" link: each new reply is
  // handled once, whether a live event or a catch-up brings it (or both).
  const known = new Set([...document.querySelectorAll('article.post[id^="post-"]')].map(numberOf));
  // Up to where this page has caught up: the topic's last post when the server rendered it. Each
  // (re)connection of the stream tells the last post now; what lies between was missed while the
  // tab was hidden (the stream is closed then) or the connection was down.
  let caughtUp = Math.max(Number(notice && notice.dataset.lastPost) || 0, ...known);

  const showLater = (postNumber) => {
    later++;
    const link = document.createElement('a');
    link.href = notice.dataset.url + (pageOf(postNumber) > 1 ? `?page=${pageOf(postNumber)}` : '') + `#post-${postNumber}`;
    link.textContent = later === 1 ? words('tLaterOne') : words('tLaterMany', later);
    notice.replaceChildren(link);
    notice.hidden = false;
    return link.textContent;
  };

  /** The post as the server renders it for this reader, or null (gone, or not for this reader). */
  const fetchPost = async (fragment) => {
    const res = await fetch(fragment, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!res.ok) return { status: res.status, post: null };
    const template = document.createElement('template');
    template.innerHTML = await res.text();
    return { status: res.status, post: template.content.querySelector('article.post') };
  };
  // The name only: the byline also holds the avatar's initials and role badges.
  const authorOf = (post) => post.querySelector('.byline .author')?.textContent.trim().replace(/\s+/g, ' ') || words('tSomeone');

  /** Puts a new reply in its place, in post-number order; false when the page has no replies section. */
  const insert = (post, postNumber) => {
    const replies = document.querySelector('section.replies');
    if (!replies) return false;
    const next = [...replies.querySelectorAll('article.post[id^="post-"]')].find((el) => numberOf(el) > postNumber);
    post.classList.add('live-new');
    replies.insertBefore(post, next || null);
    return true;
  };

  const onPost = async (e) => {
    const { postNumber, change, fragment } = JSON.parse(e.data);
    const shown = [...document.querySelectorAll(`article[id="post-${postNumber}"]`)];
    if (change === 'new' && (shown.length || known.has(postNumber))) return; // already here (one's own reply, say)
    if (change !== 'new' && !shown.length) return; // not on this page
    if (change === 'new') {
      known.add(postNumber);
      if (pageOf(postNumber) !== page) return say(showLater(postNumber));
    }
    const { status, post } = await fetchPost(fragment);
    if (!post) {
      if (status === 404) shown.forEach((el) => el.remove()); // gone (its topic deleted)
      return;
    }
    const author = authorOf(post);
    if (shown.length) {
      shown.forEach((el) => {
        const copy = post.cloneNode(true);
        if (el.classList.contains('is-answer')) copy.classList.add('is-answer');
        el.replaceWith(copy);
      });
      say(words(change === 'delete' ? 'tDeleted' : 'tUpdated', postNumber, author));
      return;
    }
    if (insert(post, postNumber)) say(words('tNewReply', postNumber, author));
  };

  // The replies missed since the page caught up last: fetched together, inserted in order, each
  // once, and announced in one polite message (the words come from the page, in its language).
  const onTopic = async (e) => {
    const { lastPostNumber } = JSON.parse(e.data);
    const missed = [];
    for (let n = caughtUp + 1; n <= lastPostNumber; n++) if (!known.has(n)) missed.push(n);
    caughtUp = Math.max(caughtUp, lastPostNumber);
    document.documentElement.dataset.caughtUp = String(caughtUp); // for tests and the curious
    if (!missed.length) return;
    missed.forEach((n) => known.add(n));
    const here = missed.filter((n) => pageOf(n) === page);
    const elsewhere = missed.filter((n) => pageOf(n) !== page);
    const fetched = await Promise.all(here.map((n) => fetchPost(`/t/${topic}/posts/${n}`).catch(() => ({ post: null }))));
    const authors = [];
    fetched.forEach(({ post }, i) => {
      if (post && !document.getElementById(`post-${here[i]}`) && insert(post, here[i])) authors.push(authorOf(post));
    });
    let linkText = '';
    for (const n of elsewhere) linkText = showLater(n);
    const data = notice.dataset;
    const summary = authors.length === 1
      ? (data.announceOne || '').replace('{author}', () => authors[0])
      : authors.length > 1 ? (data.announceMany || '').replace('{count}', String(authors.length)) : '';
    const message = [summary, linkText].filter(Boolean).join(' ');
    if (message) say(message);
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
    source.addEventListener('topic', onTopic);
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
