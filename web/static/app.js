// reportbot web chat. Plain ES2020, no framework. Every text that comes
// from the server or the user is put into the page with textContent only:
// nothing here ever parses a string as HTML.
(() => {
  'use strict';

  const STORE_KEY = 'reportbot.conversation';
  const MSG = {
    network: '网络连接失败,请稍后再试。',
    waiting: '正在查找…',
    fallback: '模型暂时不可用,以下是报告原文。',
    failed: '出错了,请稍后再试。',
    noText: '没有找到这一部分的原文。',
    loading: '正在加载原文…',
  };

  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const form = $('ask-form');
  const input = $('question');
  const send = $('send');
  const status = $('status');
  const suggestions = $('suggestions');
  const suggestionList = $('suggestion-list');
  const reportsList = $('reports');
  const newChat = $('new-chat');

  const params = new URLSearchParams(window.location.search);
  const embedded = params.get('embed') === '1';
  if (embedded) document.documentElement.classList.add('embed');

  let conversation = readConversation();
  let reports = [];
  let busy = false;
  let coolUntil = 0;
  let coolTimer = 0;
  let seq = 0;

  // --- small helpers -------------------------------------------------------

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'className') node.className = v;
        else if (k === 'hidden') node.hidden = Boolean(v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (children) {
      for (const c of children) if (c) node.appendChild(c);
    }
    return node;
  }

  function str(v) {
    return typeof v === 'string' ? v : '';
  }

  function readConversation() {
    try {
      return window.sessionStorage.getItem(STORE_KEY) || '';
    } catch (_) {
      return '';
    }
  }

  function saveConversation(id) {
    conversation = str(id);
    try {
      if (conversation) window.sessionStorage.setItem(STORE_KEY, conversation);
      else window.sessionStorage.removeItem(STORE_KEY);
    } catch (_) {
      // Storage may be unavailable (private mode, third-party iframe): memory is enough.
    }
  }

  async function getJSON(url, init) {
    let res;
    try {
      res = await fetch(url, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, init));
    } catch (_) {
      return { ok: false, status: 0, data: null, error: MSG.network };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      const msg = data && typeof data.error === 'string' && data.error ? data.error : MSG.failed;
      return { ok: false, status: res.status, data, error: msg };
    }
    if (!data || typeof data !== 'object') {
      return { ok: false, status: res.status, data: null, error: MSG.failed };
    }
    return { ok: true, status: res.status, data, error: '' };
  }

  function postJSON(url, body) {
    return getJSON(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  function reveal(node, block) {
    if (!node || !node.scrollIntoView) return;
    node.scrollIntoView({ block: block || 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
  }

  function setStatus(text) {
    status.textContent = text || '';
    status.classList.toggle('is-active', Boolean(text));
  }

  function updateSend() {
    send.disabled = busy || Date.now() < coolUntil;
    send.setAttribute('aria-disabled', send.disabled ? 'true' : 'false');
  }

  // --- header and suggestions ----------------------------------------------

  function renderInfo(info) {
    reports = Array.isArray(info.reports) ? info.reports.filter((r) => r && typeof r === 'object') : [];
    reportsList.textContent = '';
    for (const r of reports) {
      const title = str(r.title) || [str(r.place), r.year ? String(r.year) : ''].join(' ').trim();
      if (title) reportsList.appendChild(el('li', { className: 'report', text: title }));
    }
    if (reports.length === 1 && str(reports[0].title)) {
      document.title = reports[0].title + ' · 智能问答';
    }
    const list = Array.isArray(info.suggestions) ? info.suggestions.filter((s) => typeof s === 'string' && s.trim()) : [];
    suggestionList.textContent = '';
    for (const s of list) {
      const b = el('button', { type: 'button', className: 'chip', 'data-testid': 'suggestion', text: s });
      b.addEventListener('click', () => ask(s));
      suggestionList.appendChild(el('li', null, [b]));
    }
    suggestions.hidden = list.length === 0 || log.childElementCount > 0;
  }

  async function loadInfo() {
    const r = await getJSON('/api/info');
    if (r.ok) renderInfo(r.data);
  }

  // --- messages ------------------------------------------------------------

  function addUserMessage(text) {
    const node = el('div', { className: 'msg msg-user', 'data-testid': 'user-msg' }, [
      el('span', { className: 'visually-hidden', text: '我:' }),
      el('p', { className: 'msg-text', text }),
    ]);
    log.appendChild(node);
    return node;
  }

  function addSystemMessage(text) {
    const node = el('div', { className: 'msg msg-status', 'data-testid': 'system-msg' }, [
      el('p', { className: 'msg-text', text }),
    ]);
    log.appendChild(node);
    return node;
  }

  // splitLines sorts an answer's lines, as the server marks them, into
  // what is said (lead), the report's words under it (quote) and the line
  // naming the sources.
  function splitLines(data) {
    const lines = Array.isArray(data.lines) ? data.lines.filter((l) => l && typeof l.text === 'string' && l.text.trim()) : [];
    const lead = [];
    const quotes = [];
    const sources = [];
    for (const l of lines) {
      if (l.source) sources.push(l.text);
      else if (l.quote) quotes.push(l.text);
      else lead.push(l.text);
    }
    return { lead, quotes, sources };
  }

  function citationLabel(c) {
    let label = str(c.section);
    if (str(c.heading)) label += (label ? ' ' : '') + c.heading;
    return '来源:' + label;
  }

  function sectionURL(id, report) {
    let url = '/api/sections/' + encodeURIComponent(id);
    if (report) url += '?report=' + encodeURIComponent(report);
    return url;
  }

  function renderCitation(c, fallbackQuote) {
    const n = ++seq;
    const panelId = 'cite-panel-' + n;
    const report = str(c.report) || (reports.length === 1 ? str(reports[0].title) : '');
    const chip = el('button', {
      type: 'button',
      className: 'cite-chip',
      'data-testid': 'cite',
      'aria-expanded': 'false',
      'aria-controls': panelId,
    });
    if (str(c.report)) chip.appendChild(el('span', { className: 'cite-report', text: '《' + c.report + '》' }));
    chip.appendChild(el('span', { className: 'cite-label', text: citationLabel(c) }));

    const quoteText = str(c.quote) || fallbackQuote || '';
    const panel = el('div', { className: 'cite-panel', id: panelId, hidden: true });
    if (quoteText) {
      panel.appendChild(el('p', { className: 'cite-caption', text: '报告原文' }));
      panel.appendChild(el('blockquote', { className: 'quote', 'data-testid': 'quote', text: quoteText }));
    }
    const full = el('button', {
      type: 'button',
      className: 'btn btn-secondary',
      'data-testid': 'full-text',
      'aria-expanded': 'false',
      text: '查看全文',
    });
    const sectionBox = el('div', { className: 'section-box', hidden: true });
    if (str(c.section)) panel.appendChild(full);
    panel.appendChild(sectionBox);

    chip.addEventListener('click', () => {
      const open = chip.getAttribute('aria-expanded') !== 'true';
      chip.setAttribute('aria-expanded', String(open));
      panel.hidden = !open;
    });

    let loaded = false;
    let loading = false;
    full.addEventListener('click', async () => {
      if (loading) return;
      if (loaded) {
        const open = sectionBox.hidden;
        sectionBox.hidden = !open;
        full.setAttribute('aria-expanded', String(open));
        full.textContent = open ? '收起全文' : '查看全文';
        return;
      }
      loading = true;
      full.disabled = true;
      sectionBox.hidden = false;
      sectionBox.textContent = '';
      sectionBox.appendChild(el('p', { className: 'section-loading', text: MSG.loading }));
      const r = await getJSON(sectionURL(c.section, report));
      loading = false;
      full.disabled = false;
      sectionBox.textContent = '';
      if (!r.ok) {
        sectionBox.appendChild(el('p', { className: 'section-error', text: r.error }));
        return;
      }
      loaded = true;
      const s = r.data;
      const title = [str(s.id) || str(c.section), str(s.heading)].filter(Boolean).join(' ');
      if (str(s.report)) sectionBox.appendChild(el('p', { className: 'section-report', text: '《' + s.report + '》' }));
      if (title) sectionBox.appendChild(el('h2', { className: 'section-title', text: title }));
      sectionBox.appendChild(el('div', { className: 'section-text', 'data-testid': 'section-text', text: str(s.text) || MSG.noText }));
      full.setAttribute('aria-expanded', 'true');
      full.textContent = '收起全文';
    });

    return el('div', { className: 'cite' }, [chip, panel]);
  }

  // A thumb drawn as inline SVG, not an emoji: a machine without an emoji
  // font (many office desktops) shows an emoji as an empty box. Hidden from
  // screen readers, which read the button's words.
  const THUMB = 'M2 21h4V9H2v12zm20-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 1 6.59 7.59C6.22 7.95 6 8.45 6 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
  function thumb(down) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '18');
    svg.setAttribute('height', '18');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'icon');
    if (down) svg.setAttribute('transform', 'rotate(180)');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', THUMB);
    path.setAttribute('fill', 'currentColor');
    svg.appendChild(path);
    return svg;
  }

  function renderFeedback(ref) {
    const box = el('div', { className: 'feedback', role: 'group', 'aria-label': '这个回答有帮助吗?' });
    const up = el('button', { type: 'button', className: 'fb-btn', 'data-testid': 'fb-up', 'aria-pressed': 'false', title: '有帮助' },
      [thumb(false), el('span', { className: 'visually-hidden', text: '有帮助' })]);
    const down = el('button', { type: 'button', className: 'fb-btn', 'data-testid': 'fb-down', 'aria-pressed': 'false', title: '没帮助' },
      [thumb(true), el('span', { className: 'visually-hidden', text: '没帮助' })]);
    const note = el('span', { className: 'fb-note', 'data-testid': 'fb-note' });
    let pending = false;
    const vote = async (isUp) => {
      if (pending) return;
      pending = true;
      up.disabled = down.disabled = true;
      const r = await postJSON('/api/feedback', { ref, up: isUp, conversation });
      pending = false;
      up.disabled = down.disabled = false;
      if (!r.ok) {
        note.textContent = r.error;
        return;
      }
      const result = str(r.data.result);
      if (result === 'counted' || result === 'changed') {
        up.setAttribute('aria-pressed', String(isUp));
        down.setAttribute('aria-pressed', String(!isUp));
      } else if (result === 'withdrawn') {
        up.setAttribute('aria-pressed', 'false');
        down.setAttribute('aria-pressed', 'false');
      }
      note.textContent = str(r.data.message) || '谢谢反馈!';
    };
    up.addEventListener('click', () => vote(true));
    down.addEventListener('click', () => vote(false));
    box.append(up, down, note);
    return box;
  }

  const PLACES_PER_PAGE = 12;

  function addAnswer(data, asked) {
    const { lead, quotes, sources } = splitLines(data);
    const node = el('article', { className: data.found === false ? 'msg msg-bot msg-notfound' : 'msg msg-bot', 'data-testid': 'answer' });
    node.appendChild(el('span', { className: 'visually-hidden', text: '回答:' }));

    if (str(data.fallback)) {
      node.appendChild(el('p', { className: 'note', 'data-testid': 'fallback', text: MSG.fallback }));
    }

    const suggested = Array.isArray(data.suggested) ? data.suggested.filter((q) => typeof q === 'string' && q.trim()) : [];
    const leadBox = el('div', { className: 'lead', 'data-testid': 'lead' });
    // The nearby questions are offered as buttons below, not as lines too.
    const leadLines = suggested.length > 0 ? lead.filter((t) => !t.startsWith('· ')) : lead;
    leadLines.forEach((t, i) => leadBox.appendChild(el('p', { className: i === 0 ? 'lead-first' : 'lead-more', text: t })));
    node.appendChild(leadBox);

    const citations = Array.isArray(data.citations) ? data.citations.filter((c) => c && typeof c === 'object') : [];
    if (citations.length > 0) {
      const box = el('div', { className: 'cites' });
      citations.forEach((c, i) => box.appendChild(renderCitation(c, quotes[i] || '')));
      node.appendChild(box);
    } else {
      // No structured citations: show the quoted text and source line as plain text.
      for (const q of quotes) node.appendChild(el('blockquote', { className: 'quote', 'data-testid': 'quote', text: q }));
      for (const s of sources) node.appendChild(el('p', { className: 'source-line', text: s }));
    }

    const choices = Array.isArray(data.choices) ? data.choices.filter((c) => typeof c === 'string' && c.trim()) : [];
    if (choices.length > 0) {
      const question = str(data.question) || asked;
      const list = el('ul', { className: 'chips choices', 'aria-label': '请选择地区' });
      // A screen of places at a time: 更多地方 shows the next.
      let shown = 0;
      const more = el('button', { type: 'button', className: 'chip', 'data-testid': 'more-choices', text: '更多地方' });
      const moreItem = el('li', null, [more]);
      const showPage = () => {
        for (const ch of choices.slice(shown, shown + PLACES_PER_PAGE)) {
          const b = el('button', { type: 'button', className: 'chip', 'data-testid': 'choice', text: ch });
          b.addEventListener('click', () => ask(ch + question));
          list.insertBefore(el('li', null, [b]), moreItem);
        }
        shown += PLACES_PER_PAGE;
        moreItem.hidden = shown >= choices.length;
      };
      more.addEventListener('click', showPage);
      list.appendChild(moreItem);
      showPage();
      node.appendChild(list);
    }

    if (suggested.length > 0) {
      const list = el('ul', { className: 'chips nearby', 'aria-label': '报告回答了这些相近的问题' });
      for (const q of suggested) {
        const b = el('button', { type: 'button', className: 'chip', 'data-testid': 'nearby', text: q });
        b.addEventListener('click', () => ask(q));
        list.appendChild(el('li', null, [b]));
      }
      node.appendChild(list);
    }

    if (str(data.ref)) node.appendChild(renderFeedback(data.ref));
    log.appendChild(node);
    return node;
  }

  // --- asking --------------------------------------------------------------

  function cooldown(seconds) {
    const s = Number(seconds);
    if (!Number.isFinite(s) || s <= 0) return;
    coolUntil = Date.now() + Math.min(s, 600) * 1000;
    window.clearTimeout(coolTimer);
    coolTimer = window.setTimeout(() => {
      coolUntil = 0;
      updateSend();
    }, Math.min(s, 600) * 1000 + 50);
    updateSend();
  }

  async function ask(text) {
    const question = String(text || '').trim();
    if (!question || busy) return;
    busy = true;
    updateSend();
    suggestions.hidden = true;
    newChat.hidden = false;
    if (input.value.trim() === question) input.value = '';
    reveal(addUserMessage(question), 'end');
    log.setAttribute('aria-busy', 'true');
    setStatus(MSG.waiting);

    const r = await postJSON('/api/ask', { question, conversation });

    busy = false;
    log.removeAttribute('aria-busy');
    setStatus('');
    if (r.ok) {
      if (typeof r.data.conversation === 'string') saveConversation(r.data.conversation);
      reveal(addAnswer(r.data, question), 'start');
    } else {
      reveal(addSystemMessage(r.error), 'nearest');
      // Give the question back so it can be shortened (422) or sent again.
      if (!input.value && r.status !== 400 && r.status !== 413) input.value = question;
      if (r.status === 422) {
        input.focus();
        input.select();
      }
      if (r.status === 429 && r.data) cooldown(r.data.retry_after);
    }
    updateSend();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (send.disabled) return;
    ask(input.value);
  });

  newChat.addEventListener('click', () => {
    if (busy) return;
    saveConversation('');
    log.textContent = '';
    newChat.hidden = true;
    suggestions.hidden = suggestionList.childElementCount === 0;
    setStatus('');
    input.value = '';
    input.focus();
  });

  // In the widget's iframe, Escape asks the host page to close the box.
  if (embedded && window.parent !== window) {
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        window.parent.postMessage({ type: 'reportbot:close' }, '*');
      }
    });
  }

  updateSend();
  loadInfo();
})();
