import { durationBars, histogramBars, niceMax, stackedBars } from '../src/console/charts';
import { sideBySide } from '../src/console/diff';
import { ConsoleModel, toQuery, NO_FILTERS } from '../src/console/model';
import { uiText } from '../src/messages';
import { FaasModel } from '../src/model';
import { LABEXTENSION_VERSION } from '../src/version';
import { FakeServer } from './fakeserver';

const rows = (offset: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `e${offset + i}`, functionName: 'run', status: 'success' }));

function consoleOn(server: FakeServer): ConsoleModel {
  return new ConsoleModel(new FaasModel(server.api(), { labextensionVersion: LABEXTENSION_VERSION }));
}

describe('ConsoleModel', () => {
  it('pages, sorts and filters on the server', async () => {
    const server = new FakeServer()
      .on('GET console/executions', (r: any) => {
        const offset = Number(r.query.get('offset'));
        return { json: { items: rows(offset, 50), total: 100_000, limit: 50, offset } };
      })
      .on('GET console/filters', { services: ['svc'], functions: ['run'], users: ['ann'], itemTypes: [] });
    const m = consoleOn(server);
    await m.refresh();
    expect(m.rows[0].id).toBe("e0");
    expect(m.total).toBe(100_000);
    m.goTo(m.offset + m.limit);
    await new Promise(r => setTimeout(r, 0));
    expect(m.rows[0].id).toBe('e50');
    m.goTo(10 ** 9); // clamped to the last page
    await new Promise(r => setTimeout(r, 0));
    expect(m.offset).toBe(99_950);
    m.sortBy('duration');
    await new Promise(r => setTimeout(r, 0));
    m.sortBy('duration');
    await new Promise(r => setTimeout(r, 0));
    m.setFilter('status', 'failed');
    await new Promise(r => setTimeout(r, 0));
    const last = server.requests.filter(r => r.path === 'console/executions').pop()!;
    // makeRequest adds a numeric cache buster to GETs
    const sent = Object.fromEntries([...(last.query as any).entries()].filter(([k]: [string]) => !/^\d+$/.test(k)));
    expect(sent).toEqual({ status: 'failed', sort: 'duration', order: 'asc', limit: '50', offset: '0' });
    expect(server.requests.filter(r => r.path === 'console/filters').length).toBeGreaterThanOrEqual(2);
  });

  it('turns a time range into "since"', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    const q = toQuery({ ...NO_FILTERS, range: '24h', user: 'ann' }, { key: 'created', desc: true }, { limit: 50, offset: 0 }, now);
    expect(q.since).toBe('2026-01-01T00:00:00.000Z');
    expect(q.user).toBe('ann');
    expect(toQuery(NO_FILTERS, { key: 'created', desc: true }, { limit: 5, offset: 5 }).since).toBeUndefined();
  });

  it('streams the open execution\'s logs and reruns with edited inputs', async () => {
    const server = new FakeServer()
      .on('GET executions/e1', { id: 'e1', functionName: 'run', status: 'in-progress', input: { x: 1 } })
      .on('GET executions/e1/log-lines', (r: any) => ({ json: { lines: [{ text: `after ${r.query.get('after')}\n` }], next: Number(r.query.get('after')) + 1, status: 'in-progress' } }))
      .on('POST executions/e1/rerun-with', (r: any) => ({ status: 201, json: { id: 'e2', input: r.body.input } }))
      .on('GET summary', { whoami: { user: 'a', version: LABEXTENSION_VERSION, project: 'p' }, packages: [], services: [], executions: { items: [], total: 0 }, datasets: [] });
    const m = consoleOn(server);
    await m.openExecution('e1');
    await m.openExecution('e1');
    expect(m.logs.map(l => l.text)).toEqual(['after 0\n', 'after 1\n']);
    expect(await m.shared.rerun('e1', { x: 2 })).toBe(true);
    const post = server.requests.find(r => r.method === 'POST')!;
    expect(post.body).toEqual({ input: { x: 2 } });
  });

  it('diffs the last two revisions of a chosen package', async () => {
    const server = new FakeServer()
      .on('GET packages/p/revisions', ['1.0.0', '1.0.10', '1.0.9'].map(version => ({ package: 'p', version })))
      .on('GET packages/p/diff', (r: any) => ({ json: { package: 'p', a: r.query.get('a'), b: r.query.get('b'), added: [], removed: [], changed: [], unified: {}, specUnified: '', specChangedKeys: [] } }));
    const m = consoleOn(server);
    await m.choosePackage('p');
    expect(m.diffPair).toEqual(['1.0.9', '1.0.10']);
    expect(m.diff?.a).toBe('1.0.9');
  });
});

describe('sideBySide', () => {
  it('pairs removed and added runs and keeps line numbers', () => {
    const unified = '--- a/main.py\n+++ b/main.py\n@@ -1,3 +1,4 @@\n import os\n-x = 1\n+x = 2\n+y = 3\n print(x)\n';
    const rows = sideBySide(unified);
    expect(rows[0].hunk).toBe('@@ -1,3 +1,4 @@');
    expect(rows[1]).toEqual({ left: { n: 1, text: 'import os', kind: 'ctx' }, right: { n: 1, text: 'import os', kind: 'ctx' } });
    expect(rows[2]).toEqual({ left: { n: 2, text: 'x = 1', kind: 'del' }, right: { n: 2, text: 'x = 2', kind: 'add' } });
    expect(rows[3]).toEqual({ left: undefined, right: { n: 3, text: 'y = 3', kind: 'add' } });
    expect(rows[4].left).toEqual({ n: 3, text: 'print(x)', kind: 'ctx' });
    expect(rows[4].right?.n).toBe(4);
  });
});

describe('charts', () => {
  it('stacks statuses per bucket on a nice scale', () => {
    const { bars, top } = stackedBars(
      [
        { t: 'a', counts: { success: 6, failed: 2 } },
        { t: 'b', counts: { success: 3 } }
      ],
      200,
      100
    );
    expect(top).toBe(10);
    expect(bars.map(b => [b.cls, b.h])).toEqual([
      ['faas-fill-success', 60],
      ['faas-fill-failed', 20],
      ['faas-fill-success', 30]
    ]);
    expect(bars[1].y).toBe(20); // on top of the 60 high success bar
    expect(niceMax(0)).toBe(1);
    expect(niceMax(101)).toBe(200);
  });

  it('draws p95 and p50 bars and a histogram', () => {
    const { bars } = durationBars([{ function: 'f', count: 3, p50: 1, p95: 2, max: 2 }], 100, 20);
    expect(bars.map(b => b.w)).toEqual([100, 50]);
    const h = histogramBars({ edges: [0, 1, 2], counts: [4, 1] }, 100, 50);
    expect(h.bars.map(b => b.h)).toEqual([40, 10]);
  });
});

describe('uiText', () => {
  it('says Python hints in the UI\'s words', () => {
    expect(uiText("no item 'abc' in project 'default'; see ws.items.list()")).toBe(
      "no item 'abc' in project 'default'; search for it in the Items tab of the FaaS console"
    );
    expect(uiText("execution x is still in-progress after 1 s; wait longer or ex.terminate()")).toBe(
      'execution x is still in-progress after 1 s; wait longer or terminate it'
    );
    expect(uiText('bad thing; fix it with pkg.update(message="x")')).toBe('bad thing');
  });
});
