// The issue-7 flow in the sidebar against a real jupyter-lab with the faas_jupyter server extension.
// usage: node ui-tests/flow.mjs --url http://127.0.0.1:PORT --token T --out DIR --phase deploy|restarted
//        [--package shapes --version 1.0.0 --module default_module --service tablesvc --rows 3]
// phase "deploy":    the pushed package is listed; deploy a revision from the sidebar; execute
//                    `table`; the execution succeeds with its logs and a DataFrame preview.
// phase "restarted": (after the server restarted on the same store) the service is listed again
//                    and a new execution from the sidebar succeeds in the restarted server.
// stdout (last line): {"ok", "checks", "state", "screenshots", "console", "error"}
import {
  SIDEBAR_ID,
  deployFromSidebar,
  openExecution,
  openLab,
  openRevision,
  openSidebar,
  previewOutputs,
  runScript,
  screenshot,
  sidebarState
} from './lib.mjs';

const panelOf = page => page.locator(`#${SIDEBAR_ID}`);

function serviceRow(page, name) {
  return panelOf(page)
    .locator('[data-testid="faas-service"]')
    .filter({ has: page.locator('.faas-name', { hasText: new RegExp(`^${name}$`) }) });
}

/** Run `fn` of a service from its Execute form; waits until `count` executions succeeded. */
async function executeFromSidebar(page, { service, fn, inputs, count }, { timeout }) {
  const row = serviceRow(page, service);
  await row.locator('[data-testid="faas-execute"]').click();
  const form = row.locator('[data-testid="faas-execute-form"]');
  await form.waitFor({ timeout });
  await form.locator('select').selectOption(fn);
  for (const [name, value] of Object.entries(inputs)) {
    await form.locator(`[data-testid="faas-input-${name}"]`).fill(String(value));
  }
  await form.locator('[data-testid="faas-execute-submit"]').click();
  // the list refreshes after the action and then every few seconds: wait for the final status
  await page.waitForFunction(
    ([id, n]) =>
      [...document.querySelectorAll(`#${id} [data-testid="faas-execution"]`)].filter(r =>
        r.textContent.includes('success')
      ).length >= n ||
      [...document.querySelectorAll(`#${id} [data-testid="faas-execution"]`)].some(r =>
        /failed|system-failure/.test(r.textContent)
      ),
    [SIDEBAR_ID, count],
    { timeout }
  );
}

await runScript(
  async ({ page, opts, check, result }) => {
    const o = { pkg: opts.package, version: opts.version, module: opts.module, service: opts.service };
    await openLab(page, opts);
    await openSidebar(page, opts);
    let state = await sidebarState(page);
    check('no error shown', state.error === null, state.error);
    check('pushed package listed', state.packages.includes(o.pkg), state.packages);

    if (opts.phase === 'deploy') {
      await deployFromSidebar(page, o, opts);
      state = await sidebarState(page);
      const svc = state.services.find(s => s.name === o.service);
      check('service deployed from the sidebar', Boolean(svc) && state.error === null, state.error ?? state.services);
      check('service pinned to the chosen revision', svc?.pinned?.includes(`@ ${o.version}`), svc?.pinned);
    } else {
      const svc = state.services.find(s => s.name === o.service);
      check('service is back after the restart', Boolean(svc), state.services);
      await openRevision(page, o.pkg, o.version, opts); // the Execute form needs the revision's functions
    }
    const count = opts.phase === 'deploy' ? 1 : 2;
    await executeFromSidebar(page, { service: o.service, fn: 'table', inputs: { n: opts.rows }, count }, opts);
    state = await sidebarState(page);
    const done = state.executions.filter(e => e.service === o.service && e.function === 'table');
    check('execution succeeded', done.filter(e => e.status === 'success').length === count, state.executions);

    const detail = await openExecution(page, 0, opts);
    await detail.locator('[data-testid="faas-logs"]', { hasText: 'making' }).waitFor({ timeout: opts.timeout });
    const logs = (await detail.locator('[data-testid="faas-logs"]').textContent()).trim();
    check('execution logs shown', logs.includes(`making ${opts.rows} rows`), logs);
    const previews = await previewOutputs(page, opts);
    result.previews = previews;
    check(
      'DataFrame preview shown',
      previews.length === 1 && previews[0].includes(`shape ${opts.rows} × 2`) && previews[0].includes('a'),
      previews
    );
    result.state = await sidebarState(page);
    await detail.scrollIntoViewIfNeeded();
    // JupyterLab's "notified about news?" toast covers part of the screenshot: answer it
    const no = page.getByRole('button', { name: 'No', exact: true });
    if (await no.count()) {
      await no.first().click().catch(() => undefined);
      await no.first().waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
    }
    result.screenshots.push(await screenshot(page, opts.out, `sidebar-${opts.phase}.png`));
  },
  {
    phase: { type: 'string', default: 'deploy' },
    package: { type: 'string', default: 'shapes' },
    version: { type: 'string', default: '1.0.0' },
    module: { type: 'string', default: 'default_module' },
    service: { type: 'string', default: 'tablesvc' },
    rows: { type: 'string', default: '3' }
  }
);
