#!/usr/bin/env node
// ls-app.js -- an annotator in the REAL Label Studio web app (its data manager and bundled editor) in Debian Chromium.
//   node ls-app.js MANIFEST.json OUT.json      (password in LS_PASSWORD; playwright-core from tests/editor/node_modules)
// MANIFEST: { url, username, project, task, actions: [...], screenshots?: dir, timeoutMs?: 120000 }
//   actions, in order:
//     {do:"check"}                           wait for the chart, then measure every channel's line by pixels (below)
//     {do:"label", value:"Anomaly"}          select a label (click its chip in the labels bar)
//     {do:"drag", channel:0, from:.3, to:.5} drag with the mouse across a channel's plot (fractions of its width)
//     {do:"select-region", index:0}          click a region in the regions list (outliner)
//     {do:"move-edge", edge:"e", by:.1}      drag the selected region's right ("e") or left ("w") edge by a fraction of the width
//     {do:"delete-region"}                   delete the selected region (Backspace, the editor's hotkey)
//     {do:"unclip"}                          negative-test helper: remove the clip-paths that keep lines inside their plots
//     {do:"submit"}                          press Submit (or Update) and record the annotation request's answer
// Pixel check: for each .htx-timeseries-channel, its plot is the brush overlay rect (the area a person drags on); the
// channel's svg is screenshotted and every pixel of the line's stroke colour is counted inside and outside the plot.
// A line drawn outside its plot shows outside pixels; a missing line shows no inside pixels.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'editor', 'node_modules', 'playwright-core'));

const [manifestPath, outPath] = process.argv.slice(2);
const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const base = m.url.replace(/\/$/, '');
const timeout = m.timeoutMs || 120000;
const out = { ok: false, steps: [], checks: [], submissions: [], consoleErrors: [], failedRequests: [] };
const T0 = Date.now();
const log = (...a) => console.error(`[${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

async function measure(page, shotIndex) {
  const channels = await page.$$('.htx-timeseries-channel');
  const result = [];
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[i];
    const info = await ch.evaluate(el => {
      const svg = el.querySelector('svg');
      const overlay = svg && svg.querySelector('g.new_brush rect.overlay');
      const lines = svg ? [...svg.querySelectorAll('path')].filter(p => (p.getAttribute('d') || '').length > 200) : [];
      const r = b => ({ x: b.x, y: b.y, w: b.width, h: b.height });
      return {
        svg: svg ? r(svg.getBoundingClientRect()) : null,
        plot: overlay ? r(overlay.getBoundingClientRect()) : null,
        strokes: lines.map(p => getComputedStyle(p).stroke),
        paths: lines.length,
      };
    });
    if (!info.svg || !info.plot || info.paths === 0) { result.push({ index: i, ...info, inside: 0, outside: 0 }); continue; }
    await ch.scrollIntoViewIfNeeded();
    const svgBox = await ch.$('svg').then(s => s.boundingBox());
    const plotBox = await ch.$('g.new_brush rect.overlay').then(o => o.boundingBox());
    const png = await page.screenshot({ clip: svgBox });
    if (m.screenshots) fs.writeFileSync(path.join(m.screenshots, `check${shotIndex}-channel${i}.png`), png);
    // count stroke-coloured pixels inside / outside the plot; playwright-core has no PNG decoder, so the page's canvas decodes it
    const counts = await page.evaluate(async ({ b64, stroke, plot, svg }) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, c.width, c.height).data;
      const stroke3 = stroke.match(/\d+/g).slice(0, 3).map(Number);
      // The background is the most common colour; a pixel belongs to the line when it is the background blended with
      // at least 35 % of the stroke colour (anti-aliased edges included) and nothing else (grid, axes, text are grey).
      const freq = new Map(); let bg = [255, 255, 255], best = 0;
      for (let k = 0; k < data.length; k += 4) {
        const key = (data[k] << 16) | (data[k + 1] << 8) | data[k + 2];
        const n = (freq.get(key) || 0) + 1; freq.set(key, n);
        if (n > best) { best = n; bg = [data[k], data[k + 1], data[k + 2]]; }
      }
      const sv = stroke3.map((v, j) => v - bg[j]); const ss = sv.reduce((t, v) => t + v * v, 0) || 1;
      const sx = img.width / svg.width, sy = img.height / svg.height;
      const slack = 3; // px: anti-aliasing and the 1-px border of the plot
      const px0 = (plot.x - svg.x) * sx - slack, px1 = (plot.x + plot.width - svg.x) * sx + slack;
      const py0 = (plot.y - svg.y) * sy - slack, py1 = (plot.y + plot.height - svg.y) * sy + slack;
      let inside = 0, outside = 0; const outsideAt = [];
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
        const k = (y * c.width + x) * 4;
        const d = [data[k] - bg[0], data[k + 1] - bg[1], data[k + 2] - bg[2]];
        const a = (d[0] * sv[0] + d[1] * sv[1] + d[2] * sv[2]) / ss;
        if (a < 0.35) continue;
        const residual = Math.hypot(d[0] - a * sv[0], d[1] - a * sv[1], d[2] - a * sv[2]);
        if (residual > 30) continue;
        if (x >= px0 && x <= px1 && y >= py0 && y <= py1) inside++;
        else { outside++; if (outsideAt.length < 5) outsideAt.push([x, y]); }
      }
      return { inside, outside, outsideAt };
    }, { b64: png.toString('base64'), stroke: info.strokes[0], plot: plotBox, svg: svgBox });
    result.push({ index: i, ...info, ...counts });
  }
  return result;
}

async function waitForChart(page) {
  await page.waitForFunction(() => {
    const chs = [...document.querySelectorAll('.htx-timeseries-channel')];
    return chs.length > 0 && chs.every(ch => [...ch.querySelectorAll('svg path')].some(p => (p.getAttribute('d') || '').length > 200));
  }, null, { timeout });
  await page.waitForTimeout(800); // let the last frame paint
}

async function plotBox(page, channel) {
  const ch = page.locator('.htx-timeseries-channel').nth(channel);
  await ch.scrollIntoViewIfNeeded();
  return ch.locator('g.new_brush rect.overlay').first().boundingBox();
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC', deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    page.setDefaultTimeout(timeout);
    page.on('console', x => { if (x.type() === 'error') out.consoleErrors.push(x.text().slice(0, 300)); });
    page.on('pageerror', e => out.consoleErrors.push('pageerror: ' + String(e).slice(0, 300)));
    page.on('response', r => { if (r.status() >= 400) out.failedRequests.push(`${r.status()} ${r.request().method()} ${r.url().replace(base, '').slice(0, 160)}`); });

    await page.goto(`${base}/user/login/`);
    await page.fill('input[name="email"]', m.username);
    await page.fill('input[name="password"]', process.env.LS_PASSWORD || '');
    await Promise.all([page.waitForURL(u => !String(u).includes('/user/login')), page.click('button[type="submit"], input[type="submit"]')]);
    out.steps.push({ do: 'login', at: page.url().replace(base, '') });

    const tOpen = Date.now();
    await page.goto(`${base}/projects/${m.project}/data?task=${m.task}`);
    await waitForChart(page);
    out.openToChartMs = Date.now() - tOpen;
    log(`chart drawn after ${out.openToChartMs} ms`);

    let shots = 0;
    for (const a of m.actions) {
      const step = { ...a };
      if (a.do === 'check') {
        step.channels = await measure(page, shots++);
        out.checks.push(step.channels);
      } else if (a.do === 'unclip') {
        step.removed = await page.evaluate(() => {
          let n = 0;
          for (const el of document.querySelectorAll('.htx-timeseries-channel [clip-path]')) { el.removeAttribute('clip-path'); n++; }
          for (const el of document.querySelectorAll('.htx-timeseries-channel clipPath')) { el.remove(); n++; }
          return n;
        });
        await page.waitForTimeout(300);
      } else if (a.do === 'label') {
        const chip = page.locator('.lsf-label').filter({ hasText: new RegExp(`^\\s*${a.value}\\s*\\d*\\s*$`) }).first();
        await chip.scrollIntoViewIfNeeded();
        await chip.click();
        await page.waitForTimeout(200);
        step.chipClass = await chip.evaluate(el => el.className);
      } else if (a.do === 'drag') {
        const box = await plotBox(page, a.channel || 0);
        const y = box.y + box.height / 2, x0 = box.x + box.width * a.from, x1 = box.x + box.width * a.to;
        await page.mouse.move(x0, y); await page.mouse.down();
        await page.mouse.move(x1, y, { steps: 15 }); await page.mouse.up();
        await page.waitForTimeout(500);
        step.pixels = [x0, x1, y];
      } else if (a.do === 'select-region') {
        const items = page.locator('.lsf-region-item, .lsf-outliner-item');
        step.listed = await items.count();
        await items.nth(a.index).click();
        await page.waitForTimeout(300);
      } else if (a.do === 'move-edge') {
        const box = await plotBox(page, a.channel || 0);
        const handle = page.locator(`.htx-timeseries-channel g.brush .handle--${a.edge}`).first();
        const hb = await handle.boundingBox();
        if (!hb) throw new Error('no handle of a selected region to drag');
        const x = hb.x + hb.width / 2, y = hb.y + hb.height / 2;
        await page.mouse.move(x, y); await page.mouse.down();
        await page.mouse.move(x + box.width * a.by, y, { steps: 15 }); await page.mouse.up();
        await page.waitForTimeout(500);
        step.pixels = [x, x + box.width * a.by, y];
      } else if (a.do === 'delete-region') {
        await page.keyboard.press('Backspace');
        await page.waitForTimeout(300);
      } else if (a.do === 'submit') {
        const button = page.locator('button[aria-label="submit"], button[aria-label="update"]').first();
        const [resp] = await Promise.all([
          page.waitForResponse(r => /\/api\/tasks\/\d+\/annotations|\/api\/annotations\/\d+/.test(r.url()) && ['POST', 'PATCH'].includes(r.request().method())),
          button.click(),
        ]);
        let body = null; try { body = await resp.json(); } catch { /* not JSON */ }
        out.submissions.push({ status: resp.status(), method: resp.request().method(), url: resp.url().replace(base, ''), body });
        await page.waitForTimeout(800);
      } else {
        throw new Error(`unknown action ${a.do}`);
      }
      if (m.screenshots) await page.screenshot({ path: path.join(m.screenshots, `step${out.steps.length}-${a.do}.png`) });
      out.steps.push(step);
      log(`${a.do} done`);
    }
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.stack || e).slice(0, 2000);
  } finally {
    await browser.close();
    out.totalMs = Date.now() - T0;
    fs.writeFileSync(outPath, JSON.stringify(out, null, 1));
  }
  process.exit(out.ok ? 0 : 1);
})();
