// The staff console in headless Chromium (Debian's /usr/bin/chromium via playwright-core), the
// acceptance of issue 14 end to end against the real binary:
//   - sign-in with password + TOTP (the code computed here with node:crypto, independently of the
//     server's liboath), keyboard first;
//   - a SIP call (SIPp playing the carrier: REFER accepted, agent answered) and a Twilio call
//     (webhooks signed here as Twilio signs them) each end in a transfer, and the agent page
//     already open in the browser shows the pop with the verdict within a second of it;
//   - customers: search by user id and by the last digits, add one, unlock a PIN locked by wrong
//     guesses, all with the keyboard; a CSV with a bad row imports nothing and names the line;
//   - the flows page's Graphviz diagram loads; an agent gets the 403 page on operator pages, no
//     session gets the sign-in;
//   - axe-core on every console page (no serious or critical violation), no CSP violation or
//     script error, and no page text holding a full caller number, a PIN or a code;
//   - screenshots of every page (desktop and phone) in $CALLGATE_ARTIFACTS_DIR (ctest:
//     build/test-artifacts/console), with serve's log, SIPp's messages and the measured timings.
//
// Run: node --test tests/browser/console.test.mjs, or `ctest -R e2e.console`.

import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import {
  ARTIFACTS_DIR, BIN, SIPP, SOURCE_DIR, Server, Workspace, http, runSipp, sippReceivedAt,
  tomlString, twilioSignature,
} from './callgate.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const STEP_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 15_000;
const PASSWORD = 'correct horse battery staple';
// ctest gives this file its own folder; run by hand, it keeps out of link_journey's.
const SHOTS = process.env.CALLGATE_ARTIFACTS_DIR ? ARTIFACTS_DIR
  : join(SOURCE_DIR, 'build', 'test-artifacts', 'console');
const DESK = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// The bound from the transfer to the pop on the agent's screen.
const POP_BOUND_MS = 1000;
const FLOW = join(SOURCE_DIR, 'flows', 'caller-id-otp.json');  // trusted caller ID, else SMS PIN
const SIPP_SCENARIO = join(dirname(fileURLToPath(import.meta.url)), 'uac_transfer.xml');
const DIALLED = '+18005550100';
const TWILIO_TOKEN = '0123456789abcdef0123456789abcdef';
const TWILIO_ACCOUNT = 'AC' + '0'.repeat(32);
// 8-digit PINs that appear nowhere else, so finding one in a page means it leaked.
// Not +14155550100: the add form's label uses that number as its example.
const ADA = { phone: '+14155550142', firstName: 'Ada', lastName: 'Lovelace', userId: '12345678', pin: '86420975' };
const GRACE = { phone: '+14155550101', firstName: 'Grace', lastName: 'Hopper', userId: '87654321', pin: '24681357' };
const KATHERINE = { phone: '+14155550177', firstName: 'Katherine', lastName: 'Johnson', userId: '55501777', pin: '97531864' };
const WRONG_PIN = '11112222';
const BAD_CSV = ['phone,first_name,last_name,level,language',
                 '+14155550301,Bea,One,Gold,en-US',
                 '+14155550302,Cy,Two,Gold,not a tag'].join('\n');
const OPERATOR_PAGES = ['/console/calls', '/console/customers', '/console/sms', '/console/audit',
                        '/console/flows', '/console/metrics'];

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
const usedCodes = [];  // every TOTP code sent: none may show up in a page
function totp(secret) {
  // A step not used yet for this secret (the server accepts one either side of now).
  const step = Math.max(Math.floor(Date.now() / 30000), (usedSteps.get(secret) ?? -1) + 1);
  usedSteps.set(secret, step);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  usedCodes.push(String(code).padStart(6, '0'));
  return usedCodes.at(-1);
}

const s = { ws: null, server: null, browser: null, desk: null, phone: null, phoneAdmin: null,
            secrets: {}, cspViolations: [], pageErrors: [], shots: 0, checked: [], smsCodes: [],
            timings: {} };

function need(key, step) {
  assert.ok(s[key], `no ${key}: the step "${step}" failed earlier`);
  return s[key];
}

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

// What no page may show: a caller's whole number (in any spacing), a PIN, an SMS code, a TOTP
// code. Numbers are looked for in the rendered text (an admin's own rejected CSV is echoed into
// its textarea, which is not page text); PINs and codes in the HTML too, hidden fields included.
function secretsNow() {
  const people = [ADA, GRACE, KATHERINE];
  return {
    numbers: [...people.map((p) => p.phone), '+14155550301', '+14155550302'],
    pinsAndCodes: [...people.map((p) => p.pin), WRONG_PIN, ...s.smsCodes, ...usedCodes],
  };
}
const digitRun = (digits) => new RegExp(`(?<!\\d)${digits}(?!\\d)`);
async function assertNoSecrets(page, what) {
  const text = await page.locator('body').innerText();
  const html = await page.content();
  const squeezed = text.replace(/[\s().\-\u00a0\u2009]/g, '');
  const { numbers, pinsAndCodes } = secretsNow();
  for (const number of numbers) {
    const national = number.slice(2);  // +1 and the rest: any full rendering holds these 10 digits
    assert.ok(!squeezed.includes(national), `${what}: the page shows the whole number ${number}`);
  }
  for (const secret of pinsAndCodes) {
    assert.doesNotMatch(text, digitRun(secret), `${what}: the page text shows a PIN or code`);
    assert.doesNotMatch(html, digitRun(secret), `${what}: the page's HTML holds a PIN or code`);
  }
}

// Every check a page state gets: axe, no secret, a screenshot.
async function checkPage(page, name) {
  await assertAccessible(page, name);
  await assertNoSecrets(page, name);
  await shot(page, name);
  s.checked.push(`${name} ${new URL(page.url()).pathname}`);
}

async function visit(page, path, { status = 200 } = {}) {
  const response = await page.goto(`${s.ws.baseUrl}${path}`);
  assert.equal(response.status(), status, `GET ${path}`);
  return response;
}

async function signIn(page, username, next = '/console/account') {
  await page.goto(`${s.ws.baseUrl}/console/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Code from your authenticator app').fill(totp(s.secrets[username]));
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/console/login')),
                     page.getByRole('button', { name: 'Sign in' }).click()]);
}

// Opens /console/agent, waits until its event stream is live and records, in the page, when
// each pop entry enters the list (Date.now(): the same wall clock SIPp and this process read).
async function openAgentPage(page) {
  await visit(page, '/console/agent');
  await page.locator('#stream-status').filter({ hasText: /^Live/ }).waitFor();
  await page.evaluate(() => {
    window.popsSeen = [];
    new MutationObserver((records) => {
      const at = Date.now();
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType === 1 && n.matches('li.pop')) window.popsSeen.push({ id: n.dataset.handoff, at, text: n.innerText });
        }
      }
    }).observe(document.getElementById('pops'), { childList: true });
  });
}

// The first pop that entered the open agent page's list with `name` as its title.
async function popFor(page, name) {
  await page.waitForFunction((n) => window.popsSeen.some((p) => p.text.split('\n')[0] === n), name,
                             { timeout: PAGE_TIMEOUT_MS });
  return page.evaluate((n) => window.popsSeen.find((p) => p.text.split('\n')[0] === n), name);
}

// The Connect Lambda event (docs/WIRE.md §2), trimmed to what the functions read.
function connectEvent(address, parameters) {
  return { Name: 'ContactFlowEvent', Details: { Parameters: parameters, ContactData: {
    Attributes: {}, Channel: 'VOICE', ContactId: randomUUID(), InitiationMethod: 'INBOUND',
    CustomerEndpoint: { Address: address, Type: 'TELEPHONE_NUMBER' },
    SystemEndpoint: { Address: DIALLED, Type: 'TELEPHONE_NUMBER' } } } };
}

async function connect(fn, address, parameters) {
  const r = await http(`${s.ws.baseUrl}/connect/v1/${fn}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(connectEvent(address, parameters)) });
  assert.equal(r.status, 200, `${fn}: ${r.text}`);
  return JSON.parse(r.text);
}

// A Twilio webhook as Twilio sends it: form-encoded, signed for the URL it is posted to. Resolves
// the TwiML and the moment the answer was read.
async function twilio(url, params) {
  const r = await http(url, { method: 'POST', body: new URLSearchParams(params).toString(),
                              headers: { 'Content-Type': 'application/x-www-form-urlencoded',
                                         'X-Twilio-Signature': twilioSignature(url, params, TWILIO_TOKEN) } });
  const at = Date.now();
  assert.equal(r.status, 200, `POST ${url}: ${r.text}`);
  return { twiml: r.text, at };
}

const xmlAttr = (value) => value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The search form on the customers page, with the keyboard: type into the field, Enter.
async function searchCustomers(page, q) {
  const field = page.getByLabel('User id or last digits of the number');
  await field.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(q);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === q), page.keyboard.press('Enter')]);
}

describe('the staff console, in Chromium', { timeout: 240_000 }, () => {
  before(async () => {
    assert.ok(existsSync(BIN), `callgate binary not found at ${BIN} (set CALLGATE_BIN)`);
    assert.ok(existsSync(SIPP), `SIPp not found at ${SIPP} (Debian package sip-tester; scripts/install-deps.sh installs it)`);
    assert.ok(existsSync(FLOW), `flow not found: ${FLOW}`);
    rmSync(SHOTS, { recursive: true, force: true });  // no stale screenshots from an older run
    mkdirSync(SHOTS, { recursive: true });
    s.ws = new Workspace();
    // SIP on 127.0.0.1 trusting itself as the proxy whose verstat says the caller ID is attested;
    // Twilio signed with a test token (its URL is the Host's: no public_base_url); both run the
    // shipped caller-ID + SMS PIN flow, which the flows page draws.
    s.server = await Server.start(s.ws, { sip: true, extraConfig: [
      '[flows]', `default = ${tomlString(FLOW)}`,
      '[twilio]', `auth_token = ${tomlString(TWILIO_TOKEN)}`,
      '[twilio.queues]', `Agents = ${tomlString('sip:agents@pbx.example.com')}`,
      '[sip]', `default_flow = ${tomlString(FLOW)}`, `default_agent = ${tomlString('sip:agent@127.0.0.1:9')}`,
      `prompts_dir = ${tomlString(s.ws.path('prompts'))}`,
      '[sip.stir]', `trusted_proxies = [${tomlString('127.0.0.1')}]`,
      '[speech]', `dictionary = ${tomlString(join(SOURCE_DIR, 'share', 'speech', 'digits.dict'))}`,
      `mllr = ${tomlString(join(SOURCE_DIR, 'share', 'speech', 'telephone.mllr'))}`,
    ] });
    for (const c of [ADA, GRACE]) await s.ws.addCustomer(c);
    await addStaff('ann', 'admin');
    await addStaff('al', 'agent');
    await addStaff('cy', 'admin');
    s.browser = await playwright.chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    s.desk = await newPage(DESK);
    s.phone = await newPage(PHONE);
  }, { timeout: STEP_TIMEOUT_MS });

  after(async () => {
    writeFileSync(join(SHOTS, 'timings.json'), JSON.stringify(s.timings, null, 1) + '\n');
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
    await assertAccessible(s.phone, 'sign-in page (phone)');
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
    await checkPage(page, 'account-desk');
    s.signedIn = true;
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
    await checkPage(page, 'account-phone-agent');
    s.agentSignedIn = true;
  });

  it('gives an agent the 403 page on every operator page, and no session the sign-in', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('agentSignedIn', 'shows an agent only the agent navigation');
    const page = s.phone;
    for (const path of OPERATOR_PAGES) {
      await visit(page, path, { status: 403 });
      assert.equal(new URL(page.url()).pathname, path, `${path}: answered in place, not redirected`);
      assert.match(await page.getByRole('alert').innerText(),
                   /This page is for supervisors and above; you are signed in as al \(agent\)/, path);
      const nav = await page.getByRole('navigation', { name: 'Console' }).innerText();
      assert.doesNotMatch(nav, /Customers|Audit log/, `${path}: the 403 page offers only what an agent may use`);
    }
    await checkPage(page, 'forbidden-phone-agent');

    const stranger = await newPage(DESK);
    try {
      for (const path of [...OPERATOR_PAGES, '/console/agent', '/console/account']) {
        await stranger.goto(`${s.ws.baseUrl}${path}`);
        const url = new URL(stranger.url());
        assert.equal(url.pathname, '/console/login', `${path} without a session`);
        assert.equal(url.searchParams.get('next'), path, `${path}: the sign-in comes back to it`);
        await stranger.getByLabel('Username').waitFor();
      }
    } finally {
      await stranger.context().close();
    }
  });

  it('pops a SIP call on the open agent page within a second of the REFER', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    need('agentSignedIn', 'shows an agent only the agent navigation');
    const page = s.phone;
    await openAgentPage(page);
    // SIPp is the carrier: Ada's number, attested by the trusted proxy's verstat, so the flow
    // greets her and transfers without a PIN.
    const sipp = await runSipp(SIPP_SCENARIO, `127.0.0.1:${s.server.sipPort}`, s.ws.path('sipp'),
                               { service: DIALLED, keys: { caller: ADA.phone }, timeoutMs: 30_000 });
    writeFileSync(join(SHOTS, 'sipp-messages.log'), sipp.messages);
    assert.equal(sipp.code, 0, `SIPp exited ${sipp.code}${sipp.timedOut ? ' (killed at the deadline)' : ''}:\n` +
                 `${sipp.stdout.slice(-2000)}\n${sipp.errors}\nserve log:\n${s.server.logTail()}`);
    const referAt = sippReceivedAt(sipp.messages, 'REFER');
    assert.ok(referAt, `SIPp's message log has no REFER:\n${sipp.messages.slice(-3000)}`);
    const refer = sipp.messages.slice(sipp.messages.indexOf('\nREFER ')).split(/\n-{10,}/)[0];
    assert.match(refer, /^X-Callgate-Auth: True\r?$/m, refer);

    const pop = await popFor(page, 'Ada Lovelace');
    const ms = pop.at - referAt;
    s.timings.sipReferToPopMs = ms;
    t.diagnostic(`SIP: the pop appeared ${ms} ms after SIPp received the REFER (bound ${POP_BOUND_MS} ms)`);
    assert.ok(ms < POP_BOUND_MS, `the SIP pop took ${ms} ms after the REFER (bound ${POP_BOUND_MS} ms)`);
    const entry = page.locator(`li.pop[data-handoff="${pop.id}"]`);
    assert.match(await entry.locator('.verdict').innerText(), /^Authenticated Caller ID \(STIR A\) \(callerid\)$/);
    const details = await entry.locator('dl').innerText();
    assert.match(details, /Channel\s+sip/);
    assert.match(details, /User id\s+12345678/);
    assert.match(details, /Caller\s+\D*0142\b/);
    assert.match(details, /Token check\s+valid/);
    s.sipPop = pop;
  });

  it('pops a Twilio call on the same page within a second of the <Dial>', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    need('agentSignedIn', 'shows an agent only the agent navigation');
    const page = s.phone;
    if (!s.sipPop) await openAgentPage(page);  // the SIP step failed before opening it
    // Grace calls without attestation: the flow texts her a PIN, she keys it, <Dial> to the agent.
    const url = `${s.ws.baseUrl}/twilio/voice`;
    const callSid = 'CA' + '1'.padStart(32, '0');
    const params = (status, extra = []) => [
      ['AccountSid', TWILIO_ACCOUNT], ['ApiVersion', '2010-04-01'], ['CallSid', callSid],
      ['CallStatus', status], ['Called', DIALLED], ['Caller', GRACE.phone], ['Direction', 'inbound'],
      ['From', GRACE.phone], ['FromCountry', 'US'], ['To', DIALLED], ...extra];
    const first = await twilio(url, params('ringing'));
    const gather = /<Gather\b[^>]*\baction="([^"]+)"/.exec(first.twiml);
    assert.ok(gather, `no <Gather action> (the PIN step) in ${first.twiml}`);
    const texts = s.ws.outboxMessages().filter((m) => m.to === GRACE.phone);
    assert.equal(texts.length, 1, `one SMS to Grace: ${JSON.stringify(texts)}`);
    const code = /(?<!\d)(\d{6})(?!\d)/.exec(texts[0].body)?.[1];
    assert.ok(code, `no 6-digit PIN in ${JSON.stringify(texts[0].body)}`);
    s.smsCodes.push(code);

    const dial = await twilio(xmlAttr(gather[1]), params('in-progress', [['Digits', code], ['FinishedOnKey', '#']]));
    assert.match(dial.twiml, /<Dial\b[^>]*>\s*<Sip>sip:agents@pbx\.example\.com\?X-Callgate-Auth=True&amp;/, dial.twiml);
    const pop = await popFor(page, 'Grace Hopper');
    const ms = pop.at - dial.at;
    s.timings.twilioDialToPopMs = ms;
    // The handoff is written while the request that answers <Dial> runs, so the pop may even
    // come first (a negative figure).
    t.diagnostic(`Twilio: the pop appeared ${ms} ms after the <Dial> answer was read (bound ${POP_BOUND_MS} ms)`);
    assert.ok(ms < POP_BOUND_MS, `the Twilio pop took ${ms} ms after the <Dial> (bound ${POP_BOUND_MS} ms)`);
    const entry = page.locator(`li.pop[data-handoff="${pop.id}"]`);
    assert.match(await entry.locator('.verdict').innerText(), /^Authenticated SMS code \(\w+\)$/);
    const details = await entry.locator('dl').innerText();
    assert.match(details, /Channel\s+twilio/);
    assert.match(details, /User id\s+87654321/);
    assert.match(details, /Caller\s+\D*0101\b/);
    // Newest first, and both on the page the agent never reloaded.
    assert.deepEqual(await page.locator('#pops h2').allInnerTexts(),
                     s.sipPop ? ['Grace Hopper', 'Ada Lovelace'] : ['Grace Hopper']);
    await checkPage(page, 'agent-pops-phone');
    s.twilioPop = pop;
  });

  it('shows both handoffs on the agent and calls pages after a reload', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('twilioPop', 'pops a Twilio call');
    const page = s.desk;
    await visit(page, '/console/agent');
    assert.deepEqual(await page.locator('#pops h2').allInnerTexts(),
                     s.sipPop ? ['Grace Hopper', 'Ada Lovelace'] : ['Grace Hopper']);
    await checkPage(page, 'agent-desk');
    await visit(page, '/console/calls');
    const rows = await page.locator('table.calls tbody tr').allInnerTexts();
    assert.equal(rows.length, s.sipPop ? 2 : 1, rows.join('\n'));
    assert.match(rows[0], /twilio.*Grace Hopper \(87654321\)/s);
    await checkPage(page, 'calls-desk');
  });

  it('finds customers by user id and last digits, and unlocks a locked PIN, by keyboard', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('signedIn', 'signs in with password + TOTP');
    // Five wrong PINs over the Connect API lock Ada's user id (the first lock step).
    for (let i = 0; i < 5; i++) {
      const answer = await connect('verify-pin', ADA.phone, { userId: ADA.userId, pin: WRONG_PIN });
      assert.notEqual(answer.authResult, 'Authenticated', JSON.stringify(answer));
    }
    const page = s.desk;
    await visit(page, '/console/customers');
    await searchCustomers(page, ADA.userId);
    let rows = page.locator('#customers tbody tr');
    assert.equal(await rows.count(), 1);
    const ada = await rows.first().innerText();
    assert.match(ada, /Ada Lovelace/);
    assert.match(ada, /\u2022+0142/, 'the number, masked to its last digits');
    assert.match(ada, /Locked\s+until/);
    assert.match(ada, /user id\s*$/, 'found by its user id');
    await checkPage(page, 'customers-locked-desk');

    // The unlock button, reached and pressed with the keyboard.
    await rows.first().getByRole('button', { name: 'Unlock PIN' }).focus();
    await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'unlocked'),
                       page.keyboard.press('Enter')]);
    assert.match(await page.getByRole('status').innerText(), /The PIN of user id 12345678 is unlocked/);
    assert.match(await page.locator('#customers tbody tr').first().innerText(), /Not locked/);
    const answer = await connect('verify-pin', ADA.phone, { userId: ADA.userId, pin: ADA.pin });
    assert.equal(answer.authResult, 'Authenticated', `the right PIN works again: ${JSON.stringify(answer)}`);
    await checkPage(page, 'customers-unlocked-desk');

    await searchCustomers(page, '0101');
    rows = page.locator('#customers tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /Grace Hopper\s+\+?\u2022+0101\s+87654321.*number\s*$/s);
    s.customersSearched = true;
  });

  it('adds a customer with the form, by keyboard', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('signedIn', 'signs in with password + TOTP');
    const page = s.desk;
    await visit(page, '/console/customers');
    await page.getByLabel('Phone number (E.164, e.g. +14155550100)').focus();
    // Tab walks the form in the order of its labels.
    for (const [id, value] of [['phone', '+1 415 555 0177'], ['first_name', KATHERINE.firstName],
                               ['last_name', KATHERINE.lastName], ['level', 'Gold'], ['language', 'en-US'],
                               ['user_id', KATHERINE.userId], ['pin', KATHERINE.pin]]) {
      assert.equal(await page.evaluate(() => document.activeElement?.id), id);
      await page.keyboard.type(value);
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add customer');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'added'),
                       page.keyboard.press('Enter')]);
    assert.match(await page.getByRole('status').innerText(), /The customer was added/);
    assert.match(await page.locator('#customers tbody tr').first().innerText(),
                 /Katherine Johnson\s+\+?\u2022+0177\s+55501777\s+Gold/);
    await checkPage(page, 'customers-added-desk');
    await searchCustomers(page, '0177');
    assert.match(await page.locator('#customers tbody tr').first().innerText(), /Katherine Johnson.*number\s*$/s);
    const answer = await connect('verify-pin', KATHERINE.phone, { userId: KATHERINE.userId, pin: KATHERINE.pin });
    assert.equal(answer.authResult, 'Authenticated', `the PIN set in the form works: ${JSON.stringify(answer)}`);
  });

  it('imports nothing from a CSV with a bad row and names the line', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('signedIn', 'signs in with password + TOTP');
    const page = s.desk;
    await visit(page, '/console/customers');
    await page.getByLabel('CSV text').fill(BAD_CSV);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Import');
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/console/customers/import'),
      page.keyboard.press('Enter')]);
    assert.equal(response.status(), 400);
    const alert = await page.getByRole('alert').innerText();
    assert.match(alert, /\bline 3\b.*nothing was imported/s, alert);
    await checkPage(page, 'customers-import-refused-desk');
    for (const last4 of ['0301', '0302']) {
      await searchCustomers(page, last4);
      assert.equal(await page.locator('#no-results').innerText(), 'No customer matches.', last4);
    }
  });

  it('draws each flow with Graphviz on the flows page', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('signedIn', 'signs in with password + TOTP');
    const page = s.desk;
    await visit(page, '/console/flows');
    assert.match(await page.locator('main').innerText(), /Checks out/);
    const img = page.locator('figure.diagram img').first();
    await img.scrollIntoViewIfNeeded();  // the image is loading="lazy"
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0 && el.naturalHeight > 0,
                               await img.elementHandle());
    const box = await img.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `the diagram is drawn with no size: ${JSON.stringify(box)}`);
    const svg = await page.context().request.get(new URL(await img.getAttribute('src'), s.ws.baseUrl).href);
    assert.equal(svg.status(), 200);
    assert.equal(svg.headers()['content-type'], 'image/svg+xml');
    const drawing = await svg.text();
    assert.match(drawing, /<svg\b/);
    assert.match(drawing, /Generated by graphviz/i, 'drawn by Graphviz');
    await checkPage(page, 'flows-desk');
  });

  it('passes axe-core on every console page, at a desk and on a phone', { timeout: STEP_TIMEOUT_MS }, async () => {
    need('signedIn', 'signs in with password + TOTP');
    s.phoneAdmin = await newPage(PHONE);
    await signIn(s.phoneAdmin, 'cy');
    // The metrics sampler reads every 10 s from start: charts from its second sample.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await visit(s.desk, '/console/metrics');
      if (await s.desk.locator('svg.chart').count() > 0) break;
      assert.ok(Date.now() < deadline, 'the metrics page drew no chart within 30 s');
      await s.desk.waitForTimeout(1000);  // the sampler has no event to wait on
    }
    // Every page is checked before failing, so one run lists every page with a problem.
    const problems = [];
    const pages = ['/console/account', '/console/agent', ...OPERATOR_PAGES,
                   `/console/customers?q=${ADA.userId}`];  // the results table too
    for (const path of pages) {
      const name = path.split('/').pop().replace(/\?q=.*/, '-found');
      for (const [page, viewport] of [[s.desk, 'desk'], [s.phoneAdmin, 'phone']]) {
        try {
          await visit(page, path);
          if (path === '/console/audit') assert.match(await page.locator('#chain').innerText(), /Chain verifies/);
          if (path === '/console/metrics') assert.ok(await page.locator('svg.chart').count() > 0, 'no chart');
          await checkPage(page, `${name}-${viewport}`);
        } catch (e) {
          problems.push(e.message.split('\n+ actual')[0]);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('showed no whole number, PIN or code on any page', () => {
    // checkPage looked at each; this says how many and which, for the record.
    assert.ok(s.checked.length >= 25, `only ${s.checked.length} page states were checked:\n${s.checked.join('\n')}`);
    writeFileSync(join(SHOTS, 'pages-checked.txt'), s.checked.join('\n') + '\n');
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
