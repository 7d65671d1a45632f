// Run a notebook that shows the RevisionBrowser and DeployPanel, check they render,
// click Deploy, and report. pytest (tests/browser/test_widgets_browser.py) asserts the
// service exists through the workspace API.
// usage: node ui-tests/widgets.mjs --url http://127.0.0.1:PORT --token T --out DIR --notebook NAME.ipynb
// stdout (last line): {"ok", "checks": [{name, passed, detail}], "screenshots", "console", "error"}
import { runScript, screenshot } from './lib.mjs';
import { contrastReport, setTheme } from './theme.mjs';

const textOf = async loc => ((await loc.count()) ? (await loc.first().textContent()).trim() : null);

await runScript(
  async ({ page, opts, check, result }) => {
    const { timeout } = opts;
    const q = opts.token ? `?token=${encodeURIComponent(opts.token)}` : '';
    await page.goto(`${opts.url}/lab/tree/${opts.notebook}${q}`, { timeout });
    await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout });
    // The status bar reads "Python 3 (ipykernel) | Idle" once the kernel is connected.
    await page.locator('.jp-StatusBar-TextItem', { hasText: /\| Idle$/ }).first().waitFor({ timeout });
    await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();

    const browser = page.locator('.faas-revision-browser');
    const panel = page.locator('.faas-deploy-panel');
    await browser.waitFor({ timeout });
    await panel.waitFor({ timeout });
    check('revision browser rendered', await browser.isVisible());
    const rows = browser.locator('.faas-revision-rows select');
    const table = await textOf(rows);
    check('revisions table lists both versions', table?.includes('1.0.0') && table?.includes('1.0.1'), table);
    const diff = browser.locator('.faas-diff');
    await diff.waitFor({ timeout });
    check('coloured diff rendered (anywidget)', (await diff.locator('.faas-diff-add').count()) > 0,
          await textOf(diff.locator('.faas-diff-title')));
    await rows.selectOption({ index: 1 }); // a click on the second row: 1.0.0 (latest first)
    const deployLabel = browser.locator('button', { hasText: /^Deploy 1\.0\.0$/ });
    await deployLabel.waitFor({ timeout });
    check('a row click chooses that revision', await deployLabel.isVisible());
    await browser.locator('button', { hasText: 'Download 1.0.0.zip' }).click();
    const link = browser.locator('a.faas-download');
    await link.waitFor({ timeout });
    const href = await link.getAttribute('href');
    const zip = await page.request.get(new URL(href, opts.url).toString());
    const body = await zip.body();
    check('codebase download is a file the server extension serves',
          zip.status() === 200 && zip.headers()['content-type'] === 'application/zip' && body.subarray(0, 2).toString() === 'PK',
          { href, status: zip.status(), type: zip.headers()['content-type'] });
    check('deploy panel rendered', await panel.isVisible());
    result.screenshots.push(await screenshot(page, opts.out, 'widgets-before-deploy.png'));

    await panel.locator('.faas-deploy-button').click();
    await panel.locator('.faas-ok, .faas-error').first().waitFor({ timeout });
    const message = await textOf(panel.locator('.faas-ok, .faas-error'));
    check('deploy reported success', message?.includes(`deployed ${opts.service}`), message);
    await panel.scrollIntoViewIfNeeded();
    result.screenshots.push(await screenshot(page, opts.out, 'widgets-after-deploy.png'));
    // both themes: the widgets' colours are theme variables
    for (const theme of ['light', 'dark']) {
      await setTheme(page, theme, opts);
      await browser.scrollIntoViewIfNeeded();
      result.screenshots.push(await screenshot(page, opts.out, `widgets-${theme}.png`));
      const contrast = await contrastReport(page, ['.faas-revision-browser', '.faas-deploy-panel']);
      check(`${theme}: widget diff lines and status lines reach 4.5:1`, contrast.checked > 0 && contrast.min >= 4.5, contrast.worst);
    }
  },
  { notebook: { type: 'string', default: 'widgets.ipynb' }, service: { type: 'string', default: 'shapes' } }
);
