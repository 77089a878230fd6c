#!/usr/bin/env node
'use strict';
// Checks labeling configs, tasks and results in Label Studio's own editor (LSF 1.4.0, fetched by fetch-lsf.sh) in
// Debian Chromium driven by playwright-core, pinned to UTC, talking only to serve.js on 127.0.0.1.
//
//   node lsf-check.js --probe                                  are Chromium, playwright-core and the bundle there?
//   node lsf-check.js --config cfg.xml --csv data.csv [--expect result.json] [--actions actions.json]
//   node lsf-check.js --batch manifest.json [--out result.json] one browser for every case of the manifest
//
// A case passes when: the editor reports no validation error, no page error (uncaught exception or rejection) and no
// console error happened, no request left 127.0.0.1, the page shows one chart per <Channel>, and every chart's line
// is visibly drawn (a non-empty path without NaN, a computed stroke other than none, a positive width). A case with
// annotations or predictions also needs the editor to re-serialize each of them unchanged (compared as JSON values),
// and a case with actions (label, drag, dblclick, resize, selectRegion, key, submit) reports what the editor serialized and submitted.
// Manifest: { "upstream"?: "http://127.0.0.1:PORT/", "timeoutMs"?: 30000, "cases": [ {
//   "name", "config" | "configFile", "csv"?: "/abs.csv", "dataKey"?: "csv", "task"?: {id, annotations, predictions},
//   "upstreamTask"?: {project, task}, "expectChannels"?, "actions"?: [...], "screenshot"?: "/abs.png" } ] }
// The upstream's token comes from LSF_UPSTREAM_TOKEN. Prints one JSON document; exit 0 all passed, 1 some case
// failed, 2 the check could not run (setup: see "setupError").

const fs = require('node:fs');
const path = require('node:path');
const { startServer, lsfMissing, LSF_DIR } = require('./serve');

const LSF_VERSION = '@heartexlabs/label-studio@1.4.0';
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
const VIEWPORT = { width: 1400, height: 1100 };
const SETTLE_MS = 300;

function fail(message, code = 2) {
  process.stdout.write(JSON.stringify({ ok: false, setupError: message }, null, 2) + '\n');
  process.stderr.write(`lsf-check: ${message}\n`);
  process.exit(code);
}

function findChromium() {
  const fromEnv = process.env.LSF_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (e) {
    return null;
  }
}

/** What is missing for a check to run, or an empty list. */
function probe() {
  const missing = [];
  const chromium = findChromium();
  if (!chromium) missing.push(`Chromium (none of ${process.env.LSF_CHROMIUM ?? CHROMIUM_CANDIDATES.join(', ')}; apt-get install chromium)`);
  const playwright = loadPlaywright();
  if (!playwright) missing.push('playwright-core (run npm ci in tests/editor)');
  const lsf = lsfMissing();
  if (lsf.length) missing.push(`${LSF_VERSION} bundle files ${lsf.join(', ')} in ${LSF_DIR} (run tests/editor/fetch-lsf.sh)`);
  let playwrightVersion = null;
  try {
    playwrightVersion = require('playwright-core/package.json').version;
  } catch (e) { /* missing */ }
  return { ok: missing.length === 0, missing, chromium, playwright: playwrightVersion, lsf: LSF_VERSION, node: process.version };
}

function parseArgs(argv) {
  const args = { actions: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--probe': args.probe = true; break;
      case '--batch': args.batch = value(); break;
      case '--out': args.out = value(); break;
      case '--config': args.config = value(); break;
      case '--csv': args.csv = value(); break;
      case '--name': args.name = value(); break;
      case '--expect': args.expect = value(); break;
      case '--actions': args.actions = value(); break;
      case '--screenshot': args.screenshot = value(); break;
      case '--timeout-ms': args.timeoutMs = Number(value()); break;
      default: fail(`unknown argument ${a}`);
    }
  }
  return args;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
}

function manifestFromArgs(args) {
  if (args.batch) return readJson(args.batch);
  if (!args.config) fail('give --batch manifest.json, --probe, or --config cfg.xml with --csv data.csv');
  const c = { name: args.name ?? path.basename(args.config), configFile: args.config, csv: args.csv };
  if (args.expect) c.task = { id: 1, annotations: [{ id: 1, result: readJson(args.expect) }] };
  if (args.actions) c.actions = readJson(args.actions);
  if (args.screenshot) c.screenshot = args.screenshot;
  return { cases: [c], timeoutMs: args.timeoutMs };
}

/** JSON values equal regardless of object key order (arrays keep their order). */
function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return jsonEqual(ka, kb) && ka.every((k) => jsonEqual(a[k], b[k]));
}

function isLocal(url) {
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return true;
  return url.hostname === '127.0.0.1';
}

async function runCase(context, server, manifest, c) {
  const started = Date.now();
  const result = {
    name: c.name,
    ok: false,
    timeZone: null,
    failures: [],
    validation: null,
    pageErrors: [],
    consoleErrors: [],
    blockedRequests: [],
    failedResponses: [],
    expectedChannels: null,
    charts: [],
    timings: { pageMs: null, loadMs: null, renderMs: null, totalMs: null },
    roundTrip: [],
    actions: [],
    serialized: null,
    submissions: [],
  };
  const timeoutMs = c.timeoutMs ?? manifest.timeoutMs ?? 30000;
  let config = c.config;
  if (!config && c.configFile) config = fs.readFileSync(c.configFile, 'utf8');
  let spec;
  if (c.upstreamTask) {
    spec = { upstream: c.upstreamTask };
    if (typeof c.expectChannels === 'number') spec.expectChannels = c.expectChannels;
  } else {
    if (!config) throw new Error(`case ${c.name}: no config or configFile`);
    const dataKey = c.dataKey ?? (/<TimeSeries\b[^>]*\bvalue="\$([^"]+)"/.exec(config)?.[1] ?? 'csv');
    const task = { id: 1, annotations: [], predictions: [], ...(c.task ?? {}) };
    task.data = { ...(task.data ?? {}) };
    if (c.csv) task.data[dataKey] = server.addCsv(c.csv);
    spec = { config, task };
    if (typeof c.expectChannels === 'number') spec.expectChannels = c.expectChannels;
  }

  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') result.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => result.pageErrors.push(String(e && e.stack ? e.stack : e)));
  page.on('response', (r) => {
    if (r.status() >= 400) result.failedResponses.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  try {
    await page.goto(server.url, { waitUntil: 'load', timeout: timeoutMs });
    const page0 = await page.evaluate(() => ({
      editor: typeof window.LabelStudio === 'function' && !!window.__harness,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      offsetMinutes: new Date(2024, 6, 1).getTimezoneOffset(),
    }));
    result.timeZone = page0.timeZone;
    if (!page0.editor) throw new Error('the editor page did not define window.LabelStudio (bundle not loaded)');
    if (page0.timeZone !== 'UTC' || page0.offsetMinutes !== 0) result.failures.push(`the browser is not pinned to UTC (${page0.timeZone}, offset ${page0.offsetMinutes} min)`);
    try {
      await page.evaluate((s) => window.__start(s), spec);
    } catch (e) {
      result.failures.push(`starting the editor threw: ${e.message.split('\n')[0]}`);
    }

    // Wait until every channel is drawn, the editor reports a validation error, or something threw.
    const deadline = Date.now() + timeoutMs;
    let state;
    for (;;) {
      state = await page.evaluate(() => ({
        drawnAt: window.__harness.drawnAt, invalidAt: window.__harness.invalidAt, errors: window.__harness.errors.length,
      }));
      if (state.drawnAt !== null || state.invalidAt !== null || state.errors > 0 || result.pageErrors.length > 0 || result.failures.length > 0) break;
      if (Date.now() > deadline) {
        result.failures.push(`the editor drew no complete set of charts within ${timeoutMs} ms`);
        break;
      }
      await page.waitForTimeout(20);
    }
    await page.waitForTimeout(SETTLE_MS); // errors that arrive just after the first draw (e.g. a failing d3 format)

    if (c.actions && c.actions.length && state.drawnAt !== null) {
      await runActions(page, c.actions, result, timeoutMs);
    }

    const snapshot = await page.evaluate(() => {
      const h = window.__harness;
      return {
        validation: h.validation(),
        charts: h.charts().map((x) => ({ ...x, visible: h.isVisible(x) })),
        expectChannels: h.expectChannels,
        startedAt: h.startedAt,
        loadedAt: h.loadedAt,
        drawnAt: h.drawnAt,
        errors: h.errors,
        serialized: h.serialize(),
        submissions: h.submissions,
        navigationStart: performance.timeOrigin,
      };
    });
    result.validation = snapshot.validation;
    result.charts = snapshot.charts;
    result.expectedChannels = snapshot.expectChannels;
    result.serialized = snapshot.serialized;
    result.submissions = snapshot.submissions;
    for (const e of snapshot.errors) if (!result.pageErrors.includes(e)) result.pageErrors.push(e);
    if (snapshot.startedAt !== null && snapshot.loadedAt !== null) result.timings.loadMs = round(snapshot.loadedAt - snapshot.startedAt);
    if (snapshot.drawnAt !== null) {
      result.timings.renderMs = round(snapshot.drawnAt - snapshot.startedAt);
      result.timings.pageMs = round(snapshot.drawnAt);
    }

    if (c.screenshot) await page.screenshot({ path: c.screenshot, fullPage: true });

    judge(result, spec);
  } catch (e) {
    result.failures.push(`check error: ${e.message.split('\n')[0]}`);
  } finally {
    await page.close().catch(() => {});
  }

  result.timings.totalMs = Date.now() - started;
  result.ok = result.failures.length === 0;
  return result;
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

function judge(result, spec) {
  const f = result.failures;
  if (result.validation) {
    for (const v of result.validation) f.push(`editor validation error${v.modelName ? ` (${v.modelName}${v.field ? `.${v.field}` : ''})` : ''}: ${v.error}: ${v.value}`);
  }
  for (const e of result.pageErrors) f.push(`page error: ${e.split('\n')[0]}`);
  for (const e of result.consoleErrors) f.push(`console error: ${e.split('\n')[0]}`);
  if (result.expectedChannels === 0) f.push('the config has no <Channel>');
  if (result.charts.length !== result.expectedChannels) {
    f.push(`${result.charts.length} charts drawn for ${result.expectedChannels} <Channel> tags`);
  }
  result.charts.forEach((c, i) => {
    if (!c.visible) {
      f.push(`chart ${i + 1} (${c.legend}) line is not visibly drawn: stroke ${c.stroke}, width ${c.strokeWidth}, ` +
        `path ${c.pathLength} chars${c.hasNaN ? ' with NaN' : ''}, extent ${round(c.lineWidth)}px`);
    }
  });

  // Round trip: everything given to the editor must come back unchanged.
  const task = spec.task;
  if (task && result.serialized) {
    for (const kind of ['annotations', 'predictions']) {
      (task[kind] ?? []).forEach((given, i) => {
        const back = result.serialized[kind].find((x) => String(x.id) === String(given.id)) ?? result.serialized[kind][i];
        const output = back ? back.result : null;
        const equal = jsonEqual(given.result, output);
        result.roundTrip.push({ kind, index: i, id: given.id, equal, input: given.result, output });
        if (!equal) f.push(`${kind}[${i}] did not round-trip unchanged: gave ${JSON.stringify(given.result)}, editor serialized ${JSON.stringify(output)}`);
      });
    }
  }

  for (const s of result.submissions) {
    if (s.error) f.push(`submitting failed: ${s.error.split('\n')[0]}`);
    else if (s.status !== null && (s.status < 200 || s.status >= 300)) f.push(`the annotation POST answered ${s.status}: ${JSON.stringify(s.response).slice(0, 300)}`);
  }
  for (const a of result.actions) if (a.error) f.push(`action ${a.type} failed: ${a.error}`);
}

/** The chart's brush overlay in viewport pixels, scrolled into view first (the label buttons sit below the charts). */
async function overlayBox(page, channel) {
  const box = await page.evaluate((index) => {
    const overlay = document.querySelectorAll('g.new_brush rect.overlay')[index];
    if (!overlay) return null;
    overlay.scrollIntoView({ block: 'center', inline: 'nearest' });
    const r = overlay.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, channel ?? 0);
  if (!box) throw new Error(`no chart ${channel ?? 0}`);
  if (box.y < 0 || box.y + box.height > page.viewportSize().height) throw new Error(`chart ${channel ?? 0} is not in view (${JSON.stringify(box)})`);
  return box;
}

/**
 * The viewport centre of a part of region `region` on chart `channel`: its brush handle (`.handle--e`/`.handle--w`),
 * or, with no selector, what a click selects (the west handle of a range, the mark of an instant).
 */
async function regionPart(page, channel, region, selector) {
  const point = await page.evaluate(({ channel, region, selector }) => {
    const brushes = Array.prototype.filter.call(document.querySelectorAll('g.brush'),
      (g) => g.id.endsWith('_' + region) || g.id.includes('_' + region + '#'));
    const brush = brushes[channel ?? 0];
    if (!brush) return { error: `no region ${region} on chart ${channel ?? 0} (${brushes.length} brushes)` };
    const selection = brush.querySelector('.selection');
    const instant = selection && getComputedStyle(selection).pointerEvents !== 'none';
    const part = brush.querySelector(selector ?? (instant ? '.selection' : '.handle--w'));
    if (!part) return { error: `region ${region} has no ${selector}` };
    part.scrollIntoView({ block: 'center', inline: 'nearest' });
    const r = part.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return { error: `region ${region}'s ${selector ?? 'mark'} is not drawn (outside the view?)` };
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, { channel, region, selector });
  if (point.error) throw new Error(point.error);
  return point;
}

/** Clicks a label button under the charts, as an annotator does; true when it is then selected. */
async function clickLabel(page, value) {
  const label = page.locator('.lsf-label', { has: page.locator('.lsf-label__text').getByText(value, { exact: true }) }).first();
  await label.click({ timeout: 5000 });
  return /_selected/.test((await label.getAttribute('class')) ?? '');
}

/** Regions of the selected annotation (or prediction). */
function regionCount(page) {
  return page.evaluate(() => window.__harness.serialize().selected?.result.length ?? 0);
}

async function runActions(page, actions, result, timeoutMs) {
  let lastLabel = null;
  for (const action of actions) {
    const record = { ...action };
    result.actions.push(record);
    try {
      switch (action.type) {
        case 'label':
          record.selected = await clickLabel(page, action.value);
          // A click on a label that is already active switches it off; an annotator then clicks it again.
          if (!record.selected) record.selected = await clickLabel(page, action.value);
          lastLabel = action.value;
          break;
        case 'key':
          await page.keyboard.press(action.key);
          break;
        case 'drag': {
          const box = await overlayBox(page, action.channel);
          const y = box.y + box.height / 2;
          const x1 = box.x + box.width * action.from;
          const x2 = box.x + box.width * action.to;
          await page.mouse.move(x1, y);
          await page.mouse.down();
          await page.mouse.move((x1 + x2) / 2, y, { steps: 5 });
          await page.mouse.move(x2, y, { steps: 5 });
          await page.mouse.up();
          record.pixels = [round(x1), round(x2), round(y)];
          break;
        }
        case 'overview': {
          // Moves the overview's brush (the visible range) as a person does: drag its selection to the start or end.
          const boxes = await page.evaluate(() => {
            const root = document.querySelector('.htx-timeseries-overview');
            const selection = root && root.querySelector('rect.selection');
            const overlay = root && root.querySelector('rect.overlay');
            if (!selection || !overlay) return null;
            overlay.scrollIntoView({ block: 'center', inline: 'nearest' });
            const s = selection.getBoundingClientRect();
            const o = overlay.getBoundingClientRect();
            return { s: { x: s.x, y: s.y, width: s.width, height: s.height }, o: { x: o.x, width: o.width } };
          });
          if (!boxes) throw new Error('no overview brush');
          const y = boxes.s.y + boxes.s.height / 2;
          const x1 = boxes.s.x + boxes.s.width / 2;
          // Exactly to the edge: dragging the selection past it makes LSF 1.4.0 draw NaN rects (console errors).
          const x2 = action.to === 'start' ? x1 - (boxes.s.x - boxes.o.x) : x1 + (boxes.o.x + boxes.o.width - (boxes.s.x + boxes.s.width));
          await page.mouse.move(x1, y);
          await page.mouse.down();
          await page.mouse.move((x1 + x2) / 2, y, { steps: 5 });
          await page.mouse.move(x2, y, { steps: 5 });
          await page.mouse.up();
          await page.waitForTimeout(300);
          record.pixels = [round(x1), round(x2), round(y)];

          break;
        }
        case 'dblclick': {
          // LSF makes an instant region from two clicks within 300 ms; a slow machine can miss that, and then a person
          // selects the label again and double-clicks once more.
          for (let attempt = 1; ; attempt++) {
            const before = await regionCount(page);
            const box = await overlayBox(page, action.channel);
            const x = box.x + box.width * action.at;
            const y = box.y + box.height / 2;
            await page.mouse.dblclick(x, y, { delay: 20 });
            record.pixels = [round(x), round(y)];
            record.attempts = attempt;
            await page.waitForTimeout(350);
            if (!lastLabel || (await regionCount(page)) > before || attempt === 3) break;
            await clickLabel(page, lastLabel);
          }
          break;
        }
        case 'click': {
          const box = await overlayBox(page, action.channel);
          await page.mouse.click(box.x + box.width * action.at, box.y + box.height / 2);
          break;
        }
        case 'resize': {
          // Drags one edge of an existing region (its d3 brush handle) to a new place, as an annotator adjusts it.
          const handle = await regionPart(page, action.channel, action.region, action.edge === 'w' ? '.handle--w' : '.handle--e');
          const box = await overlayBox(page, action.channel);
          const x2 = box.x + box.width * action.to;
          await page.mouse.move(handle.x, handle.y);
          await page.mouse.down();
          await page.mouse.move((handle.x + x2) / 2, handle.y, { steps: 5 });
          await page.mouse.move(x2, handle.y, { steps: 5 });
          await page.mouse.up();
          record.pixels = [round(handle.x), round(x2), round(handle.y)];
          break;
        }
        case 'selectRegion': {
          // A click on a region selects it (a range by its edge handle, an instant by its mark); 'key' Backspace then deletes it.
          const part = await regionPart(page, action.channel, action.region, null);
          await page.mouse.click(part.x, part.y);
          await page.waitForTimeout(100);
          record.selected = await page.evaluate(() => {
            const a = window.Htx.annotationStore.selected;
            const r = a.regions.find((x) => x.selected || x.inSelection || x.highlighted);
            return r ? r.cleanId : JSON.stringify(a.regions.map((x) => [x.cleanId, !!x.selected, !!x.inSelection, !!x.highlighted]));
          });
          if (record.selected !== action.region) {
            const hit = await page.evaluate(({ x, y }) => {
              const e = document.elementFromPoint(x, y);
              return e ? `${e.tagName}.${e.getAttribute('class')} in ${e.parentNode && e.parentNode.id}` : 'nothing';
            }, part);
            throw new Error(`clicking region ${action.region} at (${round(part.x)}, ${round(part.y)}) hit ${hit} and selected ${record.selected}`);
          }
          break;
        }
        case 'wait':
          await page.waitForTimeout(action.ms ?? 100);
          break;
        case 'serialize':
          record.result = await page.evaluate(() => window.__harness.serialize().selected?.result ?? null);
          break;
        case 'submit': {
          const before = await page.evaluate(() => window.__harness.submissions.length);
          record.result = await page.evaluate(() => window.__harness.serialize().selected?.result ?? null);
          await page.locator('button[aria-label="submit"]').first().click({ timeout: 5000 });
          await page.waitForFunction((n) => window.__harness.submissions.length > n && window.__harness.submissions[n].done, before, { timeout: timeoutMs });
          break;
        }
        default:
          throw new Error(`unknown action type '${action.type}'`);
      }
      await page.waitForTimeout(action.pauseMs ?? 150);
    } catch (e) {
      record.error = e.message.split('\n')[0];
      break;
    }
  }
}


async function main() {
  const args = parseArgs(process.argv.slice(2));
  const status = probe();
  if (args.probe) {
    process.stdout.write(JSON.stringify(status, null, 2) + '\n');
    process.exit(status.ok ? 0 : 2);
  }
  if (!status.ok) fail(`cannot run: missing ${status.missing.join('; ')}`);

  const manifest = manifestFromArgs(args);
  if (!Array.isArray(manifest.cases) || manifest.cases.length === 0) fail('the manifest has no cases');
  const { chromium } = loadPlaywright();
  const began = Date.now();
  const server = await startServer({ upstream: manifest.upstream, upstreamToken: process.env.LSF_UPSTREAM_TOKEN });
  let browser;
  const output = { ok: false, tool: { lsf: LSF_VERSION, playwright: status.playwright, chromium: null, executable: status.chromium }, cases: [], totalMs: null };
  try {
    browser = await chromium.launch({
      executablePath: status.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
      env: { ...process.env, TZ: 'UTC' },
      timeout: 60000,
    });
    output.tool.chromium = browser.version();
    const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC', locale: 'en-US', deviceScaleFactor: 1, serviceWorkers: 'block' });
    const blocked = [];
    await context.route((url) => !isLocal(url), (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    output.launchMs = Date.now() - began;
    for (const c of manifest.cases) {
      const before = blocked.length;
      const r = await runCase(context, server, manifest, c);
      r.blockedRequests = blocked.slice(before);
      if (r.blockedRequests.length) {
        for (const u of r.blockedRequests) r.failures.push(`request outside 127.0.0.1 blocked: ${u}`);
        r.ok = false;
      }
      output.cases.push(r);
      process.stderr.write(`lsf-check: ${r.ok ? 'PASS' : 'FAIL'} ${r.name} render ${r.timings.renderMs ?? '-'} ms` +
        `${r.ok ? '' : `: ${r.failures[0]}`}\n`);
    }
    await context.close();
  } catch (e) {
    output.setupError = `browser: ${e.message.split('\n')[0]}`;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.close();
  }

  output.totalMs = Date.now() - began;
  output.ok = !output.setupError && output.cases.length === manifest.cases.length && output.cases.every((c) => c.ok);
  const text = JSON.stringify(output, null, 2) + '\n';
  if (args.out) fs.writeFileSync(args.out, text);
  else process.stdout.write(text);
  process.exit(output.setupError ? 2 : output.ok ? 0 : 1);
}

main().catch((e) => fail(`unexpected: ${e && e.stack ? e.stack : e}`));
