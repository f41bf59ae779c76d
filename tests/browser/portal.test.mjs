// Browser tests of the portal: headless Debian chromium through
// playwright-core, against the environment run.py started.
//
//   node portal.test.mjs CTX.json [FIRST_TEST_NUMBER]
//
// Prints TAP lines (`ok N - ...`), writes screenshots to ctx.shots and
// exits 1 when a check failed.
import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ctx = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let n = Number(process.argv[3] || 0), pass = 0, fail = 0;
const T0 = Date.now(), BUDGET = 480e3;
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const PASSPHRASE = 'Kopi tubruk di Blok M, pagi yang cerah';
fs.mkdirSync(ctx.shots, { recursive: true });

// ------------------------------------------------------------ checks
async function check(desc, fn) {
  n++;
  if (Date.now() - T0 > BUDGET) {
    fail++;
    console.log(`not ok ${n} - ${desc} (not run: past the budget)`);
    return undefined;
  }
  try {
    const r = await fn();
    pass++;
    console.log(`ok ${n} - ${desc}`);
    return r;
  } catch (e) {
    fail++;
    console.log(`not ok ${n} - ${desc}`);
    for (const l of String(e && e.stack || e).split('\n').slice(0, 12))
      console.log('#   ' + l);
    return undefined;
  }
}

function assert(c, msg) {
  if (!c)
    throw new Error(msg || 'assertion failed');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ TOTP
function totp(uri, off = 0) {
  const secret = new URL(uri).searchParams.get('secret').replace(/=+$/, '');
  const al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.toUpperCase())
    bits += al.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++)
    key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + off));
  const h = crypto.createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// ------------------------------------------------------------ mail
function qpDecode(s) {
  const bytes = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.substr(i + 1, 2))) {
      bytes.push(parseInt(t.substr(i + 1, 2), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(t[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function mails() {
  const out = [];
  for (const sub of ['new', 'cur']) {
    const d = path.join(ctx.maildir, sub);
    if (!fs.existsSync(d))
      continue;
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      const raw = fs.readFileSync(p, 'utf8');
      const to = (/^To:\s*(.*)$/mi.exec(raw) || [])[1] || '';
      out.push({ to: to.trim(), text: qpDecode(raw), t: fs.statSync(p).mtimeMs });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

// The newest link of that kind mailed to that address.
async function waitLink(to, kind, secs = 30) {
  const re = new RegExp('(https?://[^\\s"<>]+/' + kind + '/[A-Za-z0-9_-]{20,})');
  const end = Date.now() + secs * 1000;
  while (Date.now() < end) {
    const found = mails().filter((m) => m.to.includes(to) && re.test(m.text));
    if (found.length)
      return re.exec(found[found.length - 1].text)[1];
    await sleep(200);
  }
  throw new Error(`no /${kind}/ link to ${to} within ${secs} s`);
}

// ------------------------------------------------------------ browser
const browsers = [];

async function browser(faceY4m) {
  const args = [...FLAGS];
  if (faceY4m)
    args.push('--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--use-file-for-fake-video-capture=' + faceY4m);
  const b = await chromium.launch({ executablePath: ctx.chromium, args,
    headless: true });
  browsers.push(b);
  return b;
}

// A page that records CSP violations and script errors.
async function newPage(b, opt = {}) {
  const c = await b.newContext({ locale: opt.locale || 'id-ID',
    viewport: opt.viewport || { width: 1100, height: 900 },
    isMobile: !!opt.mobile, hasTouch: !!opt.mobile,
    acceptDownloads: true });
  const p = await c.newPage();
  p.problems = [];
  p.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      p.problems.push('console: ' + m.text());
  });
  p.on('pageerror', (e) => p.problems.push('pageerror: ' + e.message));
  return p;
}

function clean(p) {
  assert(p.problems.length === 0, 'page problems: ' + p.problems.join(' | '));
}

async function shot(p, name) {
  await p.screenshot({ path: path.join(ctx.shots, name + '.png'), fullPage: true });
}

// axe-core: no serious or critical violation (WCAG 2.x A/AA + best practice).
const axeReport = [];
async function axe(p, name) {
  if (!(await p.evaluate(() => typeof window.axe !== 'undefined')))
    await p.evaluate(AXE);
  const r = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeReport.push({ page: name, url: p.url(), violations: r.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.length })) });
  assert(bad.length === 0, name + ': ' + bad.map((v) => `${v.id} (${v.impact}): ` +
    v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join('; ')).join(' | '));
  return r.violations.length;
}

// The face of a simulator person as a Y4M clip for the fake camera.
async function y4m(b, png, out) {
  const p = await newPage(b);
  await p.goto(ctx.base + '/static/site.css');
  const data = 'data:image/png;base64,' + fs.readFileSync(png).toString('base64');
  const r = await p.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth & ~1;
    c.height = img.naturalHeight & ~1;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000)
      s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
    return { w: c.width, h: c.height, rgba: btoa(s) };
  }, data);
  await p.context().close();
  const rgba = Buffer.from(r.rgba, 'base64'), w = r.w, h = r.h;
  const Y = Buffer.alloc(w * h), U = Buffer.alloc(w * h / 4), V = Buffer.alloc(w * h / 4);
  const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      Y[y * w + x] = clamp(16 + 0.257 * rgba[i] + 0.504 * rgba[i + 1] + 0.098 * rgba[i + 2]);
    }
  for (let y = 0; y < h; y += 2)
    for (let x = 0; x < w; x += 2) {
      let R = 0, G = 0, B = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((y + dy) * w + x + dx) * 4;
        R += rgba[i] / 4; G += rgba[i + 1] / 4; B += rgba[i + 2] / 4;
      }
      const k = (y / 2) * (w / 2) + x / 2;
      U[k] = clamp(128 - 0.148 * R - 0.291 * G + 0.439 * B);
      V[k] = clamp(128 + 0.439 * R - 0.368 * G - 0.071 * B);
    }
  fs.writeFileSync(out, Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\nFRAME\n`), Y, U, V]));
  return out;
}

// Whether typing into <input type=date> goes day-month-year or month-day-year.
async function dateOrder(b) {
  const p = await b.newPage();
  await p.setContent('<input type="date" id="d">');
  await p.focus('#d');
  await p.keyboard.type('01021990');
  const v = await p.inputValue('#d');
  await p.close();
  return v === '1990-02-01' ? 'DMY' : 'MDY';
}

// ------------------------------------------------------------ steps
async function staffLogin(p, v = ctx.verifier) {
  await p.goto(ctx.base + '/verifikator');
  await p.waitForSelector('#login-form');
  for (const off of [0, 1]) {
    await p.fill('#username', v.username);
    await p.fill('#password', v.password);
    await p.fill('#totp', totp(v.totp_uri, off));
    await p.click('#login-submit');
    const r = await Promise.race([
      p.waitForSelector('#logout', { timeout: 8000 }).then(() => 'in'),
      p.waitForSelector('#errors', { timeout: 8000 }).then(() => 'err')]);
    if (r === 'in')
      return;
  }
  throw new Error('login failed: ' + await p.textContent('#errors'));
}

async function fillActivationByMouse(p, who) {
  await p.fill('#nik', who.nik);
  await p.fill('#name', who.name);
  await p.fill('#birth_place', who.birth_place);
  await p.fill('#birth_date', who.birth_date);
  await p.check(who.gender === 'F' ? '#gender-f' : '#gender-m');
  await p.selectOption('#category', who.category);
  if (who.category === 'ASN')
    await p.fill('#nip', who.nip);
  await p.fill('#unit', who.unit || 'Biro Umum');
  await p.fill('#position', who.position || 'Analis');
}

async function waitVideo(p) {
  await p.waitForFunction(() => {
    const v = document.getElementById('selfie-video');
    return v && v.videoWidth > 0 && v.readyState >= 2;
  }, null, { timeout: 15000 });
  await sleep(300);
}

async function main() {
  const plain = await browser(null);
  const faceA = await check('fake camera clips made from the registry faces',
    async () => {
      const a = await y4m(plain, ctx.mouse.face_path, path.join(ctx.tmp, 'face-a.y4m'));
      await y4m(plain, ctx.keyboard.face_path, path.join(ctx.tmp, 'face-b.y4m'));
      return a;
    });
  const camA = await browser(faceA);
  const camB = await browser(path.join(ctx.tmp, 'face-b.y4m'));

  // -- public pages
  await check('landing pages / and /en: no serious accessibility violation', async () => {
    const p = await newPage(plain);
    await p.goto(ctx.base + '/');
    await shot(p, '01-beranda');
    await axe(p, 'landing id');
    await p.goto(ctx.base + '/en');
    await axe(p, 'landing en');
    clean(p);
  });

  // -- the verifier registers the mouse applicant in the browser
  const staff = await newPage(plain);
  await check('verifier signs in with password + TOTP (cookie session)', async () => {
    await p_axeLogin(staff);
    await staffLogin(staff);
    await staff.waitForSelector('#queue, #queue-empty');
    await shot(staff, '05-verifikator-antrean');
    clean(staff);
  });

  async function p_axeLogin(p) {
    await p.goto(ctx.base + '/verifikator');
    await p.waitForSelector('#login-form');
    await shot(p, '04-verifikator-masuk');
    await axe(p, 'staff login');
  }

  await check('verifier registers an ASN applicant with the form', async () => {
    await staff.fill('#reg-name', ctx.mouse.name);
    await staff.fill('#reg-email', ctx.mouse.email);
    await staff.click('#reg-submit');
    await staff.waitForSelector('#reg-msg');
    const t = await staff.textContent('#reg-msg');
    assert(t.includes(ctx.mouse.email), 'message: ' + t);
    await axe(staff, 'staff queue');
    clean(staff);
  });

  // -- the applicant: activation with the fake camera, by mouse
  let pA;
  await check('applicant opens the activation link from the SMTP sink', async () => {
    const link = await waitLink(ctx.mouse.email, 'aktivasi');
    assert(link.startsWith(ctx.base + '/aktivasi/'), link);
    pA = await newPage(camA);
    await pA.goto(link);
    await pA.waitForSelector('#act-form');
    assert((await pA.textContent('h1')).includes('Aktivasi'), 'Indonesian title');
    assert((await pA.inputValue('#name')) === ctx.mouse.name, 'name prefilled');
    await axe(pA, 'activation form');
    await shot(pA, '02-aktivasi');
  });

  await check('English switch: the form turns English, typed values stay', async () => {
    await pA.fill('#birth_place', 'Sementara');
    await pA.click('#lang');
    await pA.waitForFunction(() => document.documentElement.lang === 'en');
    const h = await pA.textContent('h1');
    assert(/Activate/.test(h), 'h1: ' + h);
    assert((await pA.inputValue('#birth_place')) === 'Sementara', 'value kept');
    assert((await pA.textContent('#lang')) === 'Bahasa Indonesia', 'switch back label');
    await shot(pA, '02-activation-en');
    await axe(pA, 'activation form en');
    await pA.click('#lang');
    await pA.waitForFunction(() => document.documentElement.lang === 'id');
  });

  await check('empty submit: an error summary that links to the fields', async () => {
    await pA.fill('#birth_place', '');
    await pA.click('#act-submit');
    await pA.waitForSelector('#errors');
    const focused = await pA.evaluate(() => document.activeElement.id);
    assert(focused === 'errors', 'focus on the summary, got ' + focused);
    const inv = await pA.getAttribute('#nik', 'aria-invalid');
    assert(inv === 'true', 'nik aria-invalid');
    await axe(pA, 'activation form with errors');
  });

  await check('selfie with the fake camera, consent, submit: accepted', async () => {
    await fillActivationByMouse(pA, ctx.mouse);
    await pA.click('#selfie-start');
    await waitVideo(pA);
    await shot(pA, '02-aktivasi-kamera');
    await pA.click('#selfie-take');
    await pA.waitForSelector('#selfie-img');
    await pA.check('#consent-privacy');
    await pA.check('#consent-agreement');
    await shot(pA, '02-aktivasi-terisi');
    await pA.click('#act-submit');
    await pA.waitForFunction(() => /diterima/.test(document.querySelector('h1').textContent),
      null, { timeout: 15000 });
    await shot(pA, '03-aktivasi-diterima');
    clean(pA);
  });

  let serial;
  await check('ASN applicant VERIFIED; passphrase set in the page with the meter', async () => {
    const link = await waitLink(ctx.mouse.email, 'passphrase', 40);
    await pA.goto(link);
    await pA.waitForSelector('#pp-form');
    await axe(pA, 'passphrase form');
    await pA.fill('#pass1', 'rahasia1');
    const weak = await pA.textContent('#meter-text');
    await pA.fill('#pass1', PASSPHRASE);
    const strong = await pA.textContent('#meter-text');
    assert(weak !== strong && /kuat/.test(strong), `meter: ${weak} -> ${strong}`);
    await pA.fill('#pass2', PASSPHRASE + 'x');
    await pA.click('#pp-submit');
    await pA.waitForSelector('#err-pass2');
    await pA.fill('#pass2', PASSPHRASE);
    await shot(pA, '06-passphrase');
    await pA.click('#pp-submit');
    await pA.waitForSelector('#cert-download', { timeout: 30000 });
    serial = await pA.textContent('dd code');
    assert(/^[0-9A-Fa-f]{40}$/.test(serial.trim()), 'serial ' + serial);
    const [dl] = await Promise.all([pA.waitForEvent('download'), pA.click('#cert-download')]);
    const pem = fs.readFileSync(await dl.path(), 'utf8');
    assert(pem.includes('BEGIN CERTIFICATE'), 'PEM download');
    await shot(pA, '07-sertifikat-terbit');
    await axe(pA, 'certificate issued');
    clean(pA);
  });

  // -- keyboard only: the second ASN applicant
  await check('keyboard-only run completes the activation form', async () => {
    const who = ctx.keyboard;
    const link = await waitLink(who.email, 'aktivasi');
    const p = await newPage(camB);
    await p.goto(link);
    await p.waitForSelector('#act-form');
    const order = [];
    const kb = p.keyboard;
    const active = () => p.evaluate(() => document.activeElement && document.activeElement.id);
    // Tab forward until the control is reached, at most `max` presses.
    async function tabTo(id, max = 8) {
      for (let i = 0; i < max; i++) {
        await kb.press('Tab');
        const a = await active();
        if (a === id) {
          order.push(id);
          return;
        }
      }
      throw new Error(`Tab did not reach #${id}; order so far: ${order.join(' ')}`);
    }
    await tabTo('skip', 2);
    await tabTo('nik');
    await kb.type(who.nik);
    await tabTo('name', 2);
    await kb.press('Control+A');
    await kb.type(who.name);
    await tabTo('birth_place', 2);
    await kb.type(who.birth_place);
    await tabTo('birth_date', 2);
    const [y, m, d] = who.birth_date.split('-');
    // The segment order of a date field follows the browser's own locale.
    await kb.type((await dateOrder(camB)) === 'DMY' ? d + m + y : m + d + y);
    await tabTo('gender-m', 5);
    if (who.gender === 'F')
      await kb.press('ArrowDown');
    else
      await kb.press('Space');
    await tabTo('category', 3);
    await kb.type('ASN');
    assert((await p.inputValue('#category')) === 'ASN', 'category by keyboard');
    await tabTo('nip', 2);
    await kb.type(who.nip);
    await tabTo('unit', 2);
    await kb.type(who.unit || 'Biro Umum');
    await tabTo('position', 2);
    await kb.type(who.position || 'Analis');
    await tabTo('selfie-start', 2);
    await kb.press('Enter');
    await waitVideo(p);
    assert((await active()) === 'selfie-take', 'focus moves to Take photo');
    await kb.press('Enter');
    await p.waitForSelector('#selfie-img');
    assert((await active()) === 'selfie-retake', 'focus moves to Take again');
    await tabTo('consent-privacy', 2);
    await kb.press('Space');
    await tabTo('consent-agreement', 3);
    await kb.press('Space');
    await tabTo('act-submit', 3);
    assert((await p.inputValue('#birth_date')) === who.birth_date,
      'date typed: ' + await p.inputValue('#birth_date'));
    await kb.press('Enter');
    await p.waitForFunction(() => /diterima/.test(document.querySelector('h1').textContent),
      null, { timeout: 15000 });
    const f = await active();
    assert(f === '' || f === null || (await p.evaluate(() => document.activeElement.tagName)) === 'H1',
      'focus on the new heading');
    clean(p);
    console.log('# tab order: ' + order.join(' '));
  });

  await check('keyboard applicant is VERIFIED too (passphrase link mailed)', async () => {
    await waitLink(ctx.keyboard.email, 'passphrase', 40);
  });

  // -- NON_ASN: selfie by file upload, manual review in the queue
  await check('NON_ASN applicant: selfie uploaded as a file (no camera), submitted', async () => {
    const who = ctx.manual;
    const link = await waitLink(who.email, 'aktivasi');
    const p = await newPage(plain, { viewport: { width: 390, height: 844 }, mobile: true });
    await p.goto(link);
    await p.waitForSelector('#act-form');
    await shot(p, '02-aktivasi-ponsel');
    await fillActivationByMouse(p, who);
    await p.setInputFiles('#selfie-file', who.face_path);
    await p.waitForSelector('#selfie-img');
    await p.check('#consent-privacy');
    await p.check('#consent-agreement');
    await p.click('#act-submit');
    await p.waitForFunction(() => /diterima/.test(document.querySelector('h1').textContent),
      null, { timeout: 15000 });
    clean(p);
  });

  await check('verifier approves the NON_ASN applicant in the queue', async () => {
    const who = ctx.manual;
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await staff.goto(ctx.base + '/verifikator');
      await staff.waitForSelector('#queue, #queue-empty');
      found = (await staff.locator('#queue a', { hasText: who.name }).count()) > 0;
      if (!found)
        await sleep(500);
    }
    assert(found, 'applicant not in the MANUAL_REVIEW queue');
    await shot(staff, '05-verifikator-antrean');
    await axe(staff, 'staff queue with rows');
    await staff.click(`#queue a:has-text("${who.name}")`);
    await staff.waitForSelector('#approve');
    await staff.waitForFunction(() => {
      const i = document.querySelector('img.selfie-img');
      return i && i.complete && i.naturalWidth > 0;
    });
    await shot(staff, '08-verifikator-permohonan');
    await axe(staff, 'application detail');
    await staff.click('#approve');
    await staff.waitForSelector('#decision-msg');
    assert(/disetujui/.test(await staff.textContent('#decision-msg')), 'approved message');
    await waitLink(who.email, 'passphrase', 20);
    clean(staff);
  });

  await check('verifier registers from a CSV file: progress, then a result per line', async () => {
    await staff.goto(ctx.base + '/verifikator');
    await staff.waitForSelector('#bulk-form');
    await staff.setInputFiles('#bulk-file', { name: 'pemohon.csv', mimeType: 'text/csv',
      buffer: Buffer.from('nama,email\n"Budi Contoh, S.E.",budi.contoh@kemenkeu.go.id\nSiti Luar,siti@contoh.com\n') });
    await staff.click('#bulk-submit');
    await staff.waitForSelector('#bulk-result table');
    const t = await staff.textContent('#bulk-result');
    assert(/Sebagian baris terdaftar/.test(t) && /Terdaftar/.test(t), 'bulk: ' + t.slice(0, 300));
    assert((await staff.locator('#bulk-result tbody tr').count()) === 2, 'two rows');
    await shot(staff, '05-verifikator-csv');
    await axe(staff, 'staff CSV result');
    clean(staff);
  });

  await check('data with markup is shown as text (one escaping place)', async () => {
    const evil = 'Budi <img src=x onerror="window.__xss=1"> Tag';
    await staff.goto(ctx.base + '/verifikator');
    await staff.waitForSelector('#reg-form');
    await staff.fill('#reg-name', evil);
    await staff.fill('#reg-email', 'budi.tag@kemenkeu.go.id');
    await staff.click('#reg-submit');
    await staff.waitForSelector('#reg-msg');
    await staff.focus('#filter');
    await staff.selectOption('#filter', 'NEW');
    await staff.waitForFunction((n) => document.querySelector('#queue') &&
      document.querySelector('#queue').textContent.includes(n), evil);
    assert(await staff.evaluate(() => document.querySelectorAll('main img').length === 0 &&
      window.__xss === undefined), 'markup was interpreted');
    assert((await staff.textContent('#reg-msg')).includes('<img'), 'message shows it as text');
    await sleep(200);
    assert(await staff.evaluate(() => window.__xss === undefined), 'onerror ran');
    const focus = await staff.evaluate(() => document.activeElement.id);
    assert(focus === 'filter', 'focus stays on the filter after the list reloads, got ' + focus);
  });

  // -- the public verification page
  await check('public page verifies a PDF signed by the new holder', async () => {
    const pdf = fs.readFileSync(ctx.pdf);
    const r = await fetch(ctx.base + '/api/v1/sign', { method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Basic ' +
        Buffer.from(ctx.client.join(':')).toString('base64') },
      body: JSON.stringify({ email: ctx.mouse.email, passphrase: PASSPHRASE,
        file: pdf.toString('base64') }) });
    const j = await r.json();
    assert(r.status === 201, 'sign: ' + r.status + ' ' + JSON.stringify(j).slice(0, 300));
    const signed = path.join(ctx.tmp, 'surat-ttd.pdf');
    fs.writeFileSync(signed, Buffer.from(j.file, 'base64'));
    const p = await newPage(plain);
    await p.goto(ctx.base + '/verifikasi');
    await p.waitForSelector('#ver-form');
    await axe(p, 'verify page');
    await p.setInputFiles('#ver-file', signed);
    await p.click('#ver-submit');
    await p.waitForSelector('section#ver-result', { timeout: 30000 });
    const t = await p.textContent('#ver-result');
    assert(/Semua tanda tangan sah/.test(t), 'report: ' + t.slice(0, 400));
    assert(t.includes(ctx.mouse.name), 'signer named');
    await shot(p, '09-verifikasi-hasil');
    await axe(p, 'verify report');
    const unsigned = await newPage(plain);
    await unsigned.goto(ctx.base + '/verifikasi');
    await unsigned.setInputFiles('#ver-file', ctx.pdf);
    await unsigned.click('#ver-submit');
    await unsigned.waitForSelector('#ver-result');
    assert(/tidak bertanda tangan|tidak/.test(await unsigned.textContent('#ver-result')), 'unsigned');
    ctx.vid = j.id;
    fs.writeFileSync(path.join(ctx.tmp, 'verify-report.json'), JSON.stringify(
      await (await fetch(ctx.base + '/api/v1/verify', { method: 'POST',
        headers: { 'Content-Type': 'application/pdf' }, body: fs.readFileSync(signed) })).json(),
      null, 1));
    clean(p);
  });

  await check('public signature page /v/<id>: no serious accessibility violation', async () => {
    assert(ctx.vid, 'no signature id');
    const p = await newPage(plain);
    await p.goto(ctx.base + '/v/' + ctx.vid);
    await shot(p, '10-tanda-tangan-publik');
    await axe(p, '/v/<id>');
  });

  // -- the holder signs a PDF in the browser (pdf.js renders page 1)
  await check('holder signs a PDF in the browser: page 1 rendered, placed by click and drag', async () => {
    const p = await newPage(plain);
    await p.goto(ctx.base + '/tanda-tangan');
    await p.waitForSelector('#sg-form');
    await axe(p, 'sign page');
    await p.click('#sg-submit');
    await p.waitForSelector('#errors');
    assert((await p.textContent('#errors')).includes('Pilih dokumen PDF'), 'no file: summary');
    await p.setInputFiles('#sg-file', ctx.pdf);
    await p.waitForSelector('#sg-canvas', { timeout: 20000 });
    const ink = await p.evaluate(() => {
      const c = document.getElementById('sg-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i] < 128 && d[i + 3] > 0)
          dark++;
      return dark;
    });
    assert(ink > 100, 'page 1 has no text drawn: ' + ink + ' dark pixels');
    // Placing the box: a click puts its centre at the pointer.
    const box = await p.locator('#sg-canvas').boundingBox();
    const k = box.width / 595;
    const at = (x, y) => [box.x + x * k, box.y + (842 - y) * k];
    await p.mouse.click(...at(400, 150));
    const pos = async () => p.evaluate(() => {
      const s = document.getElementById('sg-stage');
      return ['x', 'y', 'w', 'h'].map((a) => Number(s.getAttribute('data-' + a)));
    });
    let [x, y, w, h] = await pos();
    assert(Math.abs(x - 350) < 2 && Math.abs(y - 100) < 2 && w === 100 && h === 100,
      `click: ${x} ${y} ${w} ${h}`);
    // ... and dragging it moves it.
    await p.mouse.move(...at(400, 150));
    await p.mouse.down();
    for (let i = 1; i <= 5; i++)
      await p.mouse.move(...at(400 + 12 * i, 150 + 14 * i));
    await p.mouse.up();
    [x, y] = await pos();
    assert(Math.abs(x - 410) < 2 && Math.abs(y - 170) < 2, `drag: ${x} ${y}`);
    assert(/x 410, y 170/.test(await p.textContent('#sg-pos')), 'position told in text');
    // The keyboard moves it too (Shift+arrow: one point).
    await p.focus('#sg-stage');
    await p.keyboard.press('Shift+ArrowLeft');
    await p.keyboard.press('ArrowUp');
    [x, y] = await pos();
    assert(Math.abs(x - 409) < 2 && Math.abs(y - 180) < 2, `keys: ${x} ${y}`);
    ctx.signBox = [x, y, x + 100, y + 100];
    // The language switch keeps the rendered page and the box.
    await p.click('#lang');
    await p.waitForFunction(() => document.documentElement.lang === 'en');
    assert(/Sign a PDF document/.test(await p.textContent('h1')), 'English title');
    assert((await pos())[0] === x && await p.isVisible('#sg-canvas'), 'page and box kept');
    await axe(p, 'sign page en, page rendered');
    await p.click('#lang');
    await p.waitForFunction(() => document.documentElement.lang === 'id');
    await p.fill('#sg-who', ctx.mouse.email);
    await p.fill('#sg-pass', 'bukan passphrase saya');
    await p.click('#sg-submit');
    await p.waitForFunction(() => /passphrase/i.test(
      (document.getElementById('errors') || {}).textContent || ''), null, { timeout: 30000 });
    assert((await p.inputValue('#sg-pass')) === '', 'passphrase cleared after a failure');
    assert((await pos())[0] === x, 'box kept after a failure');
    await axe(p, 'sign page with the server error');
    await p.fill('#sg-pass', PASSPHRASE);
    await shot(p, '18-tanda-tangan');
    await p.click('#sg-submit');
    await p.waitForSelector('#sg-download', { timeout: 60000 });
    await shot(p, '19-tanda-tangan-selesai');
    await axe(p, 'signed, download');
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#sg-download')]);
    assert(dl.suggestedFilename() === path.basename(ctx.pdf, '.pdf') + '-ttd.pdf',
      'file name ' + dl.suggestedFilename());
    ctx.signedByHolder = path.join(ctx.tmp, 'ditandatangani-di-peramban.pdf');
    await dl.saveAs(ctx.signedByHolder);
    const orig = fs.readFileSync(ctx.pdf), out = fs.readFileSync(ctx.signedByHolder);
    assert(out.subarray(0, orig.length).equals(orig), 'not an incremental update of the upload');
    ctx.signPage = p;
    clean(p);
  });

  await check('the downloaded file: pdfsig says valid and trusted, the widget where it was placed', async () => {
    assert(ctx.signedByHolder, 'nothing downloaded');
    const r = spawnSync('pdfsig', ['-nssdir', 'sql:' + ctx.nss, ctx.signedByHolder], { encoding: 'utf8' });
    const o = r.stdout + r.stderr;
    assert(/Signature is Valid/.test(o) && /Certificate is Trusted/.test(o), 'pdfsig: ' + o);
    assert(o.includes(ctx.mouse.name), 'signer in pdfsig: ' + o);
    const q = spawnSync('qpdf', ['--json', '--json-key=qpdf', ctx.signedByHolder], { encoding: 'utf8' });
    const objs = JSON.parse(q.stdout);
    const all = Object.values(objs.qpdf[1]).map((v) => v.value);
    const wid = all.find((v) => v && v['/FT'] === '/Sig' && v['/Rect']);
    assert(wid, 'no signature widget');
    const rect = wid['/Rect'].map(Number);
    assert(rect.every((v, i) => Math.abs(v - ctx.signBox[i]) < 1.5),
      `widget ${rect} where the box was ${ctx.signBox}`);
    console.log('# pdfsig: ' + o.split('\n').filter((l) => /Signature is|Certificate is|Signer/.test(l))
      .map((l) => l.trim()).join('; ') + ' | /Rect ' + rect.join(' '));
  });

  await check('the public pages say the browser-signed file is valid', async () => {
    const p = ctx.signPage;
    assert(p, 'no signing page');
    const sha = (await p.textContent('dl.facts-list')).match(/[0-9a-fA-F]{64}/)[0];
    await Promise.all([p.waitForURL(/\/v\/[0-9A-Fa-f]+$/), p.click('#sg-verify')]);
    const v = await p.textContent('main');
    assert(v.includes(sha) && /\(valid\)/.test(v) && v.includes(ctx.mouse.name), '/v/: ' + v.slice(0, 400));
    await p.goto(ctx.base + '/verifikasi');
    await p.setInputFiles('#ver-file', ctx.signedByHolder);
    await p.click('#ver-submit');
    await p.waitForSelector('section#ver-result', { timeout: 30000 });
    const t = await p.textContent('#ver-result');
    assert(/Semua tanda tangan sah/.test(t) && t.includes(ctx.mouse.name), 'report: ' + t.slice(0, 400));
    clean(p);
  });

  await check('signing with an uploaded signature image: the image box keeps its proportions', async () => {
    const p = await newPage(plain);
    await p.goto(ctx.base + '/tanda-tangan');
    await p.waitForSelector('#sg-form');
    await p.setInputFiles('#sg-file', ctx.pdf);
    await p.waitForSelector('#sg-canvas', { timeout: 20000 });
    await p.check('#sg-kind-img');
    await p.waitForSelector('#sg-image');
    const png = await p.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 300;
      c.height = 100;
      const g = c.getContext('2d');
      g.fillStyle = '#0b5394';
      g.fillRect(20, 45, 260, 10);
      return c.toDataURL('image/png').split(',')[1];
    });
    await p.setInputFiles('#sg-image', { name: 'paraf.png', mimeType: 'image/png',
      buffer: Buffer.from(png, 'base64') });
    await p.waitForFunction(() => /paraf\.png/.test(
      (document.getElementById('hint-sg-image') || {}).textContent || ''));
    await p.fill('#sg-width', '150');
    const cb = await p.locator('#sg-canvas').boundingBox();
    await p.mouse.click(cb.x + cb.width / 2, cb.y + cb.height * 0.8);
    const [w, h] = await p.evaluate(() => ['w', 'h'].map((a) =>
      Number(document.getElementById('sg-stage').getAttribute('data-' + a))));
    assert(w === 150 && Math.abs(h - 50) < 0.1, `image box ${w} x ${h}`);
    assert(await p.isVisible('#sg-box img'), 'the image is shown in the box');
    await axe(p, 'sign page with an image');
    await p.fill('#sg-who', ctx.mouse.nik);
    await p.fill('#sg-pass', PASSPHRASE);
    await p.click('#sg-submit');
    await p.waitForSelector('#sg-download', { timeout: 60000 });
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#sg-download')]);
    const f = path.join(ctx.tmp, 'ditandatangani-gambar.pdf');
    await dl.saveAs(f);
    const o = spawnSync('pdfsig', ['-nssdir', 'sql:' + ctx.nss, f], { encoding: 'utf8' }).stdout;
    assert(/Signature is Valid/.test(o), 'pdfsig: ' + o);
    clean(p);
  });

  await check('policy texts and an invalid link: no serious violation', async () => {
    const p = await newPage(plain);
    for (const u of ['/static/kebijakan-privasi.html', '/static/perjanjian-pemilik.html']) {
      await p.goto(ctx.base + u);
      await axe(p, u);
    }
    await p.goto(ctx.base + '/aktivasi/' + 'x'.repeat(32));
    await p.waitForSelector('.notice.error');
    assert(/tidak berlaku/.test(await p.textContent('main')), 'invalid link message');
    await axe(p, 'invalid link');
    clean(p);
  });

  await check('forgotten passphrase: fresh selfie through /lupa-passphrase/, new passphrase', async () => {
    const r = await fetch(ctx.base + '/api/v1/holder/forgot', { method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: ctx.mouse.email }) });
    assert(r.status === 202, 'forgot: ' + r.status);
    const link = await waitLink(ctx.mouse.email, 'lupa-passphrase');
    const p = await newPage(camA);
    await p.goto(link);
    await p.waitForSelector('#ri-form');
    await axe(p, 'forgotten passphrase');
    await p.click('#selfie-start');
    await waitVideo(p);
    await p.click('#selfie-take');
    await p.waitForSelector('#selfie-img');
    await shot(p, '11-lupa-passphrase');
    await p.click('#ri-submit');
    await p.waitForSelector('.notice.ok', { timeout: 15000 });
    const before = mails().filter((m) => m.to.includes(ctx.mouse.email) &&
      /\/passphrase\//.test(m.text)).length;
    let link2;
    for (let i = 0; i < 100 && !link2; i++) {
      const ms = mails().filter((m) => m.to.includes(ctx.mouse.email) && /\/passphrase\//.test(m.text));
      if (ms.length > before - 0 && ms.length > 1)
        link2 = /(https?:\/\/[^\s"<>]+\/passphrase\/[A-Za-z0-9_-]{20,})/.exec(ms[ms.length - 1].text)[1];
      else
        await sleep(300);
    }
    assert(link2, 'no second passphrase link');
    await p.goto(link2);
    await p.waitForSelector('#pp-form');
    await p.fill('#pass1', PASSPHRASE + ' baru');
    await p.fill('#pass2', PASSPHRASE + ' baru');
    await p.click('#pp-submit');
    await p.waitForSelector('#cert-download', { timeout: 30000 });
    clean(p);
  });

  await check('"my certificate": wrong passphrase refused, renewal too early, revocation', async () => {
    const p = await newPage(plain);
    await p.goto(ctx.base + '/sertifikat');
    await p.waitForSelector('#revoke-form');
    await axe(p, 'my certificate');
    await p.fill('#renew-who', ctx.mouse.email);
    await p.fill('#renew-pass', PASSPHRASE + ' baru');
    await p.click('#renew-submit');
    await p.waitForSelector('#renew-msg');
    const renew = await p.textContent('#renew-msg');
    assert(/mendekati|90|belum/i.test(renew), 'renew: ' + renew);
    assert((await p.inputValue('#renew-pass')) === '', 'passphrase cleared');
    await p.fill('#revoke-who', ctx.mouse.email);
    await p.fill('#revoke-pass', 'bukan passphrase saya');
    await p.check('#revoke-sure');
    await p.click('#revoke-submit');
    await p.waitForSelector('#revoke-msg');
    const wrong = await p.textContent('#revoke-msg');
    assert(/passphrase/i.test(wrong) && !/dicabut\./.test(wrong), 'wrong: ' + wrong);
    await p.fill('#revoke-pass', PASSPHRASE + ' baru');
    await p.selectOption('#revoke-reason', 'cessationOfOperation');
    await p.click('#revoke-submit');
    await p.waitForFunction(() => /telah dicabut/.test(document.getElementById('revoke-msg').textContent));
    await shot(p, '12-sertifikat-saya');
    await axe(p, 'my certificate after revocation');
    clean(p);
    console.log('# renew: ' + renew.trim() + ' | wrong passphrase: ' + wrong.trim());
  });

  const complainant = 'warga.pengadu@contoh.net';
  let ticket, statusPath;
  await check('complaint form: a ticket number and a private status link', async () => {
    const p = await newPage(plain);
    await p.goto(ctx.base + '/pengaduan');
    await p.waitForSelector('#cpl-form');
    await axe(p, 'complaint form');
    await p.fill('#c-name', 'Warga Pengadu');
    await p.fill('#c-email', complainant);
    await p.selectOption('#c-category', 'signing');
    await p.fill('#c-agency', 'KEMENKEU');
    await p.fill('#c-text', 'Dokumen saya ditolak aplikasi e-Office <b>tanpa</b> alasan.');
    await p.setInputFiles('#c-file', ctx.pdf);
    await shot(p, '13-pengaduan');
    await p.click('#c-submit');
    await p.waitForSelector('#ticket', { timeout: 15000 });
    ticket = (await p.textContent('#ticket')).trim();
    assert(/^ADU-\d{8}-\d{4}$/.test(ticket), 'ticket ' + ticket);
    statusPath = await p.getAttribute('#status-link', 'href');
    assert(/^\/pengaduan\/status\//.test(statusPath), 'status link ' + statusPath);
    await axe(p, 'complaint filed');
    await p.click('#status-link');
    await p.waitForSelector('#cpl-status');
    assert(/Baru/.test(await p.textContent('#cpl-status')), 'status NEW');
    await shot(p, '14-pengaduan-status');
    await axe(p, 'complaint status');
    await waitLink(complainant, 'pengaduan/status');
    clean(p);
  });

  await check('complaint desk: assign, reply (e-mailed), the complainant sees the answer', async () => {
    assert(ticket, 'no ticket');
    await staff.goto(ctx.base + '/verifikator');
    await staff.waitForSelector('#to-desk');
    await staff.click('#to-desk');
    await staff.waitForSelector('#desk');
    await axe(staff, 'complaint desk');
    await shot(staff, '15-meja-pengaduan');
    await staff.click(`#desk a:has-text("${ticket}")`);
    await staff.waitForSelector('#reply-form');
    assert((await staff.textContent('#cpl-text')).includes('<b>tanpa</b>'), 'text shown as text');
    await staff.click('#assign');
    await staff.waitForSelector('#desk-msg');
    assert(/ditugaskan/.test(await staff.textContent('#desk-msg')), 'assigned');
    const answer = 'Terima kasih. Sertifikat Anda sudah aktif kembali; silakan coba lagi.';
    await staff.fill('#reply', answer);
    await staff.click('#reply-submit');
    await staff.waitForFunction(() => /Jawaban tersimpan/.test(
      (document.getElementById('desk-msg') || {}).textContent || ''));
    assert(/e-mail/.test(await staff.textContent('#desk-msg')), 'emailed');
    await shot(staff, '16-pengaduan-dijawab');
    await axe(staff, 'complaint detail');
    const end = Date.now() + 20000;
    let got = false;
    while (!got && Date.now() < end) {
      got = mails().some((m) => m.to.includes(complainant) && m.text.includes('sudah aktif kembali'));
      if (!got)
        await sleep(200);
    }
    assert(got, 'the answer did not arrive by e-mail');
    const p = await newPage(plain);
    await p.goto(ctx.base + statusPath);
    await p.waitForSelector('#replies');
    assert((await p.textContent('#replies')).includes(answer), 'answer on the status page');
    assert(/dijawab/i.test(await p.textContent('#cpl-status')), 'status ANSWERED');
    clean(p);
    clean(staff);
  });

  await check('complaint desk: a phone (183) complaint recorded by staff', async () => {
    await staff.goto(ctx.base + '/petugas/pengaduan');
    await staff.waitForSelector('#rec-form');
    await staff.selectOption('#c-channel', 'phone');
    await staff.fill('#c-name', 'Penelepon 183');
    await staff.fill('#c-phone', '081234567890');
    await staff.fill('#c-text', 'Menanyakan cara memperbarui sertifikat.');
    await staff.click('#rec-submit');
    await staff.waitForSelector('#rec-msg');
    const m = await staff.textContent('#rec-msg');
    assert(/ADU-\d{8}-\d{4}/.test(m), 'recorded: ' + m);
    assert((await staff.textContent('#desk')).includes('Telepon 183'), 'phone channel listed');
    clean(staff);
  });

  await check('operator desk: SLA report, agencies with PKS warning, holiday added and removed', async () => {
    const p = await newPage(plain);
    await staffLogin(p, ctx.admin);
    await p.waitForSelector('#to-operator');
    await p.click('#to-operator');
    await p.waitForSelector('#sla');
    const sla = await p.textContent('#sla');
    assert(/Semua instansi/.test(sla) && /KEMENKEU/.test(sla), 'sla: ' + sla.slice(0, 200));
    const ag = await p.textContent('#agencies');
    assert(/DINASLAMA/.test(ag) && /PKS tidak berlaku/.test(ag), 'agencies: ' + ag.slice(0, 300));
    await axe(p, 'operator desk');
    await shot(p, '17-operator');
    const y = new Date().getUTCFullYear();
    await p.fill('#hol-date', `${y}-12-30`);
    await p.fill('#hol-id', 'Hari uji portal');
    await p.fill('#hol-en', 'Portal test day');
    await p.click('#hol-submit');
    await p.waitForFunction(() => /disimpan/.test((document.getElementById('op-msg') || {}).textContent || ''));
    assert((await p.textContent('#holidays')).includes('Hari uji portal'), 'holiday listed');
    await p.click(`button[aria-label="Hapus ${y}-12-30"]`);
    await p.waitForFunction(() => /dihapus/.test((document.getElementById('op-msg') || {}).textContent || ''));
    assert(!(await p.textContent('#holidays')).includes('Hari uji portal'), 'holiday removed');
    clean(p);
    ctx.opPage = p;
  });

  await check('operator desk: charts (SVG), the audit log filtered by action, the chain check intact', async () => {
    const p = ctx.opPage;
    assert(p, 'no operator page');
    const bars = await p.evaluate(() => ['chart-days', 'chart-share', 'chart-status',
      'chart-agency'].map((id) => document.querySelectorAll('#' + id + ' svg rect').length));
    assert(bars.every((b) => b > 0), 'bars per chart: ' + bars);
    const lab = await p.getAttribute('#chart-status svg', 'aria-label');
    assert(/Aktif|Dicabut/.test(lab), 'status chart label: ' + lab);
    await p.fill('#audit-action', 'holiday.');
    await p.check('#audit-verify');
    await p.click('#audit-submit');
    await p.waitForSelector('#audit tbody tr');
    const rows = await p.locator('#audit tbody tr').count();
    const txt = await p.textContent('#audit tbody');
    assert(rows >= 2 && /holiday\./.test(txt) && !/auth\.login/.test(txt), 'rows: ' + txt.slice(0, 300));
    assert(/Rantai log utuh/.test(await p.textContent('#audit-result')), 'chain intact');
    await shot(p, '20-log-audit');
    await axe(p, 'audit log');
    clean(p);
  });

  await check('the portal scripts never write HTML strings into the DOM', async () => {
    const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'web', 'static');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.js'))) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      assert(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(src), f);
    }
  });

  fs.writeFileSync(path.join(ctx.shots, 'axe-report.json'), JSON.stringify(axeReport, null, 1));
}

try {
  await main();
} catch (e) {
  fail++;
  console.log(`not ok ${++n} - browser run aborted`);
  console.log('#   ' + String(e.stack || e).split('\n').join('\n#   '));
} finally {
  for (const b of browsers)
    await b.close().catch(() => {});
  console.log(`# browser: ${pass} passed, ${fail} failed; screenshots in ${ctx.shots}`);
  process.exit(fail ? 1 : 0);
}
