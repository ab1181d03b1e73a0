// reportbot widget: <script src="https://REPORTBOT-HOST/widget.js" defer></script>
// puts a floating "智能问答" button on any page; it opens the chat in an
// iframe served by the same host as this script. Styles are set through
// the CSSOM (el.style.cssText) inside a shadow root, so the host page's CSS
// does not leak in and no style attribute markup is written.
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || !script.src) return;
  let origin;
  try {
    origin = new URL(script.src, window.location.href).origin;
  } catch (_) {
    return;
  }
  if (window.__reportbotWidget) return;
  window.__reportbotWidget = true;

  const LABEL = '智能问答';
  const Z = '2147483000';
  const FONT = 'system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif';

  function el(tag, css, attrs) {
    const node = document.createElement(tag);
    if (css) node.style.cssText = css;
    if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  function focusRing(node) {
    node.addEventListener('focus', () => {
      node.style.outline = '3px solid #0b5cad';
      node.style.outlineOffset = '2px';
    });
    node.addEventListener('blur', () => {
      node.style.outline = 'none';
    });
  }

  function start() {
    const host = el('div', 'all:initial;position:fixed;z-index:' + Z + ';right:0;bottom:0;width:0;height:0;', {
      'data-reportbot-widget': '',
    });
    const root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

    const base = 'box-sizing:border-box;font-family:' + FONT + ';font-size:16px;line-height:1.5;letter-spacing:normal;text-transform:none;';

    const button = el(
      'button',
      base +
        'position:fixed;right:16px;bottom:16px;z-index:' + Z + ';display:flex;align-items:center;gap:6px;' +
        'min-height:48px;padding:10px 18px;border:0;border-radius:999px;background:#b3261e;color:#fff;' +
        'font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);outline:none;',
      { type: 'button', 'aria-expanded': 'false', 'aria-haspopup': 'dialog', 'data-testid': 'widget-open' },
    );
    button.textContent = '💬 ' + LABEL;
    button.setAttribute('aria-label', LABEL);
    focusRing(button);

    const panel = el(
      'div',
      base +
        'position:fixed;right:12px;bottom:12px;z-index:' + Z + ';display:none;flex-direction:column;' +
        'width:min(420px,calc(100vw - 24px));height:min(680px,calc(100vh - 24px));max-width:calc(100vw - 24px);' +
        'background:#fff;color:#1d2430;border-radius:14px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.3);',
      { role: 'dialog', 'aria-label': LABEL, 'data-testid': 'widget-panel' },
    );
    const panelId = 'reportbot-widget-panel';
    panel.id = panelId;
    button.setAttribute('aria-controls', panelId);

    const bar = el(
      'div',
      base + 'display:flex;align-items:center;justify-content:space-between;gap:8px;padding:6px 6px 6px 16px;background:#b3261e;color:#fff;flex:0 0 auto;',
    );
    const title = el('span', base + 'color:#fff;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;');
    title.textContent = LABEL;
    const close = el(
      'button',
      base + 'min-width:44px;min-height:44px;border:0;border-radius:8px;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer;outline:none;',
      { type: 'button', 'aria-label': '关闭', title: '关闭(Esc)', 'data-testid': 'widget-close' },
    );
    close.textContent = '×';
    focusRing(close);
    bar.append(title, close);
    panel.appendChild(bar);

    let frame = null;
    let open = false;

    function show() {
      if (open) return;
      open = true;
      if (!frame) {
        frame = el('iframe', 'display:block;flex:1 1 auto;width:100%;min-height:0;border:0;background:#f4f6f9;', {
          src: origin + '/?embed=1',
          title: LABEL,
          'data-testid': 'widget-frame',
        });
        panel.appendChild(frame);
      }
      panel.style.display = 'flex';
      button.style.display = 'none';
      button.setAttribute('aria-expanded', 'true');
      close.focus();
    }

    function hide() {
      if (!open) return;
      open = false;
      panel.style.display = 'none';
      button.style.display = 'flex';
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }

    button.addEventListener('click', show);
    close.addEventListener('click', hide);
    document.addEventListener('keydown', (e) => {
      if (open && e.key === 'Escape') {
        e.preventDefault();
        hide();
      }
    });
    panel.addEventListener('keydown', (e) => {
      if (open && e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        hide();
      }
    });
    // The chat page in the iframe posts this when Escape is pressed inside it.
    window.addEventListener('message', (e) => {
      if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
      if (e.data && e.data.type === 'reportbot:close') hide();
    });

    root.append(button, panel);
    document.body.appendChild(host);
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
