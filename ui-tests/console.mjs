// The FaaS console and the sidebar fixes, in light and dark themes, with contrast and axe checks.
// usage: node ui-tests/console.mjs --url http://127.0.0.1:PORT --token T --out DIR [--timeout MS]
// Expects the store tests/browser/test_console_browser.py seeds: package shapes (1.0.0, 1.0.1),
// process service tablesvc (table, head, slow), 100k recorded executions, items.
// stdout (last line): {"ok", "checks", "state", "screenshots", "console", "error"}
import { SIDEBAR_ID, openLab, openSidebar, runScript, screenshot } from './lib.mjs';
import { axeViolations, contrastReport, setTheme } from './theme.mjs';

const CONSOLE = '#faas-jupyter-console';
const sidebar = page => page.locator(`#${SIDEBAR_ID}`);
const text = async loc => ((await loc.count()) ? (await loc.first().textContent()).trim() : null);

/** Open the console through the command palette (checks the command's label). */
async function openConsoleFromPalette(page, { timeout }) {
  const input = page.locator('.lm-CommandPalette-input');
  const item = page.locator('.lm-CommandPalette-item.lm-mod-active', { hasText: 'FaaS: Open Console' });
  const deadline = Date.now() + timeout;
  for (let attempt = 0; ; attempt++) {
    if (!(await input.isVisible())) {
      // the menu can close on a late layout change of the starting page: open it again
      await page.keyboard.press('Escape');
      await page.locator('.lm-MenuBar-item', { hasText: /^View$/ }).click();
      await page.locator('.lm-Menu-itemLabel', { hasText: /^Activate Command Palette$/ }).click();
      await input.waitFor({ timeout: 5000 }).catch(() => undefined);
    }
    try {
      await input.fill('FaaS: Open Console', { timeout: 5000 });
      // Enter runs the active item: a click can chase an item the palette keeps re-rendering
      // while a starting Lab still registers commands (seen on a loaded 2-core CI machine)
      await item.waitFor({ timeout: 5000 });
      await input.press('Enter');
      await page.locator(CONSOLE).waitFor({ state: 'visible', timeout: 10000 });
      return;
    } catch (err) {
      if (attempt >= 4 || Date.now() > deadline) throw err;
    }
  }
}

async function rangeText(page) {
  return text(page.locator(`${CONSOLE} [data-testid="faas-pager-range"]`));
}

/** Wait until the pager shows something other than `before`. */
async function pagerChanged(page, before, timeout) {
  await page.waitForFunction(
    ([sel, old]) => {
      const t = document.querySelector(sel)?.textContent?.trim();
      return Boolean(t) && t !== old;
    },
    [`${CONSOLE} [data-testid="faas-pager-range"]`, before],
    { timeout }
  );
  return rangeText(page);
}

async function executionsTab(page, { check, opts, result }) {
  const c = page.locator(CONSOLE);
  await c.locator('[data-testid="faas-console-execution"]').first().waitFor({ timeout: opts.timeout });
  const first = await rangeText(page);
  const total = Number(first.split(' of ')[1].replace(/,/g, ''));
  result.state.total = total;
  check('executions table pages over 100k rows', /^1–50 of /.test(first) && total >= 100000, first);
  const heads = await c.locator('[data-testid="faas-console-executions"] th').allTextContents();
  check('table has the issue\'s columns', ['id', 'service', 'function', 'status', 'progress', 'duration', 'user', 'created'].every(h => heads.some(t => t.startsWith(h))), heads);
  await c.locator('[data-testid="faas-pager-next"]').click();
  check('next page comes from the server', (await pagerChanged(page, first, opts.timeout)).startsWith('51–100 of'), await rangeText(page));

  await c.locator('[data-testid="faas-sort-duration"]').click(); // longest first
  await page.waitForFunction(s => document.querySelector(s)?.getAttribute('aria-sort') !== 'none', `${CONSOLE} th:has([data-testid="faas-sort-duration"])`, { timeout: opts.timeout });
  await page.waitForTimeout(800);
  const durations = await c.locator('[data-testid="faas-console-execution"] td:nth-child(6)').allTextContents();
  check('sorted by duration, longest first', durations.length > 0 && durations.every(d => /min|h| s/.test(d)), durations.slice(0, 5));

  const before = await rangeText(page);
  await c.locator('[data-testid="faas-filter-status"]').selectOption('failed');
  const failedRange = await pagerChanged(page, before, opts.timeout);
  const statuses = await c.locator('[data-testid="faas-console-execution"] [data-testid="faas-status"]').allTextContents();
  check('status filter applied on the server', statuses.length > 0 && statuses.every(s => s === 'failed'), { failedRange, statuses: statuses.slice(0, 3) });
  await c.locator('[data-testid="faas-filter-status"]').selectOption('');
  await c.locator('[data-testid="faas-filter-range"]').selectOption('1h'); // only the real runs are that new
  await c.locator('[data-testid="faas-filter-function"]').selectOption('table');
  await page.waitForFunction(s => /of [1-9]$|of [1-9] /.test(document.querySelector(s)?.textContent ?? '') || /of \d{1,2}$/.test(document.querySelector(s)?.textContent ?? ''), `${CONSOLE} [data-testid="faas-pager-range"]`, { timeout: opts.timeout });
  await c.locator('[data-testid="faas-console-execution"]').first().click();
  const detail = c.locator('[data-testid="faas-execution-detail"]');
  await detail.locator('[data-testid="faas-logs"]', { hasText: 'making 3 rows' }).waitFor({ timeout: opts.timeout });
  await detail.locator('[data-testid="faas-preview-button"]').first().click();
  await detail.locator('[data-testid="faas-preview"]').first().waitFor({ timeout: opts.timeout });
  check('detail: inputs, logs and output preview', (await text(detail.locator('[data-testid="faas-inputs"]'))).includes('"n": 3') && (await text(detail.locator('[data-testid="faas-preview"]'))).includes('shape 3 × 2'));
  result.screenshots.push(await screenshot(page, opts.out, `console-executions-${result.theme}.png`));

  // Rerun with an edited, prefilled input
  await detail.locator('[data-testid="faas-rerun-edit"]').click();
  const input = detail.locator('[data-testid="faas-rerun-input"]');
  check('rerun form is prefilled with the old inputs', (await input.inputValue()).includes('"n": 3'), await input.inputValue());
  await input.fill('{"n": 4}');
  await detail.locator('[data-testid="faas-rerun-submit"]').click();
  await c.locator('[data-testid="faas-console-execution"]').nth(1).waitFor({ timeout: opts.timeout });
  await page.waitForFunction(
    s => [...document.querySelectorAll(s)].filter(r => r.textContent.includes('success')).length >= 2,
    `${CONSOLE} [data-testid="faas-console-execution"]`,
    { timeout: opts.timeout }
  );
  check('the rerun ran', true);
}

async function terminateSlowRun(page, { check, opts }) {
  // start a long run of the server-hosted service from the sidebar, terminate it in the console
  const row = sidebar(page).locator('[data-testid="faas-service"]').filter({ has: page.locator('.faas-name', { hasText: /^tablesvc$/ }) });
  await row.locator('[data-testid="faas-execute"]').click();
  const form = row.locator('[data-testid="faas-execute-form"]');
  await form.waitFor({ timeout: opts.timeout });
  await form.locator('select').selectOption('slow');
  await form.locator('[data-testid="faas-execute-submit"]').click();
  await form.waitFor({ state: 'detached', timeout: opts.timeout });
  const c = page.locator(CONSOLE);
  // the function menu learns the new function from the next poll
  await c.locator('[data-testid="faas-filter-function"] option[value="slow"]').waitFor({ state: 'attached', timeout: opts.timeout });
  await c.locator('[data-testid="faas-filter-function"]').selectOption('slow');
  const slowRow = c.locator('[data-testid="faas-console-execution"]', { hasText: 'slow' }).first();
  await slowRow.waitFor({ timeout: opts.timeout });
  await slowRow.click();
  const detail = c.locator('[data-testid="faas-execution-detail"]');
  await detail.locator('[data-testid="faas-logs"]', { hasText: 'tick 3' }).waitFor({ timeout: opts.timeout });
  check('live logs stream while the run is in progress', (await text(detail.locator('.faas-subtitle', { hasText: 'logs' }))).includes('live'));
  const logs = await text(detail.locator('[data-testid="faas-logs"]'));
  check('no blank lines between log lines', !/\n\s*\n/.test(logs), logs.slice(0, 200));
  await detail.locator('[data-testid="faas-terminate"]').click();
  await detail.locator('[data-testid="faas-status"]', { hasText: 'terminated' }).waitFor({ timeout: opts.timeout });
  check('Terminate stops a server-hosted run', true);
  check('terminated is not shown as an error', (await detail.locator('.faas-error').count()) === 0);
}

async function otherTabs(page, { check, opts, result }) {
  const c = page.locator(CONSOLE);
  for (const name of ['status', 'function', 'range']) {
    await c.locator(`[data-testid="faas-filter-${name}"]`).selectOption(''); // charts follow the filters
  }
  await c.locator('[data-testid="faas-tab-charts"]').click();
  await c.locator('[data-testid="faas-charts"] rect').first().waitFor({ timeout: opts.timeout });
  const bars = await c.locator('[data-testid="faas-charts"] rect').count();
  const fns = await c.locator('[data-testid="faas-duration-table"] tbody tr').count();
  check('charts: executions over time and p50/p95 per function', bars > 10 && fns >= 1, { bars, fns });
  result.screenshots.push(await screenshot(page, opts.out, `console-charts-${result.theme}.png`));

  await c.locator('[data-testid="faas-tab-items"]').click();
  await c.locator('[data-testid="faas-console-item"]').first().waitFor({ timeout: opts.timeout });
  await c.locator('[data-testid="faas-item-search"]').fill('settings');
  await page.waitForFunction(s => [...document.querySelectorAll(s)].length === 1, `${CONSOLE} [data-testid="faas-console-item"]`, { timeout: opts.timeout });
  check('items without a dataset are listed and searchable', (await text(c.locator('[data-testid="faas-console-item"]'))).includes('settings'));
  await c.locator('[data-testid="faas-item-search"]').fill('');
  const produced = c.locator('[data-testid="faas-console-item"]', { hasText: 'tablesvc.table' }).first();
  await produced.waitFor({ timeout: opts.timeout });
  await produced.click();
  await c.locator('[data-testid="faas-produced-by"]').waitFor({ timeout: opts.timeout });
  check('lineage names the producing execution and revision', /tablesvc\.table .* at revision shapes 1\.0\.1/.test(await text(c.locator('[data-testid="faas-produced-by"]'))), await text(c.locator('[data-testid="faas-produced-by"]')));
  result.screenshots.push(await screenshot(page, opts.out, `console-items-${result.theme}.png`));

  await c.locator('[data-testid="faas-tab-packages"]').click();
  await c.locator('[data-testid="faas-console-package"]').selectOption('shapes');
  await c.locator('[data-testid="faas-diff-file"]').first().waitFor({ timeout: opts.timeout });
  const rows = await c.locator('[data-testid="faas-revisions-table"] tbody tr').count();
  const dels = await c.locator('td.faas-diff-del').count();
  const adds = await c.locator('td.faas-diff-add').count();
  check('packages: revisions and a side-by-side diff', rows === 2 && dels >= 1 && adds >= 1, { rows, dels, adds });
  result.screenshots.push(await screenshot(page, opts.out, `console-packages-${result.theme}.png`));
  await c.locator('[data-testid="faas-tab-executions"]').click();
}

async function sidebarFixes(page, { check, opts, result }) {
  const panel = sidebar(page);
  const row = panel.locator('[data-testid="faas-service"]').filter({ has: page.locator('.faas-name', { hasText: /^tablesvc$/ }) });
  // an Integer field refuses 1.5 next to the field, and nothing runs
  await row.locator('[data-testid="faas-execute"]').click();
  const form = row.locator('[data-testid="faas-execute-form"]');
  await form.waitFor({ timeout: opts.timeout });
  await form.locator('select').selectOption('table');
  await form.locator('[data-testid="faas-input-n"]').fill('1.5');
  await form.locator('[data-testid="faas-execute-submit"]').click();
  check('Integer field refuses 1.5 inline', (await text(form.locator('[data-testid="faas-field-error"]')))?.includes("whole number, not '1.5'"), await text(form.locator('[data-testid="faas-field-error"]')));
  // an item input from the searchable picker
  await form.locator('select').selectOption('head');
  await form.locator('[data-testid="faas-input-table"]').click();
  const option = form.locator('[data-testid="faas-item-option"]').first();
  await option.waitFor({ timeout: opts.timeout });
  await option.dispatchEvent('mousedown');
  const picked = await form.locator('[data-testid="faas-input-table"]').inputValue();
  check('item picker fills the item id', /^[0-9a-f]{32}$/.test(picked), picked);
  await form.locator('[data-testid="faas-execute-submit"]').click();
  await form.waitFor({ state: 'detached', timeout: opts.timeout });

  // an error stays next to the control that caused it, across polls
  const pkg = panel.locator('[data-testid="faas-package"]').first();
  if (!(await pkg.getAttribute('open'))) {
    await pkg.locator('summary').first().click();
  }
  const rev = pkg.locator('[data-testid="faas-revision"]').first();
  await rev.waitFor({ timeout: opts.timeout });
  await rev.locator('summary').click();
  await rev.locator('[data-testid="faas-deploy"]').first().click();
  const deploy = rev.locator('[data-testid="faas-deploy-form"]');
  const proposed = await deploy.locator('[data-testid="faas-service-name"]').inputValue();
  check('default service name is unique', proposed !== 'tablesvc' && proposed.length > 0, proposed);
  await deploy.locator('[data-testid="faas-service-name"]').fill('tablesvc');
  await deploy.locator('[data-testid="faas-deploy-submit"]').click();
  const inline = deploy.locator('[data-testid="faas-inline-error"]');
  await inline.waitFor({ timeout: opts.timeout });
  await page.waitForTimeout(6500); // more than one poll (5 s)
  const still = await text(inline);
  check('deploy error stays next to the form after a poll', Boolean(still) && still.includes('tablesvc'), still);
  check('error words fit the UI (no Python calls)', !/ws\.|proj\.|\(\)/.test(still), still);
  result.screenshots.push(await screenshot(page, opts.out, `sidebar-error-${result.theme}.png`));
  await deploy.locator('.faas-dismiss').click();
  check('error dismissed', (await inline.count()) === 0);
}

async function themeChecks(page, theme, { check, opts, result }) {
  result.theme = theme;
  const contrast = await contrastReport(page, [`#${SIDEBAR_ID}`, CONSOLE]);
  result.state.contrast[theme] = contrast;
  check(`${theme}: badges and code blocks reach 4.5:1`, contrast.min >= 4.5, contrast.worst);
  const axe = await axeViolations(page, [`#${SIDEBAR_ID}`, CONSOLE]);
  result.state.axe[theme] = axe;
  check(`${theme}: axe finds no serious or critical violation`, axe.length === 0, axe);
}

async function pollingPauses(page, { check, opts, result }) {
  const seen = [];
  const onRequest = r => r.url().includes('/faas/api/summary') && seen.push(r.url());
  // hide the sidebar, close the console: nothing shows the data, so nothing is asked
  await page.locator(`li[data-id="${SIDEBAR_ID}"]`).click();
  await sidebar(page).waitFor({ state: 'hidden', timeout: opts.timeout });
  // the README's picture: the console on its own, the newest run open
  await page.locator(`${CONSOLE} [data-testid="faas-console-execution"]`).first().click();
  await page.locator(`${CONSOLE} [data-testid="faas-execution-detail"]`).waitFor({ timeout: opts.timeout });
  await page.waitForTimeout(500);
  result.screenshots.push(await screenshot(page, opts.out, 'console-readme.png'));
  await page.locator('.lm-TabBar-tab', { hasText: 'FaaS Console' }).locator('.lm-TabBar-tabCloseIcon').click();
  await page.locator(CONSOLE).waitFor({ state: 'detached', timeout: opts.timeout });
  page.on('request', onRequest);
  await page.waitForTimeout(11000);
  check('no polling while the sidebar is hidden', seen.length === 0, seen.length);
  await page.locator(`li[data-id="${SIDEBAR_ID}"]`).click();
  await page.waitForTimeout(6000);
  page.off('request', onRequest);
  check('one summary request per tick when shown', seen.length >= 1 && seen.length <= 3, seen.length);
}

await runScript(async ({ page, opts, check, result }) => {
  result.state = { contrast: {}, axe: {} };
  await openLab(page, opts);
  await openSidebar(page, opts);
  const no = page.getByRole('button', { name: 'No', exact: true });
  if (await no.count()) {
    await no.first().click().catch(() => undefined);
  }
  await openConsoleFromPalette(page, opts);
  check('FaaS: Open Console from the palette opens the console', await page.locator(CONSOLE).isVisible());
  await setTheme(page, 'light', opts);
  result.theme = 'light';
  await executionsTab(page, { check, opts, result });
  await terminateSlowRun(page, { check, opts });
  await otherTabs(page, { check, opts, result });
  await sidebarFixes(page, { check, opts, result });
  await themeChecks(page, 'light', { check, opts, result });

  await setTheme(page, 'dark', opts);
  result.theme = 'dark';
  await page.locator(`${CONSOLE} [data-testid="faas-console-execution"]`).first().click();
  await page.locator(`${CONSOLE} [data-testid="faas-execution-detail"]`).waitFor({ timeout: opts.timeout });
  result.screenshots.push(await screenshot(page, opts.out, 'console-executions-dark.png'));
  await otherTabs(page, { check, opts, result });
  await sidebar(page).locator('[data-testid="faas-execution"]').first().click();
  await sidebar(page).locator('[data-testid="faas-execution-detail"]').waitFor({ timeout: opts.timeout });
  result.screenshots.push(await screenshot(page, opts.out, 'sidebar-dark.png'));
  await themeChecks(page, 'dark', { check, opts, result });
  // the sidebar button opens the console too
  await page.locator('.lm-TabBar-tab', { hasText: 'FaaS Console' }).locator('.lm-TabBar-tabCloseIcon').click();
  await sidebar(page).locator('[data-testid="faas-open-console"]').click();
  check('the sidebar button opens the console', await page.locator(CONSOLE).isVisible());
  // every item, also those in no dataset, from the sidebar's Datasets section
  await sidebar(page).locator('[data-testid="faas-open-items"]').click();
  const itemsTab = page.locator(`${CONSOLE} [data-testid="faas-tab-items"][aria-selected="true"]`);
  await itemsTab.waitFor({ timeout: opts.timeout });
  await page.locator(`${CONSOLE} [data-testid="faas-console-item"]`).first().waitFor({ timeout: opts.timeout });
  check('"All items" in the sidebar opens the console\'s Items tab', await itemsTab.isVisible());
  await page.locator(`${CONSOLE} [data-testid="faas-tab-executions"]`).click();
  await setTheme(page, 'light', opts);
  await pollingPauses(page, { check, opts, result });
});
