// End-to-end test of the reportbot web chat in a real (headless) Chromium.
//
//   cd web/e2e && npm ci            # playwright-core only, no browser download
//   node web/e2e/chat.mjs http://127.0.0.1:18080 /tmp/chat.png
//
// CHROMIUM names the browser binary (default /usr/bin/chromium);
// E2E_TIMEOUT_MS bounds each wait (default 30000).
// Exits 0 when every check passes; otherwise prints the first failure, what
// the page showed, and exits 1.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

// axe-core's source, evaluated in the page: the page's Content-Security-Policy
// (script-src 'self') rightly refuses it as a script tag.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const [baseArg, shotPath] = process.argv.slice(2);
if (!baseArg || !shotPath) {
  console.error('usage: node chat.mjs <baseURL> <screenshotPath>');
  process.exit(2);
}
const base = new URL(baseArg);
const origin = base.origin;
const at = (p) => new URL(p, origin).toString();
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS) || 30000;
const LABEL = '请输入您的问题';
const XSS = '<img src=x onerror=alert(1)>';

const consoleErrors = [];
const pageErrors = [];
const foreignRequests = [];
const dialogs = [];
const xssFetches = [];
let passed = 0;

class Failure extends Error {}

function fail(message, seen) {
  const e = new Failure(message);
  e.seen = seen;
  throw e;
}

// seenOnPage describes the chat as a person would see it, for failures.
async function seenOnPage(page) {
  try {
    return await page.evaluate(() => {
      const log = document.querySelector('[data-testid=log]');
      const items = log ? [...log.children].map((m) => `[${m.dataset.testid || m.className}] ${m.innerText.replace(/\s+/g, ' ').trim()}`) : ['(no chat log)'];
      const status = document.querySelector('[data-testid=status]');
      return [`url: ${location.href}`, `status: ${status ? status.textContent : '(none)'}`, ...items].join('\n  ');
    });
  } catch (err) {
    return `(could not read the page: ${err.message})`;
  }
}

async function step(name, fn) {
  await fn();
  passed++;
  console.log(`ok ${passed} - ${name}`);
}

// waitFor polls fn in the page until it returns true, or fails with what was seen.
async function waitFor(page, what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: TIMEOUT, polling: 'raf' });
  } catch (err) {
    fail(`timed out after ${TIMEOUT} ms waiting for ${what}`, await seenOnPage(page));
  }
}

function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url || page.url()})`);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e && e.stack ? e.stack : e)));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
}

const REPLIES = '[data-testid=log] > [data-testid=answer], [data-testid=log] > [data-testid=system-msg]';

// ask types a question into the labelled input, presses Enter and waits for
// the reply (an answer or a system message). It returns the reply's kind.
async function ask(page, question) {
  const before = await page.locator(REPLIES).count();
  const users = await page.getByTestId('user-msg').count();
  const input = page.getByLabel(LABEL);
  await input.fill(question);
  await input.press('Enter');
  await waitFor(page, `the question "${question}" to be echoed`, (n) => document.querySelectorAll('[data-testid=user-msg]').length > n, users);
  await waitFor(page, `a reply to "${question}"`, ([sel, n]) => document.querySelectorAll(sel).length > n, [REPLIES, before]);
  const last = page.locator(REPLIES).last();
  const kind = await last.getAttribute('data-testid');
  return { kind, last, text: (await last.innerText()).trim() };
}

async function askForAnswer(page, question, leadMust) {
  const r = await ask(page, question);
  if (r.kind !== 'answer') fail(`"${question}" got a system message instead of an answer: ${r.text}`, await seenOnPage(page));
  const lead = (await r.last.getByTestId('lead').innerText()).trim();
  if (!lead.includes(leadMust)) fail(`the answer's lead to "${question}" does not contain ${leadMust}; lead was: ${lead}`, await seenOnPage(page));
  if (/原文[::]/.test(lead)) fail(`the lead shows the 原文 line, which belongs behind the citation chip: ${lead}`, await seenOnPage(page));
  return r.last;
}

// audit runs axe-core (npm axe-core, evaluated in the page or frame) and
// fails on any violation, naming each rule and where it failed.
async function audit(target, where) {
  await target.evaluate(AXE);
  const found = await target.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
  if (found.length > 0) fail(`axe-core found ${found.length} violation(s) ${where}:\n#   ${found.join('\n#   ')}`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN' });
    context.on('request', (req) => {
      const u = new URL(req.url());
      if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return;
      if (u.host !== base.host) foreignRequests.push(`${req.method()} ${req.url()}`);
      else if (u.pathname === '/x') xssFetches.push(req.url());
    });
    page = await context.newPage();
    watch(page);

    await step('open / at 375x800 with a labelled input', async () => {
      const res = await page.goto(at('/'), { waitUntil: 'load', timeout: TIMEOUT });
      if (!res || !res.ok()) fail(`GET / answered ${res ? res.status() : 'nothing'}`);
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== 'zh-CN') fail(`<html lang> is "${lang}", want zh-CN`);
      const input = page.getByLabel(LABEL);
      await input.waitFor({ state: 'visible', timeout: TIMEOUT });
      if ((await input.getAttribute('data-testid')) !== 'question') fail(`the input labelled ${LABEL} is not data-testid=question`);
      const send = page.getByRole('button', { name: '发送' });
      if ((await send.getAttribute('data-testid')) !== 'send') fail('the 发送 button is not data-testid=send');
      if ((await page.locator('[data-testid=log][aria-live=polite]').count()) !== 1) fail('the chat log is not aria-live="polite"');
    });

    await step('the header names the report(s) from /api/info', async () => {
      const info = await page.evaluate(async () => (await fetch('/api/info')).json());
      const titles = (info.reports || []).map((r) => r.title).filter(Boolean);
      if (titles.length > 0) {
        await waitFor(page, `the header to show ${titles[0]}`, (t) => (document.querySelector('[data-testid=reports]') || {}).textContent?.includes(t), titles[0]);
      }
      if ((info.suggestions || []).length > 0) {
        await page.getByTestId('suggestion').first().waitFor({ state: 'visible', timeout: TIMEOUT });
      }
    });

    await step('ask 行政复议收到多少件申请? → lead has 84件 and a 一(六) citation chip', async () => {
      const answer = await askForAnswer(page, '行政复议收到多少件申请?', '84件');
      const chip = answer.getByTestId('cite').filter({ hasText: '一(六)' }).first();
      try {
        await chip.waitFor({ state: 'visible', timeout: TIMEOUT });
      } catch (_) {
        fail('no visible citation chip containing 一(六) under the answer', await seenOnPage(page));
      }
      if ((await chip.getAttribute('aria-expanded')) !== 'false') fail('the citation chip should start collapsed (aria-expanded=false)');
      if (await answer.getByTestId('quote').first().isVisible()) fail('the quote is visible before the citation chip was clicked');
      if (await page.getByTestId('suggestions').isVisible()) fail('the suggestions are still shown after the first question');
    });

    await step('follow-up 那受理了几件? → lead has 68件', async () => {
      await askForAnswer(page, '那受理了几件?', '68件');
    });

    await step('the citation chip expands to the quote; 查看全文 shows the section', async () => {
      const answer = page.getByTestId('answer').last();
      const chip = answer.getByTestId('cite').first();
      await chip.click();
      if ((await chip.getAttribute('aria-expanded')) !== 'true') fail('the citation chip is not aria-expanded=true after a click');
      const quote = answer.getByTestId('quote').first();
      try {
        await quote.waitFor({ state: 'visible', timeout: TIMEOUT });
      } catch (_) {
        fail('the quote did not become visible after clicking the citation chip', await seenOnPage(page));
      }
      const q = await quote.innerText();
      if (!q.includes('68件') && !q.includes('受理')) fail(`the quote has neither 68件 nor 受理: ${q}`);
      await answer.getByRole('button', { name: '查看全文' }).first().click();
      const text = answer.getByTestId('section-text').first();
      try {
        await text.waitFor({ state: 'visible', timeout: TIMEOUT });
      } catch (_) {
        fail('the section text did not appear after clicking 查看全文', await seenOnPage(page));
      }
      const t = await text.innerText();
      if (!t.includes('行政复议')) fail(`the section text does not contain 行政复议: ${t.slice(0, 300)}`);
    });

    await step('axe-core finds no violation with an answer and its citation open', async () => {
      await audit(page, 'on the page');
    });

    await step('the feedback buttons are SVG icons with words for screen readers, not emoji', async () => {
      const answer = page.getByTestId('answer').last();
      for (const [id, words] of [['fb-up', '有帮助'], ['fb-down', '没帮助']]) {
        const b = answer.getByTestId(id);
        if ((await b.count()) === 0) return; // no ref, no feedback buttons
        if ((await b.locator('svg').count()) !== 1) fail(`the ${id} button has no SVG icon`);
        const text = (await b.innerText()).trim();
        if (/\p{Extended_Pictographic}/u.test(text)) fail(`the ${id} button still shows an emoji: ${text}`);
        if ((await b.evaluate((n) => n.textContent.trim())) !== words) fail(`the ${id} button is not named ${words} for screen readers`);
      }
    });

    await step('feedback buttons answer and mark the pressed one', async () => {
      const answer = page.getByTestId('answer').last();
      const up = answer.getByTestId('fb-up');
      if ((await up.count()) === 0) {
        console.log('#   (the answer has no ref, so no feedback buttons: skipped)');
        return;
      }
      await up.click();
      await waitFor(page, 'the feedback message', () => {
        const a = [...document.querySelectorAll('[data-testid=answer]')].pop();
        const n = a && a.querySelector('[data-testid=fb-note]');
        return Boolean(n && n.textContent.trim());
      });
      const note = (await answer.getByTestId('fb-note').innerText()).trim();
      const pressed = await up.getAttribute('aria-pressed');
      if (pressed !== 'true' && !/撤回|取消|withdrawn/.test(note)) fail(`👍 is aria-pressed=${pressed} after a click; message: ${note}`);
    });

    await step('a question the report does not answer offers nearby questions it does; one pressed is answered', async () => {
      const r = await ask(page, '复议的案子多不多');
      const chip = r.last.getByTestId('nearby').first();
      try {
        await chip.waitFor({ state: 'visible', timeout: TIMEOUT });
      } catch (_) {
        fail('no nearby question offered under an answer that found nothing', await seenOnPage(page));
      }
      const offered = (await chip.innerText()).trim();
      const before = await page.getByTestId('answer').count();
      await chip.click();
      await waitFor(page, `an answer to the nearby question "${offered}"`, (n) => document.querySelectorAll('[data-testid=answer]').length > n, before);
      const lead = (await page.getByTestId('answer').last().getByTestId('lead').innerText()).trim();
      if (!/\d/.test(lead)) fail(`the nearby question "${offered}" was answered without a figure: ${lead}`, await seenOnPage(page));
    });

    await step('markup in a question is shown as text, never run', async () => {
      const question = `${XSS}这是什么?`;
      await ask(page, question);
      const echoed = await page.getByTestId('user-msg').last().evaluate((n) => n.textContent);
      if (!echoed.includes(XSS)) fail(`the echoed question does not contain the literal ${XSS}: ${echoed}`, await seenOnPage(page));
      const imgs = await page.locator('[data-testid=log] img').count();
      if (imgs !== 0) fail(`${imgs} <img> element(s) inside the chat log`, await seenOnPage(page));
      if (dialogs.length) fail(`a dialog fired: ${dialogs.join('; ')}`);
      if (xssFetches.length) fail(`the page fetched the injected image: ${xssFetches.join(', ')}`);
    });

    await step('nothing scrolls sideways at 375px', async () => {
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      if (m.sw > m.iw) {
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((n) => n.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5)
            .map((n) => `<${n.tagName.toLowerCase()} class="${n.className}"> right=${Math.round(n.getBoundingClientRect().right)}`),
        );
        fail(`document.documentElement.scrollWidth ${m.sw} > innerWidth ${m.iw}`, wide.join('\n  '));
      }
    });

    await step(`full-page screenshot saved to ${shotPath}`, async () => {
      // The composer is sticky to the viewport's bottom: grow the viewport to
      // the whole page first so the capture shows the page as laid out.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 375, height: Math.max(800, Math.min(height, 16000)) });
      await page.screenshot({ path: shotPath, fullPage: true });
      await page.setViewportSize({ width: 375, height: 800 });
    });

    await step('widget.js opens the chat in an iframe and closes with Escape', async () => {
      // A host page that loads widget.js. It is served by the test itself
      // (page.route, no network) at the server's own origin: the server lets
      // only its configured origins (REPORTBOT_WEB_ORIGINS) frame the chat,
      // and its own origin always.
      const host = await context.newPage();
      watch(host);
      const hostURL = at('/__e2e_widget_host.html');
      await host.route(hostURL, (route) =>
        route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: `<!doctype html><html lang="en"><head><title>host</title></head><body><main><h1>A host site</h1><p>Some text.</p></main><script src="${at('/widget.js')}" defer></script></body></html>`,
        }),
      );
      await host.goto(hostURL, { waitUntil: 'load', timeout: TIMEOUT });
      const open = host.getByRole('button', { name: '智能问答' });
      await open.waitFor({ state: 'visible', timeout: TIMEOUT });
      await open.focus();
      await host.keyboard.press('Enter');
      const frameEl = host.locator('iframe[title="智能问答"]');
      await frameEl.waitFor({ state: 'visible', timeout: TIMEOUT });
      const src = await frameEl.getAttribute('src');
      if (src !== `${origin}/?embed=1`) fail(`the widget iframe src is ${src}, want ${origin}/?embed=1`);
      const inner = host.frameLocator('iframe[title="智能问答"]');
      try {
        await inner.getByLabel(LABEL).waitFor({ state: 'visible', timeout: TIMEOUT });
      } catch (_) {
        fail('the chat did not show inside the widget iframe (was it refused by frame-ancestors?)');
      }
      const frame = await (await frameEl.elementHandle()).contentFrame();
      await waitFor(frame, 'html.embed in the iframe', () => document.documentElement.classList.contains('embed'));
      if (await inner.locator('.site-header').isVisible()) fail('the page header is shown inside the widget (?embed=1)');
      await audit(frame, 'in the open widget');
      await audit(host, 'on the host page with the widget open');
      await host.keyboard.press('Escape');
      await frameEl.waitFor({ state: 'hidden', timeout: TIMEOUT });
      await open.waitFor({ state: 'visible', timeout: TIMEOUT });
      // Escape pressed inside the iframe closes the box too.
      await open.click();
      await inner.getByLabel(LABEL).focus();
      await inner.getByLabel(LABEL).press('Escape');
      try {
        await frameEl.waitFor({ state: 'hidden', timeout: TIMEOUT });
      } catch (_) {
        fail('Escape pressed inside the widget iframe did not close the box');
      }
      await host.close();
    });

    await step('no console errors, page errors or requests to other hosts', async () => {
      const problems = [
        ...consoleErrors.map((e) => `console error: ${e}`),
        ...pageErrors.map((e) => `page error: ${e}`),
        ...foreignRequests.map((r) => `request to another host: ${r}`),
        ...dialogs.map((d) => `dialog: ${d}`),
      ];
      if (problems.length) fail(`${problems.length} problem(s)`, problems.join('\n  '));
    });
  } finally {
    await browser.close().catch(() => {});
  }
}

try {
  await main();
  console.log(`${passed} passed, 0 failed`);
  process.exit(0);
} catch (err) {
  if (err instanceof Failure) {
    console.error(`FAIL: ${err.message}`);
    if (err.seen) console.error(`seen:\n  ${err.seen}`);
  } else {
    console.error(`FAIL: ${err && err.stack ? err.stack : err}`);
  }
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
}
