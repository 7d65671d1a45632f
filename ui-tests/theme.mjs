// Theme helpers for the browser checks: switch JupyterLab's theme, measure text contrast
// (WCAG 2 formula, alpha blended over the effective background), run axe-core.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const THEMES = { light: 'JupyterLab Light', dark: 'JupyterLab Dark' };

/** Settings > Theme > JupyterLab Light|Dark, then wait until the theme's CSS applies. */
export async function setTheme(page, theme, { timeout }) {
  const name = THEMES[theme];
  const current = await page.evaluate(() => document.body.dataset.jpThemeName);
  if (current === name) {
    return;
  }
  await page.locator('.lm-MenuBar-item', { hasText: /^Settings$/ }).click();
  await page.locator('.lm-Menu-item', { hasText: /^Theme/ }).first().hover();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${name}$`) }).click();
  await page.waitForFunction(n => document.body.dataset.jpThemeName === n, name, { timeout });
  await page.waitForFunction(
    light => document.body.dataset.jpThemeLight === String(light),
    theme === 'light',
    { timeout }
  );
  await page.waitForTimeout(500); // the theme's stylesheet has loaded; let layout settle
}

/**
 * Contrast of badges and code blocks (and, for information, every text cell) below `roots`:
 * `{min, worst: [{what, text, ratio, fg, bg}], checked}`; `min` covers badges and code.
 */
export async function contrastReport(page, roots) {
  return page.evaluate(selectors => {
    const parse = c => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) {
        return [0, 0, 0, 0];
      }
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, bottom) => {
      const a = top[3];
      return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
    };
    const background = el => {
      const layers = [];
      for (let n = el; n; n = n.parentElement) {
        const bg = parse(getComputedStyle(n).backgroundColor);
        if (bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) {
            break;
          }
        }
      }
      let out = [255, 255, 255, 1];
      for (const layer of layers.reverse()) {
        out = over(layer, out);
      }
      return out;
    };
    const lum = rgb =>
      0.2126 * ch(rgb[0]) + 0.7152 * ch(rgb[1]) + 0.0722 * ch(rgb[2]);
    function ch(v) {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }
    const ratio = (a, b) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const kinds = [
      ['badge', '.faas-status, .faas-ok, .faas-field-error'],
      ['code', '.faas-code, .faas-logs, .faas-preview td, .faas-diff pre span'],
      ['text', '.faas-table td, .faas-table th, .faas-dim, .faas-error, .faas-field-error, .faas-empty']
    ];
    const found = [];
    for (const root of selectors.map(s => document.querySelector(s)).filter(Boolean)) {
      for (const [what, sel] of kinds) {
        for (const el of root.querySelectorAll(sel)) {
          const t = el.textContent.trim();
          if (!t || !el.getClientRects().length) {
            continue;
          }
          const bg = background(el);
          const fg = over(parse(getComputedStyle(el).color), bg);
          found.push({ what, text: t.slice(0, 30), ratio: Math.round(ratio(fg, bg) * 100) / 100, fg, bg });
        }
      }
    }
    const key = found.filter(f => f.what !== 'text');
    found.sort((a, b) => a.ratio - b.ratio);
    return {
      min: key.length ? Math.min(...key.map(f => f.ratio)) : 0,
      textMin: found.length ? found[0].ratio : 0,
      checked: found.length,
      worst: found.slice(0, 5)
    };
  }, roots);
}

/** Serious and critical axe-core (WCAG 2.1 A/AA) violations inside `roots`. */
export async function axeViolations(page, roots) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  return page.evaluate(async selectors => {
    const include = selectors.filter(s => document.querySelector(s)).map(s => [s]);
    const r = await window.axe.run(
      { include },
      { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }
    );
    return r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  }, roots);
}
