// The staff console in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// sign-in with password + TOTP (the code computed here with node:crypto, independently of the
// server's liboath), every console page checked by axe-core for serious or critical accessibility
// violations, keyboard use, the strict CSP holding (no violation reported by the browser), and
// screenshots of every page (desktop and phone) in $CALLGATE_ARTIFACTS_DIR (ctest: build/test-artifacts/console).
//
// Run: node --test tests/browser/console.test.mjs, or `ctest -R e2e.console`.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ARTIFACTS_DIR, BIN, Server, Workspace } from './callgate.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const STEP_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 15_000;
const PASSWORD = 'correct horse battery staple';
const SHOTS = ARTIFACTS_DIR;

const require = createRequire(import.meta.url);
let playwright, axeSource;
try {
  playwright = await import('playwright-core');
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  throw new Error(`playwright-core or axe-core is not installed in tests/browser/node_modules ` +
                  `(run scripts/install-deps.sh): ${e.message}`);
}

// RFC 6238: HMAC-SHA-1 over the 30-second counter, 6 digits.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '')) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
const usedSteps = new Map();
function totp(secret) {
  // A step not used yet for this secret (the server accepts one either side of now).
  const step = Math.max(Math.floor(Date.now() / 30000), (usedSteps.get(secret) ?? -1) + 1);
  usedSteps.set(secret, step);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

const s = { ws: null, server: null, browser: null, desk: null, phone: null, secrets: {},
            cspViolations: [], pageErrors: [], shots: 0 };

async function addStaff(username, role) {
  const r = await s.ws.run(['staff', 'add', '--config', s.ws.config, username, '--role', role,
                            '--password-stdin'], { input: PASSWORD + '\n' });
  assert.equal(r.code, 0, `staff add ${username}: ${r.stderr}`);
  const m = /^TOTP secret: ([A-Z2-7]+)$/m.exec(r.stdout);
  assert.ok(m, `no TOTP secret in ${JSON.stringify(r.stdout)}`);
  s.secrets[username] = m[1];
}

async function newPage(options) {
  const context = await s.browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  page.on('pageerror', (e) => s.pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) s.cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${String(++s.shots).padStart(2, '0')}-${name}.png`),
                          fullPage: true });
}

// axe-core in the page (page.evaluate runs outside the page's CSP): serious or critical
// violations fail, with what and where.
async function assertAccessible(page, what) {
  const result = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, axeSource);
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: axe-core found ${JSON.stringify(bad, null, 1)}`);
}

async function signIn(page, username, next = '/console/account') {
  await page.goto(`${s.ws.baseUrl}/console/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Code from your authenticator app').fill(totp(s.secrets[username]));
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/console/login')),
                     page.getByRole('button', { name: 'Sign in' }).click()]);
}

describe('the staff console, in Chromium', { timeout: 240_000 }, () => {
  before(async () => {
    assert.ok(existsSync(BIN), `callgate binary not found at ${BIN} (set CALLGATE_BIN)`);
    mkdirSync(SHOTS, { recursive: true });
    s.ws = new Workspace();
    s.server = await Server.start(s.ws);
    await addStaff('ann', 'admin');
    await addStaff('al', 'agent');
    s.browser = await playwright.chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    s.desk = await newPage({ viewport: { width: 1280, height: 800 } });
    s.phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  }, { timeout: STEP_TIMEOUT_MS });

  after(async () => {
    await s.browser?.close().catch(() => {});
    if (s.server) {
      await s.server.stop();
      writeFileSync(join(SHOTS, 'serve.log'), s.server.log);
    }
    s.ws?.cleanup();
  }, { timeout: STEP_TIMEOUT_MS });

  it('shows an accessible sign-in page, keyboard first', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.desk;
    await page.goto(`${s.ws.baseUrl}/console/account`);
    assert.match(new URL(page.url()).pathname, /^\/console\/login$/, 'no session: sent to sign in');
    await assertAccessible(page, 'sign-in page');
    // The username field has focus; Tab walks the form in order.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'username');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'code');
    await shot(page, 'sign-in-desk');
    await s.phone.goto(`${s.ws.baseUrl}/console/login`);
    await shot(s.phone, 'sign-in-phone');
  });

  it('refuses a wrong code and says so without saying which part was wrong', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.desk;
    await page.getByLabel('Username').fill('ann');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /username, password or code is not right/);
    assert.equal(await page.getByLabel('Username').inputValue(), 'ann');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is never sent back');
    await assertAccessible(page, 'sign-in page with an error');
    await shot(page, 'sign-in-refused');
  });

  it('signs in with password + TOTP and comes back to the page asked for', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.desk;
    await signIn(page, 'ann');
    assert.equal(new URL(page.url()).pathname, '/console/account');
    assert.match(await page.locator('main').innerText(), /Signed in as ann, admin/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name.includes('callgate_console'));
    assert.ok(session, 'no session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the session is out of script\'s reach');
    await assertAccessible(page, 'account page');
    await shot(page, 'account-desk');
  });

  it('lets the keyboard skip to the content', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.desk;
    await page.goto(`${s.ws.baseUrl}/console/account`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  it('shows an agent only the agent navigation, on a phone too', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.phone;
    await signIn(page, 'al');
    const nav = await page.getByRole('navigation', { name: 'Console' }).innerText();
    assert.match(nav, /Calls for me/);
    assert.doesNotMatch(nav, /Customers|Audit log/);
    await assertAccessible(page, 'account page (agent, phone)');
    await shot(page, 'account-phone-agent');
  });

  it('signs out with the button and the session is gone', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = s.desk;
    await page.goto(`${s.ws.baseUrl}/console/account`);
    await Promise.all([page.waitForURL(/\/console\/login/),
                       page.locator('header').getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(`${s.ws.baseUrl}/console/account`);
    assert.match(new URL(page.url()).pathname, /^\/console\/login$/);
  });

  it('reported no CSP violation and no script error on any page', () => {
    assert.deepEqual(s.cspViolations, []);
    assert.deepEqual(s.pageErrors, []);
  });
});
