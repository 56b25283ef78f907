// Journey 2 end to end in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// a simulated call through flows/voice-login.json keys the user id and PIN, the action link is
// taken from the SMS outbox, opened, confirmed, the "Add a member" form is filled and the member
// is added; the link then refuses a second use. A screenshot of every page goes to the artifacts
// folder ($CALLGATE_ARTIFACTS_DIR, default build/test-artifacts/browser).
//
// Run: node --test tests/browser/link_journey.test.mjs (after scripts/install-deps.sh and a build),
// or `ctest -R e2e.link_journey` from the build folder.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ARTIFACTS_DIR, BIN, SOURCE_DIR, Server, Workspace, csrfField, formBody, http, interactiveCall,
  prepareArtifactsDir,
} from './callgate.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const STEP_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 15_000;

const PHONE = '+14155550100';
const USER_ID = '12345678';
const PIN = '4321';
const FLOW = join(SOURCE_DIR, 'flows', 'voice-login.json');
const MEMBER = { name: 'William King', relationship: 'spouse', dateOfBirth: '1985-05-21' };
const LINK_RE = /(https?:\/\/[^\s/]+)\/l\/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/;

let playwright;
try {
  playwright = await import('playwright-core');
} catch (e) {
  throw new Error(`playwright-core is not installed in tests/browser/node_modules ` +
                  `(run scripts/install-deps.sh): ${e.message}`);
}

// Shared by the steps, which run in order; a step whose input is missing says which one failed.
const s = { ws: null, server: null, browser: null, page: null, link: null, code: null, csrf: null,
            token: null, requests: [], pageErrors: [], cspViolations: [], shots: 0 };

function need(key, step) {
  assert.ok(s[key], `no ${key}: the step "${step}" failed earlier`);
  return s[key];
}

async function shot(name) {
  const file = join(ARTIFACTS_DIR, `${String(++s.shots).padStart(2, '0')}-${name}.png`);
  await s.page.screenshot({ path: file, fullPage: true });
  return file;
}

// Headers every /l/ response must carry (the link rules of DESIGN §4).
function assertLinkHeaders(get, what) {
  assert.equal(get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  assert.match(get('cache-control') ?? '', /(^|[\s,])no-store($|[\s,])/i, `${what}: Cache-Control`);
  assert.ok(get('content-security-policy'), `${what}: no Content-Security-Policy header`);
}
const fromFetch = (h) => (name) => h.get(name) ?? undefined;
const fromPlaywright = (h) => (name) => h[name];

describe('voice login → SMS link → add a member, in Chromium', { timeout: 240_000 }, () => {
  before(async () => {
    assert.ok(existsSync(BIN), `callgate binary not found at ${BIN} (set CALLGATE_BIN)`);
    assert.ok(existsSync(FLOW), `flow not found: ${FLOW}`);
    prepareArtifactsDir();
    s.ws = new Workspace();
    s.server = await Server.start(s.ws);
    s.browser = await playwright.chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    const context = await s.browser.newContext({
      viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    s.page = await context.newPage();
    s.page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    s.page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    s.page.on('request', (r) => s.requests.push(r));
    s.page.on('pageerror', (e) => s.pageErrors.push(String(e)));
    s.page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) s.cspViolations.push(m.text()); });
  }, { timeout: STEP_TIMEOUT_MS });

  after(async () => {
    // Keep what explains a failure next to the screenshots; then tear everything down.
    if (s.page && !s.page.isClosed()) await s.page.screenshot({ path: join(ARTIFACTS_DIR, 'last-page.png'), fullPage: true }).catch(() => {});
    await s.browser?.close().catch(() => {});
    if (s.server) {
      await s.server.stop();
      writeFileSync(join(ARTIFACTS_DIR, 'serve.log'), s.server.log);
    }
    s.ws?.cleanup();
  }, { timeout: STEP_TIMEOUT_MS });

  it('adds the demo customer with a user id and PIN', { timeout: STEP_TIMEOUT_MS }, async () => {
    await s.ws.addCustomer({ phone: PHONE, firstName: 'Ada', lastName: 'Lovelace', userId: USER_ID, pin: PIN });
    s.customer = true;
  });

  it('runs flows/voice-login.json in the simulator and texts a link to the number on file', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('customer', 'adds the demo customer');
    let inputs = 0;
    const call = await interactiveCall(s.ws, ['--from', PHONE, '--flow', FLOW], (events) => {
      inputs += 1;
      const end = events.at(-1).terminator ?? '';  // "#" ends an entry when the flow says so
      if (inputs === 1) return USER_ID + end;
      if (inputs === 2) return PIN + end;
      throw new Error(`the flow asked for input a third time (user id and PIN were accepted?): ` +
                      events.slice(-4).map((e) => JSON.stringify(e)).join(' '));
    });
    writeFileSync(join(ARTIFACTS_DIR, 'call.jsonl'), call.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const transcript = call.events.map((e) => JSON.stringify(e)).join('\n');
    assert.equal(call.code, 0, `callgate call exited ${call.code}; stderr: ${call.stderr}\n${transcript}`);
    const results = call.events.filter((e) => e.type === 'function').map((e) => e.result ?? {});
    assert.ok(results.some((r) => r.authResult === 'Authenticated'), `verify-pin did not authenticate:\n${transcript}`);
    const sentAt = call.events.findIndex((e) => e.type === 'function' && e.result?.linkResult === 'Sent');
    assert.ok(sentAt >= 0, `issue-action-link did not answer linkResult Sent:\n${transcript}`);
    assert.ok(call.events.slice(sentAt).some((e) => e.type === 'prompt' && /text|sms|message/i.test(e.text ?? '')),
              `no prompt after the link says a text is on its way:\n${transcript}`);
    const end = call.events.at(-1);
    assert.ok(end && ['transfer', 'hangup'].includes(end.type), `the call did not end with a transfer or hang-up:\n${transcript}`);

    const messages = s.ws.outboxMessages();
    assert.equal(messages.length, 1, `expected exactly one SMS, got ${JSON.stringify(messages)}`);
    assert.equal(messages[0].to, PHONE, 'the link must go to the number on file');
    const m = LINK_RE.exec(messages[0].body);
    assert.ok(m, `no /l/<22-char code> link in the SMS body ${JSON.stringify(messages[0].body)}`);
    assert.equal(m[1], s.ws.baseUrl, 'the link must start with the configured public base URL');
    assert.doesNotMatch(messages[0].body, /eyJ[A-Za-z0-9_-]+\./, 'the SMS must never carry a JWT');
    s.link = m[0];
    s.code = m[2];
  });

  it('GET shows the confirm page and changes nothing (twice)', { timeout: STEP_TIMEOUT_MS }, async () => {
    const link = need('link', 'runs flows/voice-login.json');
    for (const round of [1, 2]) {
      const r = await http(link);
      assert.equal(r.status, 200, `GET #${round}: status`);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/i, `GET #${round}: Content-Type`);
      assertLinkHeaders(fromFetch(r.headers), `GET #${round}`);
      assert.match(r.text, /<form\b[^>]*\bid=["']?confirm-form\b/i, `GET #${round}: no form#confirm-form`);
      assert.match(r.text, /\bid=["']?confirm\b/i, `GET #${round}: no #confirm button`);
      assert.match(r.text, /add a member/i, `GET #${round}: the page must say what the link allows`);
      assert.match(r.text, /until|expires/i, `GET #${round}: the page must say until when the link works`);
      const csrf = csrfField(r.text);
      assert.ok(csrf, `GET #${round}: no csrf field in the confirm form`);
      s.csrf = csrf;
    }
  });

  it('refuses a forged POST without (or with a wrong) csrf field and does not burn the link', { timeout: STEP_TIMEOUT_MS }, async () => {
    const link = need('link', 'runs flows/voice-login.json');
    for (const [what, fields] of [['no csrf', {}], ['wrong csrf', { csrf: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]]) {
      const r = await http(link, { method: 'POST', ...formBody(fields) });
      assert.ok(r.status >= 400 && r.status < 500 && r.status !== 404 && r.status !== 410,
                `POST with ${what}: expected a 4xx refusal (not 404/410), got ${r.status}`);
      assert.doesNotMatch(r.text, /member-form|data-token/i, `POST with ${what} must not show the member form`);
    }
    const again = await http(link);
    assert.equal(again.status, 200, 'after the forged POSTs the link must still be valid');
    assert.match(again.text, /confirm-form/i);
  });

  it('opens the link in Chromium and confirms', { timeout: STEP_TIMEOUT_MS }, async () => {
    const link = need('link', 'runs flows/voice-login.json');
    const page = s.page;
    const res = await page.goto(link);
    assert.equal(res.status(), 200, 'confirm page status');
    assertLinkHeaders(fromPlaywright(await res.allHeaders()), 'confirm page (browser)');
    assert.ok(await page.locator('meta[name="viewport"]').count(), 'the page must be mobile-friendly (meta viewport)');
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await shot('confirm');

    const [post] = await Promise.all([
      page.waitForResponse((r) => r.url() === link && r.request().method() === 'POST'),
      page.locator('#confirm').click(),
    ]);
    assert.equal(post.status(), 200, 'POST (confirm) status');
    assertLinkHeaders(fromPlaywright(await post.allHeaders()), 'member form page');
    const sent = await post.request().allHeaders();
    assert.equal(sent.referer, undefined, 'no Referer may leave the link page (Referrer-Policy no-referrer)');

    const form = page.locator('form#member-form');
    await form.waitFor({ state: 'visible' });
    assert.equal(await form.getAttribute('data-account'), USER_ID, 'data-account');
    const token = await form.getAttribute('data-token');
    assert.match(token ?? '', /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'data-token must be a JWT');
    assert.ok(!page.url().includes(token), 'the token must not be in the URL');
    s.token = token;
    await shot('member-form');
  });

  it('fills the member form and sees the member added', { timeout: STEP_TIMEOUT_MS }, async () => {
    const token = need('token', 'opens the link in Chromium and confirms');
    const page = s.page;
    await page.locator('input[name="name"]').fill(MEMBER.name);
    await page.locator('select[name="relationship"]').selectOption(MEMBER.relationship);
    assert.equal(await page.locator('input[name="dateOfBirth"]').getAttribute('type'), 'date');
    await page.locator('input[name="dateOfBirth"]').fill(MEMBER.dateOfBirth);
    assert.equal(await page.locator('input[name="phone"]').count(), 1, 'the form has an optional phone field');
    await shot('member-form-filled');

    const apiPath = `/v1/accounts/${USER_ID}/members`;
    const [api] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === apiPath && r.request().method() === 'POST'),
      page.locator('#add-member').click(),
    ]);
    const sent = await api.request().allHeaders();
    assert.equal(sent.authorization, `Bearer ${token}`, 'the page must send the token as a Bearer token');
    assert.equal(sent.referer, undefined, 'no Referer on the API call');
    assert.equal(api.status(), 201, `member API status; body: ${await api.text().catch(() => '')}`);
    const created = await api.json();
    assert.equal(created.name, MEMBER.name);
    assert.equal(created.relationship, MEMBER.relationship);
    assert.equal(created.dateOfBirth, MEMBER.dateOfBirth);
    assert.ok(created.id !== undefined, 'the created member has an id');

    await page.waitForFunction(() => /was added/.test(document.querySelector('#result')?.textContent ?? ''));
    assert.match(await page.locator('#result').textContent(), new RegExp(`${MEMBER.name} was added to your account`));
    await shot('member-added');
    s.added = true;
  });

  it('refuses the same token a second time (single use)', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('added', 'fills the member form');
    const r = await http(`${s.ws.baseUrl}/v1/accounts/${USER_ID}/members`, {
      method: 'POST', headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...MEMBER, name: 'Someone Else' }) });
    assert.equal(r.status, 401, `reused token: status (body ${r.text})`);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer\b.*error="invalid_token"/, 'WWW-Authenticate');
  });

  it('refuses the used link with a clear page (410)', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('added', 'fills the member form');
    const res = await s.page.goto(s.link);
    assert.equal(res.status(), 410, 'used link status');
    assertLinkHeaders(fromPlaywright(await res.allHeaders()), 'used-link page');
    await s.page.locator('#link-error').waitFor();
    assert.match(await s.page.locator('#link-error').textContent(), /already been used/);
    await shot('link-used');
    const post = await http(s.link, { method: 'POST', ...formBody({ csrf: s.csrf }) });
    assert.equal(post.status, 410, 'a second POST with the right csrf must be refused as used');
  });

  it('refuses an unknown link (404)', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('server', 'before');
    const res = await s.page.goto(`${s.ws.baseUrl}/l/AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(res.status(), 404, 'unknown link status');
    assertLinkHeaders(fromPlaywright(await res.allHeaders()), 'unknown-link page');
    assert.match(await s.page.locator('#link-error').textContent(), /not valid/);
    await shot('link-unknown');
  });

  it('loaded nothing from elsewhere, ran without errors, and logged no secrets', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('added', 'fills the member form');
    const foreign = s.requests.map((r) => r.url()).filter((u) => !u.startsWith(s.ws.baseUrl + '/'));
    assert.deepEqual(foreign, [], 'every request must go to callgate itself');
    assert.deepEqual(s.pageErrors, [], 'uncaught script errors');
    assert.deepEqual(s.cspViolations, [], 'Content-Security-Policy violations (inline script or style?)');
    const audit = s.ws.readText('audit.jsonl');
    assert.match(audit, /"member_added"/, 'audit event member_added');
    for (const [what, text] of [['serve log', s.server.log], ['audit log', audit]]) {
      assert.ok(!text.includes(s.code), `${what} contains the link code`);
      assert.ok(!text.includes(s.token), `${what} contains the access token`);
      assert.ok(!text.includes(MEMBER.dateOfBirth), `${what} contains the member's date of birth`);
    }
    assert.ok(!audit.includes(MEMBER.name), 'the audit log must not contain the member name');
  });
});
