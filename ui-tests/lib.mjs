// Shared helpers for the browser checks: launch Debian's chromium through
// playwright-core (no browser download), open JupyterLab with a token, drive
// the faas-jupyter sidebar, and report one JSON result on stdout.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

export const SIDEBAR_ID = 'faas-jupyter-sidebar';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];

/** `--url http://127.0.0.1:PORT --token T --out DIR [--timeout MS]` plus script options. */
export function cliOptions(extra = {}) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8888' },
      token: { type: 'string', default: '' },
      out: { type: 'string', default: 'test-results' },
      timeout: { type: 'string', default: '60000' },
      ...extra
    }
  });
  return { ...values, url: values.url.replace(/\/+$/, ''), timeout: Number(values.timeout) };
}

/** A persistent context on a fresh profile dir (removed by `close`). */
export async function launch({ width = 1400, height = 900 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'faas-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

/** Open /lab with the token; resolves when the left sidebar tab bar is there. */
export async function openLab(page, { url, token, timeout }) {
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  await page.goto(`${url}/lab${q}`, { timeout });
  await page.locator(`li[data-id="${SIDEBAR_ID}"]`).waitFor({ timeout });
}

/** Click the sidebar tab and wait until the panel shows data or an error. */
export async function openSidebar(page, { timeout }) {
  const panel = page.locator(`#${SIDEBAR_ID}`);
  // The layout restorer may have reopened it already: a click would close it.
  if (!(await panel.isVisible())) {
    await page.locator(`li[data-id="${SIDEBAR_ID}"]`).click();
  }
  await panel.waitFor({ state: 'visible', timeout });
  await page.waitForFunction(
    id => {
      const node = document.getElementById(id);
      const who = node?.querySelector('[data-testid="faas-whoami"]')?.textContent;
      return Boolean(who || node?.querySelector('[data-testid="faas-error"]'));
    },
    SIDEBAR_ID,
    { timeout }
  );
  return panel;
}

const texts = loc => loc.evaluateAll(nodes => nodes.map(n => n.textContent.trim()));

/** What the sidebar shows now, as plain data for assertions in pytest. */
export async function sidebarState(page) {
  const panel = page.locator(`#${SIDEBAR_ID}`);
  const one = async id => {
    const loc = panel.locator(`[data-testid="${id}"]`);
    return (await loc.count()) ? (await loc.first().textContent()).trim() : null;
  };
  return {
    whoami: await one('faas-whoami'),
    error: await one('faas-error'),
    versionWarning: await one('faas-version-warning'),
    notice: await one('faas-inline-notice'),
    inlineErrors: await texts(panel.locator('[data-testid="faas-inline-error"]')),
    packages: await texts(panel.locator('[data-testid="faas-package"] > summary .faas-name')),
    services: await panel.locator('[data-testid="faas-service"]').evaluateAll(nodes =>
      nodes.map(n => ({
        name: n.querySelector('.faas-name')?.textContent.trim(),
        pinned: n.querySelector('.faas-row .faas-dim')?.textContent.trim(),
        drift: n.querySelector('[data-testid="faas-drift"]')?.textContent.trim() ?? null,
        paused: Boolean(n.querySelector('.faas-status-paused'))
      }))
    ),
    executions: await panel.locator('[data-testid="faas-execution"]').evaluateAll(rows =>
      rows.map(r => {
        const [id, call, status, duration, created] = [...r.querySelectorAll('td')].map(td => td.textContent.trim());
        const dot = call.lastIndexOf('.');
        return { id, service: call.slice(0, dot), function: call.slice(dot + 1), status, duration, created };
      })
    )
  };
}

export async function screenshot(page, out, name) {
  mkdirSync(out, { recursive: true });
  const path = join(out, name);
  await page.screenshot({ path });
  return path;
}

/**
 * Run `body(ctx)` with a browser; print `{"ok", "checks", "screenshots", ...}`
 * as the last stdout line and exit 0 only if every check passed.
 */
export async function runScript(body, extraOptions = {}) {
  const opts = cliOptions(extraOptions);
  const result = { ok: false, checks: [], screenshots: [], console: [], error: null };
  const check = (name, passed, detail = undefined) => {
    result.checks.push({ name, passed: Boolean(passed), ...(detail === undefined ? {} : { detail }) });
  };
  let browser = null;
  try {
    browser = await launch();
    browser.page.on('console', m => result.console.push(`${m.type()}: ${m.text()}`));
    browser.page.on('pageerror', e => result.console.push(`pageerror: ${e.message}`));
    await body({ ...browser, opts, check, result });
  } catch (err) {
    result.error = String(err?.stack ?? err);
    if (browser) {
      await screenshot(browser.page, opts.out, 'failure.png')
        .then(p => result.screenshots.push(p))
        .catch(() => undefined);
    }
  } finally {
    await browser?.close().catch(() => undefined);
  }
  result.ok = result.error === null && result.checks.every(c => c.passed);
  // exit once the line is written: to a pipe, stdout is asynchronous and an immediate exit
  // cuts a long result (many console lines on a busy machine) at 64 KB
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(result.ok ? 0 : 1));
}

// ---- sidebar actions (selectors are the data-testid attributes of the React components)

/** Expand a package and one of its revisions (revisions load on demand). */
export async function openRevision(page, pkg, version, { timeout }) {
  const panel = page.locator(`#${SIDEBAR_ID}`);
  const pkgNode = panel.locator('[data-testid="faas-package"]').filter({
    has: page.locator('summary .faas-name', { hasText: new RegExp(`^${pkg}$`) })
  });
  await pkgNode.locator('summary').first().click();
  const rev = pkgNode.locator('[data-testid="faas-revision"]').filter({
    has: page.locator('summary .faas-name', { hasText: new RegExp(`^${version.replace(/\./g, '\\.')}$`) })
  });
  await rev.waitFor({ timeout });
  await rev.locator('summary').click();
  return rev;
}

/** Deploy a module of a revision from the sidebar form; waits for the service row. */
export async function deployFromSidebar(page, { pkg, version, module, service, initInput = {} }, opts) {
  const rev = await openRevision(page, pkg, version, opts);
  const mod = rev.locator('.faas-module').filter({ has: page.locator('.faas-name', { hasText: new RegExp(`^${module}$`) }) });
  await mod.locator('[data-testid="faas-deploy"]').click();
  const form = mod.locator('[data-testid="faas-deploy-form"]');
  await form.locator('[data-testid="faas-service-name"]').fill(service);
  for (const [name, value] of Object.entries(initInput)) {
    await form.locator(`[data-testid="faas-input-${name}"]`).fill(String(value));
  }
  await form.locator('[data-testid="faas-deploy-submit"]').click();
  await page
    .locator(`#${SIDEBAR_ID} [data-testid="faas-service"] .faas-name`, { hasText: new RegExp(`^${service}$`) })
    .or(page.locator(`#${SIDEBAR_ID} [data-testid="faas-error"]`))
    .first()
    .waitFor({ timeout: opts.timeout });
}

/** Open the n-th execution row (0 = newest) and wait for its details. */
export async function openExecution(page, index, { timeout }) {
  await page.locator(`#${SIDEBAR_ID} [data-testid="faas-execution"]`).nth(index).click();
  const detail = page.locator(`#${SIDEBAR_ID} [data-testid="faas-execution-detail"]`);
  await detail.waitFor({ timeout });
  return detail;
}

/** Click every output Preview button of the open execution; returns the tables' text. */
export async function previewOutputs(page, { timeout }) {
  const detail = page.locator(`#${SIDEBAR_ID} [data-testid="faas-execution-detail"]`);
  const buttons = detail.locator('[data-testid="faas-preview-button"]');
  const n = await buttons.count();
  for (let i = 0; i < n; i++) {
    await buttons.first().click(); // a clicked button is replaced by its preview
  }
  if (n) {
    await detail.locator('[data-testid="faas-preview"]').nth(n - 1).waitFor({ timeout });
  }
  return texts(detail.locator('[data-testid="faas-preview"]'));
}
