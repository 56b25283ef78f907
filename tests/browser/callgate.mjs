// Helpers for the browser tests: run the real callgate binary in a temporary workspace.
//
// The Node twin of tests/integration/harness.py (+ link_harness.py). Everything listens on
// 127.0.0.1 only and lives in a fresh temporary directory; every wait is bounded. The binary comes
// from $CALLGATE_BIN and the repository from $CALLGATE_SOURCE_DIR (both set by CTest); run by hand
// they default to <repo>/build/callgate and the repository this file is in.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.CALLGATE_SOURCE_DIR || resolve(here, '..', '..');
export const BIN = process.env.CALLGATE_BIN || join(SOURCE_DIR, 'build', 'callgate');
export const ARTIFACTS_DIR = process.env.CALLGATE_ARTIFACTS_DIR ||
    join(SOURCE_DIR, 'build', 'test-artifacts', 'browser');

export const START_TIMEOUT_MS = 15_000;  // for `serve` to print its listening line
export const STOP_TIMEOUT_MS = 10_000;   // for a graceful SIGTERM stop
export const CLI_TIMEOUT_MS = 30_000;    // for any one CLI command
export const HTTP_TIMEOUT_MS = 10_000;   // for any one HTTP request

// The child's environment: secrets must come from the workspace's key files, never the caller's env.
function childEnv() {
  const env = { ...process.env };
  for (const k of ['CALLGATE_OTP_SECRET', 'CALLGATE_PIN_PEPPER', 'CALLGATE_TWILIO_AUTH_TOKEN']) delete env[k];
  return env;
}

// A free loopback port. The server gets it as an explicit port (not 0) because the public base
// URL in the texted link, used by the separate `callgate call` process too, must name it.
export function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// A loopback UDP port that was free a moment ago (SIPp's own SIP port: callgate sends the REFER
// and BYE to it, so it must be known before SIPp starts).
function udpFree(port) {
  return new Promise((ok) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => ok(false));
    s.bind(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

// The first of `count` consecutive free loopback UDP ports (SIPp binds its media port and the
// ones after it), taken below the kernel's ephemeral range like sip_harness.free_port_block.
export async function freeUdpBlock(count = 1) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = 20000 + 2 * Math.floor(Math.random() * 6000);
    let free = true;
    for (let p = first; p < first + count && free; p++) free = await udpFree(p);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}

export const tomlString = (s) => JSON.stringify(s);  // JSON string escapes are valid TOML basic strings

export class Workspace {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'callgate-e2e-'));
    this.db = this.path('callgate.db');
    this.outbox = this.path('outbox.jsonl');
    this.audit = this.path('audit.jsonl');
    this.config = this.path('callgate.toml');
    this.port = 0;
  }

  path(name) { return join(this.dir, name); }
  get baseUrl() { return `http://127.0.0.1:${this.port}`; }
  cleanup() { rmSync(this.dir, { recursive: true, force: true }); }

  // The config every command of this workspace shares: all state in the workspace, the link's
  // public base URL on `port`, and one OAuth client for introspection/revocation. `extra`: more
  // TOML lines (whole tables, e.g. [sip] or [twilio]) appended as they are.
  writeConfig(port, oauthClients = {}, extra = []) {
    this.port = port;
    const lines = [
      '[server]', `http = ${tomlString(`127.0.0.1:${port}`)}`,
      '[storage]', `db = ${tomlString(this.db)}`,
      '[sms]', `sink = ${tomlString('outbox:' + this.outbox)}`,
      '[security]',
      `otp_secret_file = ${tomlString(this.path('otp.key'))}`,
      `pin_pepper_file = ${tomlString(this.path('pin.key'))}`,
      `audit_log = ${tomlString(this.audit)}`,
      '[links]', `public_base_url = ${tomlString(this.baseUrl)}`,
      '[tokens]', `key_file = ${tomlString(this.path('jwt-keys.json'))}`,
    ];
    if (Object.keys(oauthClients).length) {
      lines.push('[oauth.clients]');
      for (const [id, secret] of Object.entries(oauthClients)) lines.push(`${tomlString(id)} = ${tomlString(secret)}`);
    }
    lines.push(...extra);
    writeFileSync(this.config, lines.join('\n') + '\n', { mode: 0o600 });
  }

  // Runs the binary to completion in the workspace, killing it at the deadline.
  // Resolves {code, signal, stdout, stderr, timedOut}.
  run(args, { input = '', timeoutMs = CLI_TIMEOUT_MS } = {}) {
    return new Promise((ok, fail) => {
      const p = spawn(BIN, args, { cwd: this.dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '', stderr = '', timedOut = false;
      p.stdout.on('data', (d) => { stdout += d; });
      p.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs);
      p.on('error', (e) => { clearTimeout(timer); fail(e); });
      p.on('close', (code, signal) => { clearTimeout(timer); ok({ code, signal, stdout, stderr, timedOut }); });
      p.stdin.on('error', () => {});  // the child may exit before reading everything
      p.stdin.end(input);
    });
  }

  async addCustomer({ phone, firstName, lastName, userId, pin }) {
    const args = ['customers', 'add', '--config', this.config, '--phone', phone,
                  '--first-name', firstName, '--last-name', lastName];
    if (userId) args.push('--user-id', userId);
    if (pin) args.push('--pin', pin);
    const r = await this.run(args);
    if (r.code !== 0) {
      throw new Error(`callgate customers add failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ` +
                      `${r.stderr.trim() || r.stdout.trim()}`);
    }
    return r;
  }

  outboxMessages() {
    if (!existsSync(this.outbox)) return [];
    return readFileSync(this.outbox, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  }

  readText(name) {
    const p = this.path(name);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }
}

// `callgate serve --config <workspace config> --http 127.0.0.1:<port>` (and `--sip
// 127.0.0.1:0` with `sip`: the SIP port it picked is `sipPort`). `extraConfig`: TOML lines for
// writeConfig (a `[sip]` table for `sip`, `[twilio]`, `[flows]` ...); a function of the port
// when they must name it.
export class Server {
  static async start(ws, { oauthClients = {}, attempts = 3, extraConfig = [], sip = false } = {}) {
    let lastError;
    for (let i = 0; i < attempts; i++) {  // another process may take the free port meanwhile
      const port = await freePort();
      ws.writeConfig(port, oauthClients,
                     typeof extraConfig === 'function' ? extraConfig(port) : extraConfig);
      const server = new Server(ws, { sip });
      try {
        await server.waitListening();
        return server;
      } catch (e) {
        lastError = e;
        await server.stop();
        if (!/address already in use|EADDRINUSE/i.test(server.log)) break;
      }
    }
    throw lastError;
  }

  constructor(ws, { sip = false } = {}) {
    this.ws = ws;
    this.log = '';
    this.sip = sip;
    this.sipPort = 0;
    const args = ['serve', '--config', ws.config, '--http', `127.0.0.1:${ws.port}`];
    if (sip) args.push('--sip', '127.0.0.1:0');
    this.proc = spawn(BIN, args, { cwd: ws.dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((ok) => this.proc.on('close', (code, signal) => ok({ code, signal })));
  }

  waitListening() {
    return new Promise((ok, fail) => {
      let out = '', settled = false;
      const done = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        err ? fail(err) : ok();
      };
      const timer = setTimeout(() => done(new Error(
          `serve printed no listening line within ${START_TIMEOUT_MS} ms; log:\n${this.logTail()}`)), START_TIMEOUT_MS);
      let http = false;
      this.proc.stdout.on('data', (d) => {  // keeps draining after the listening lines
        if (settled) return;
        out += d;
        let nl;
        while (!settled && (nl = out.indexOf('\n')) >= 0) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          const m = /^listening http:\/\/127\.0\.0\.1:(\d+)\r?$/.exec(line);
          const sip = /^listening sip:127\.0\.0\.1:(\d+)\r?$/.exec(line);
          if (!http && m && Number(m[1]) === this.ws.port) {
            http = true;
          } else if (http && this.sip && sip) {
            this.sipPort = Number(sip[1]);
          } else {
            done(new Error(`unexpected line from serve: ${JSON.stringify(line)}`));
            break;
          }
          if (http && (!this.sip || this.sipPort)) done();
        }
      });
      this.exited.then(({ code, signal }) => done(new Error(
          `serve exited (code ${code}, signal ${signal}) before listening; log:\n${this.logTail()}`)));
    });
  }

  logTail(n = 30) { return this.log.split('\n').slice(-n).join('\n'); }

  // SIGTERM, then SIGKILL after STOP_TIMEOUT_MS. Resolves the exit status.
  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const r = await this.exited;
      clearTimeout(timer);
      return r;
    }
    return this.exited;
  }
}

// fetch() with a deadline; never follows redirects, so a 3xx is seen as such.
export async function http(url, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body, redirect: 'manual',
                                 signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

export function formBody(fields) {
  return { headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
           body: new URLSearchParams(fields).toString() };
}

// The value of <input name="csrf" ...> in an HTML page, or undefined.
export function csrfField(html) {
  const tag = /<input\b[^>]*\bname\s*=\s*["']?csrf["']?[^>]*>/i.exec(html);
  if (!tag) return undefined;
  const value = /\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag[0]);
  return value ? (value[1] ?? value[2] ?? value[3]) : undefined;
}

// Twilio's X-Twilio-Signature (twilio-node's RequestValidator.getExpectedTwilioSignature): Base64
// HMAC-SHA1, keyed with the auth token, of the URL followed by every POST parameter sorted by
// name, name and value concatenated. `params`: [name, value] pairs.
export function twilioSignature(url, params, token) {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return createHmac('sha1', token).update(url + sorted.map(([k, v]) => k + v).join('')).digest('base64');
}

export const SIPP = '/usr/bin/sipp';

// One SIPp run (UAC) of `scenario` (a file path) against `target` ("127.0.0.1:PORT"), bounded by
// `timeoutMs` (SIPp's own -timeout, then SIGKILL). SIPp's SIP port and media ports are chosen
// here (a port taken meanwhile makes SIPp exit 254 at once: tried again). Resolves {code,
// timedOut, stdout, messages (the -trace_msg log: every message with its arrival time), errors,
// port}; the logs stay in `workdir`.
export async function runSipp(scenario, target, workdir, { service, keys = {}, calls = 1,
                                                          timeoutMs = 40_000 } = {}) {
  mkdirSync(workdir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const port = await freeUdpBlock(1);
    const media = await freeUdpBlock(4);
    const stamp = `sipp-${Date.now()}-${attempt}`;
    const files = { msg: join(workdir, `${stamp}-msg.log`), err: join(workdir, `${stamp}-err.log`) };
    const args = ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1',
                  '-mp', String(media), '-m', String(calls), '-nostdin',
                  '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error',
                  '-trace_msg', '-message_file', files.msg, '-trace_err', '-error_file', files.err];
    if (service) args.push('-s', service);
    for (const [k, v] of Object.entries(keys)) args.push('-key', k, String(v));
    args.push(target);
    const r = await new Promise((ok, fail) => {
      const p = spawn(SIPP, args, { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', timedOut = false;
      p.stdout.on('data', (d) => { stdout += d; });
      p.stderr.on('data', (d) => { stdout += d; });
      const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs + 5_000);
      p.on('error', (e) => { clearTimeout(timer); fail(e); });
      p.on('close', (code) => { clearTimeout(timer); ok({ code, timedOut, stdout }); });
    });
    const read = (f) => (existsSync(f) ? readFileSync(f, 'latin1') : '');
    const result = { ...r, port, messages: read(files.msg), errors: read(files.err) };
    if (result.code !== 254 || attempt === 2) return result;
  }
}

// The arrival time (epoch ms) of the first SIP request `method` SIPp received, from its
// -trace_msg log ("----- 2026-12-05 19:19:49.885618" in local time, then "UDP message received
// [N] bytes :", a blank line and the start line); undefined if none came.
export function sippReceivedAt(messages, method) {
  const re = /^-+ (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{3})\d*\r?\n\w+ message received[^\n]*\n\r?\n(\S+)/gm;
  for (const m of messages.matchAll(re)) {
    if (m[4] === method) return new Date(`${m[1]}T${m[2]}.${m[3]}`).getTime();  // local time, like SIPp's
  }
  return undefined;
}

export function prepareArtifactsDir() {
  rmSync(ARTIFACTS_DIR, { recursive: true, force: true });  // no stale screenshots from an older run
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return ARTIFACTS_DIR;
}

// `callgate call --json ...` driven event by event: whenever the flow asks for input, `answer`
// gets the events so far and returns the keypad line to send (e.g. "12345678#"), or null to hang
// up. Resolves {code, events, stderr} when the call ends; killed at the deadline.
export function interactiveCall(ws, args, answer, { timeoutMs = CLI_TIMEOUT_MS } = {}) {
  return new Promise((ok, fail) => {
    const p = spawn(BIN, ['call', '--json', '--config', ws.config, ...args],
                    { cwd: ws.dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const events = [];
    let buffered = '', stderr = '', error;
    const timer = setTimeout(() => {
      error = new Error(`the call did not end within ${timeoutMs} ms; events so far:\n` +
                        events.map((e) => JSON.stringify(e)).join('\n'));
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdin.on('error', () => {});
    p.stderr.on('data', (d) => { stderr += d; });
    p.stdout.on('data', (d) => {
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          error ??= new Error(`callgate call printed a line that is not JSON: ${line}`);
          continue;
        }
        events.push(event);
        if (event.type !== 'input') continue;
        let reply;
        try {
          reply = answer(events);
        } catch (e) {
          error ??= e;
          reply = null;
        }
        if (reply === null || reply === undefined) p.stdin.end();
        else p.stdin.write(reply + '\n');
      }
    });
    p.on('error', (e) => { clearTimeout(timer); fail(e); });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (error) fail(error);
      else ok({ code, events, stderr });
    });
  });
}
