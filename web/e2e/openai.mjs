// Third-party client test of reportbot's OpenAI-compatible API: the official
// `openai` npm package, used as any script or chat front end would, against
// a running `reportbot serve`.
//
//   npm ci --prefix web/e2e
//   E2E_KEY=... E2E_LIMITED_KEY=... E2E_API_RATE=10 node web/e2e/openai.mjs http://127.0.0.1:8080/v1
//
// E2E_KEY and E2E_LIMITED_KEY are two sites' keys (REPORTBOT_API_KEYS), each
// with E2E_API_RATE requests a minute (REPORTBOT_API_RATE, 8 or more): the
// first is used for 8 requests, the second spent to its limit to see a 429.
// Exits 0 when every check passes; otherwise prints the first failure and
// exits 1.
import OpenAI from 'openai';
import { VERSION } from 'openai/version';

const [baseURL] = process.argv.slice(2);
const { E2E_KEY: key, E2E_LIMITED_KEY: limitedKey } = process.env;
const rate = Number(process.env.E2E_API_RATE);
if (!baseURL || !key || !limitedKey || !(rate > 0)) {
  console.error('usage: E2E_KEY=… E2E_LIMITED_KEY=… E2E_API_RATE=N node openai.mjs <baseURL ending in /v1>');
  process.exit(2);
}

const QUESTION = '行政复议收到多少件申请?';
let passed = 0;

class Failure extends Error {}

function check(ok, message, seen) {
  if (!ok) {
    const e = new Failure(message);
    e.seen = seen;
    throw e;
  }
  passed++;
}

const firstLine = (s) => (s ?? '').split('\n')[0];
// No retries: a 429 is what is tested, not waited out.
const client = (apiKey) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 30000 });
const api = client(key);

// expectError runs f, which must fail with an APIError of status and code,
// its body in OpenAI's error shape; it returns the error.
async function expectError(what, f, status, code) {
  try {
    await f();
  } catch (e) {
    check(e instanceof OpenAI.APIError, `${what}: not an APIError`, String(e));
    check(e.status === status, `${what}: status ${e.status}, want ${status}`, e.error);
    if (code) check(e.code === code, `${what}: code ${e.code}, want ${code}`, e.error);
    for (const f of ['message', 'type', 'param', 'code']) {
      check(e.error && f in e.error, `${what}: the error has no ${f}`, e.error);
    }
    check(typeof e.error.message === 'string' && e.error.message !== '', `${what}: no message`, e.error);
    return e;
  }
  throw new Failure(`${what}: no error`);
}

async function main() {
  // The models: reportbot for every report, and the loaded report's own.
  const models = [];
  for await (const m of api.models.list()) models.push(m);
  const ids = models.map((m) => m.id);
  check(ids[0] === 'reportbot' && ids.includes('fenyixian-2023'), 'models', ids);
  check(models.every((m) => m.object === 'model' && typeof m.created === 'number' && m.owned_by), 'model objects', models);

  // A plain answer: the figure asked for first, and the extra fields.
  const plain = await api.chat.completions.create({ model: 'reportbot', messages: [{ role: 'user', content: QUESTION }] });
  const content = plain.choices[0].message.content;
  check(firstLine(content).includes('84件'), 'plain answer', content);
  check(plain.id.startsWith('chatcmpl-') && plain.object === 'chat.completion' && plain.model === 'reportbot', 'plain reply', plain);
  check(plain.choices[0].finish_reason === 'stop' && plain.choices[0].message.role === 'assistant', 'plain choice', plain.choices[0]);
  const cites = plain.choices[0].citations;
  check(Array.isArray(cites) && cites[0]?.section === '一(六)1' && cites[0].quote.includes('收到84件') && cites[0].report, 'citations', cites);
  check(plain.choices[0].verified === true, 'verified', plain.choices[0]);

  // Streamed: the deltas make the plain content; the last chunk carries
  // the citations; the headers keep proxies from holding it back.
  const { data: stream, response } = await api.chat.completions
    .create({ model: 'reportbot', stream: true, messages: [{ role: 'user', content: QUESTION }] })
    .withResponse();
  check(response.headers.get('content-type') === 'text/event-stream', 'stream content type', response.headers.get('content-type'));
  check(response.headers.get('x-accel-buffering') === 'no' && response.headers.get('cache-control') === 'no-cache', 'stream headers',
    Object.fromEntries(response.headers));
  let text = '';
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  check(text === content, 'streamed text is the plain one', { text, content });
  check(chunks[0].choices[0].delta.role === 'assistant', 'first chunk', chunks[0]);
  const last = chunks[chunks.length - 1].choices[0];
  check(last.finish_reason === 'stop' && last.citations?.[0]?.section === '一(六)1' && last.verified === true, 'last chunk', last);
  check(chunks.every((c) => c.object === 'chat.completion.chunk'), 'chunk objects', chunks);
  // The raw stream ends in [DONE].
  const raw = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'reportbot', stream: true, messages: [{ role: 'user', content: QUESTION }] }),
  });
  const events = (await raw.text()).trim().split('\n\n');
  check(events[events.length - 1] === 'data: [DONE]', 'the stream ends in [DONE]', events.slice(-2));

  // A follow-up, with the earlier question and answer, the question in
  // content parts.
  const follow = await api.chat.completions.create({
    model: 'fenyixian-2023',
    messages: [
      { role: 'system', content: '你是政务助手。' },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content },
      { role: 'user', content: [{ type: 'text', text: '那受理了几件?' }] },
    ],
  });
  check(firstLine(follow.choices[0].message.content).includes('68件') && follow.model === 'fenyixian-2023', 'follow-up', follow.choices[0]);

  // Refusals, in OpenAI's shape, as the client's own errors.
  await expectError('a bad key', () => client('sk-not-a-key-of-this-server-0000').chat.completions.create({
    model: 'reportbot', messages: [{ role: 'user', content: QUESTION }] }), 401, 'invalid_api_key');
  const e400 = await expectError('the last message not the user\'s', () => api.chat.completions.create({
    model: 'reportbot', messages: [{ role: 'user', content: QUESTION }, { role: 'assistant', content: '收到84件。' }] }), 400);
  check(e400 instanceof OpenAI.BadRequestError && e400.type === 'invalid_request_error', 'a 400 is a BadRequestError', e400.error);
  await expectError('no messages', () => api.chat.completions.create({ model: 'reportbot', messages: [] }), 400);
  await expectError('an unknown model', () => api.chat.completions.create({
    model: 'gpt-4o', messages: [{ role: 'user', content: QUESTION }] }), 404, 'model_not_found');

  // Another site's key, spent to its limit: then 429 with when to retry.
  const limited = client(limitedKey);
  for (let i = 0; i < rate; i++) {
    await limited.chat.completions.create({ model: 'reportbot', messages: [{ role: 'user', content: QUESTION }] });
  }
  const e429 = await expectError('over the limit', () => limited.chat.completions.create({
    model: 'reportbot', messages: [{ role: 'user', content: QUESTION }] }), 429, 'rate_limit_exceeded');
  check(e429 instanceof OpenAI.RateLimitError && Number(e429.headers.get('retry-after')) >= 1, 'Retry-After', e429.headers.get('retry-after'));
  // The first site is not limited by the second's requests.
  await api.chat.completions.create({ model: 'reportbot', messages: [{ role: 'user', content: QUESTION }] });
}

try {
  await main();
  console.log(`openai ${VERSION}: ${passed} checks passed`);
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  if (e.seen !== undefined) console.error(JSON.stringify(e.seen, null, 2));
  if (!(e instanceof Failure)) console.error(e.stack);
  process.exit(1);
}
