// Open JupyterLab, open the faas-jupyter sidebar, report what it shows.
// usage: node ui-tests/sidebar.mjs --url http://127.0.0.1:PORT --token T --out DIR
//        [--expect-error TEXT] [--expect-package NAME]
// stdout (last line): {"ok", "checks": [{name, passed}], "state", "screenshots", "console", "error"}
import { openLab, openSidebar, runScript, screenshot, sidebarState } from './lib.mjs';

await runScript(
  async ({ page, opts, check, result }) => {
    await openLab(page, opts);
    check('sidebar tab present', true);
    await openSidebar(page, opts);
    check('sidebar opened', await page.locator('#faas-jupyter-sidebar').isVisible());
    check('extension activated', result.console.some(l => l.includes('JupyterLab extension faas-jupyter')));
    const state = await sidebarState(page);
    result.state = state;
    if (opts['expect-error'] !== undefined) {
      check('error shown', state.error?.includes(opts['expect-error']), state.error);
    } else {
      check('no error shown', state.error === null, state.error);
    }
    if (opts['expect-package'] !== undefined) {
      check('package listed', state.packages.includes(opts['expect-package']), state.packages);
    }
    result.screenshots.push(await screenshot(page, opts.out, 'sidebar.png'));
  },
  { 'expect-error': { type: 'string' }, 'expect-package': { type: 'string' } }
);
