// Triggers in the sidebar and the console, against a real jupyter-lab whose server hosts them.
// usage: node ui-tests/triggers.mjs --url http://127.0.0.1:PORT --token T --out DIR [--timeout MS]
// Expects the store tests/browser/test_triggers_browser.py seeds: process service `svc` (count,
// tick) with an event trigger `on-orders` (Item Created, key orders), a cron trigger `ticker`
// (every 2 s) and one item `orders` logged after them (its event waits for the service's home).
// stdout (last line): {"ok", "checks", "state", "screenshots", "console", "error"}
import { SIDEBAR_ID, openLab, openSidebar, runScript, screenshot } from './lib.mjs';

const CONSOLE = '#faas-jupyter-console';
const text = async loc => ((await loc.count()) ? (await loc.first().textContent()).trim() : null);

function triggerRow(scope, page, name) {
  return scope.locator(`[data-testid="faas-trigger"][data-trigger="${name}"]`);
}

/** Wait until the trigger row's `fired N` count reaches `n` (the sidebar polls every 5 s). */
async function firedAtLeast(page, root, name, n, timeout) {
  await page.waitForFunction(
    ([sel, want]) => {
      const t = document.querySelector(sel)?.textContent ?? '';
      const m = /fired (\d+)/.exec(t);
      return m !== null && Number(m[1]) >= want;
    },
    [`${root} [data-testid="faas-trigger"][data-trigger="${name}"] [data-testid="faas-trigger-fires"]`, n],
    { timeout }
  );
}

async function sidebarTriggers(page, { check, opts, result }) {
  const panel = page.locator(`#${SIDEBAR_ID}`);
  const section = panel.locator('[data-testid="faas-service-triggers"]').first();
  await section.waitFor({ timeout: opts.timeout });
  const orders = triggerRow(panel, page, 'on-orders');
  const ticker = triggerRow(panel, page, 'ticker');
  await orders.waitFor({ timeout: opts.timeout });
  check('event trigger says what it fires on', (await text(orders.locator('[data-testid="faas-trigger-what"]'))) === 'count ← Item Created · once');
  check('event trigger shows its filter', (await text(orders.locator('[data-testid="faas-trigger-filter"]'))).includes('"key":"orders"'));
  check('cron trigger says its schedule', (await text(ticker.locator('[data-testid="faas-trigger-what"]'))) === 'tick ← cron */2 * * * * *');
  await firedAtLeast(page, `#${SIDEBAR_ID}`, 'ticker', 1, opts.timeout);
  await firedAtLeast(page, `#${SIDEBAR_ID}`, 'on-orders', 1, opts.timeout);
  const next = await text(ticker.locator('[data-testid="faas-trigger-next"]'));
  check('cron trigger shows its next fire', /^next: (in \d+ s|\d+ s ago)$/.test(next), next);
  result.state.facts = await text(ticker.locator('[data-testid="faas-trigger-facts"]'));
  check('counts and last fire shown', /last: .*(ago|in).*fired \d+.*failed 0/.test(result.state.facts), result.state.facts);

  // the executions the event trigger started, and one of them in detail
  await orders.locator('[data-testid="faas-trigger-runs-button"]').click();
  const run = orders.locator('[data-testid="faas-trigger-run"]').first();
  await run.waitFor({ timeout: opts.timeout });
  await orders.locator('[data-testid="faas-trigger-run"]', { hasText: 'success' }).first().waitFor({ timeout: opts.timeout });
  await run.click();
  const detail = panel.locator('[data-testid="faas-execution-detail"]');
  await detail.waitFor({ timeout: opts.timeout });
  const startedBy = await text(detail.locator('[data-testid="faas-started-by"]'));
  check('execution detail names its trigger and event', /^started by trigger on-orders · event \S+/.test(startedBy), startedBy);
  const tags = await panel.locator('[data-testid="faas-execution"] [data-testid="faas-execution-trigger"]').allTextContents();
  check('executions table tags runs with their trigger', tags.includes('⚡on-orders') && tags.includes('⚡ticker'), tags);
  result.screenshots.push(await screenshot(page, opts.out, 'sidebar-triggers.png'));

  // deactivate the cron trigger with its toggle
  await ticker.locator('[data-testid="faas-trigger-active"]').click(); // the state follows the server's answer
  await ticker.locator('[data-testid="faas-trigger-next"]', { hasText: 'inactive' }).waitFor({ timeout: opts.timeout });
  check('toggle deactivates', !(await ticker.locator('[data-testid="faas-trigger-active"]').isChecked()));

  // add a cron trigger from the form: a bad spec first (the server's message, inline), then a good one
  const row = panel.locator('[data-testid="faas-service"]').filter({ has: page.locator('.faas-name', { hasText: /^svc$/ }) });
  await row.locator('[data-testid="faas-add-trigger"]').click();
  const form = row.locator('[data-testid="faas-trigger-form"]');
  await form.waitFor({ timeout: opts.timeout });
  await form.locator('[data-testid="faas-trigger-type"]').selectOption('Cron');
  await form.locator('[data-testid="faas-trigger-function"] option[value="tick"]').waitFor({ state: 'attached', timeout: opts.timeout });
  await form.locator('[data-testid="faas-trigger-function"]').selectOption('tick');
  await form.locator('[data-testid="faas-trigger-name"]').fill('nightly');
  await form.locator('[data-testid="faas-trigger-input"]').fill('{"label": oops}');
  await form.locator('[data-testid="faas-trigger-submit"]').click();
  check('bad JSON refused in the form', (await text(form.locator('[data-testid="faas-trigger-problem"]'))).startsWith('input is not valid JSON'));
  await form.locator('[data-testid="faas-trigger-input"]').fill('{"label": "night"}');
  await form.locator('[data-testid="faas-trigger-cron"]').fill('61 * * * *');
  await form.locator('[data-testid="faas-trigger-submit"]').click();
  const refused = form.locator('[data-testid="faas-inline-error"]');
  await refused.waitFor({ timeout: opts.timeout });
  check('a bad cron is refused next to the form', (await text(refused)).includes("minute field '61'"), await text(refused));
  await form.locator('[data-testid="faas-trigger-cron"]').fill('0 3 * * *');
  await form.locator('[data-testid="faas-trigger-submit"]').click();
  await triggerRow(panel, page, 'nightly').waitFor({ timeout: opts.timeout });
  check('the added trigger is listed', (await text(triggerRow(panel, page, 'nightly').locator('[data-testid="faas-trigger-what"]'))) === 'tick ← cron 0 3 * * *');
  result.screenshots.push(await screenshot(page, opts.out, 'sidebar-trigger-added.png'));
}

async function consoleTriggers(page, { check, opts, result }) {
  await page.locator(`#${SIDEBAR_ID} [data-testid="faas-open-console"]`).click();
  const c = page.locator(CONSOLE);
  await c.waitFor({ state: 'visible', timeout: opts.timeout });
  await c.locator('[data-testid="faas-tab-triggers"]').click();
  const tab = c.locator('[data-testid="faas-console-triggers"]');
  await triggerRow(tab, page, 'nightly').waitFor({ timeout: opts.timeout });
  const names = await tab.locator('[data-testid="faas-trigger"]').evaluateAll(rows => rows.map(r => r.getAttribute('data-trigger')));
  check('console lists every trigger of the project', JSON.stringify(names) === JSON.stringify(['nightly', 'on-orders', 'ticker']), names);
  const orders = triggerRow(tab, page, 'on-orders');
  const runs = orders.locator('[data-testid="faas-trigger-runs-button"]');
  if (await runs.count()) {
    await runs.click(); // (open already when the sidebar opened them: one shared model)
  }
  await orders.locator('[data-testid="faas-trigger-run"]').first().waitFor({ timeout: opts.timeout });
  result.screenshots.push(await screenshot(page, opts.out, 'console-triggers.png'));
  await orders.locator('[data-testid="faas-trigger-run"]').first().click();
  const detail = c.locator('[data-testid="faas-execution-detail"]');
  await detail.waitFor({ timeout: opts.timeout });
  check('a run opens in the Executions tab', (await c.locator('[data-testid="faas-tab-executions"]').getAttribute('aria-selected')) === 'true');
  check('its detail names the trigger', (await text(detail.locator('[data-testid="faas-started-by"]'))).startsWith('started by trigger on-orders'));
}

await runScript(async ({ page, opts, check, result }) => {
  result.state = {};
  await openLab(page, opts);
  await openSidebar(page, opts);
  await sidebarTriggers(page, { check, opts, result });
  await consoleTriggers(page, { check, opts, result });
});
