import { EXTENSION_MISSING } from '../src/api';
import { FaasModel, logText, outputEntries, uniqueName } from '../src/model';
import { LABEXTENSION_VERSION } from '../src/version';
import { FakeServer } from './fakeserver';

const spec = (version: string) => ({
  name: 'shapes',
  modules: [
    {
      name: 'detector',
      initInputs: [{ name: 'threshold', type: 'Float' }],
      functions: [{ name: 'run', input: [{ name: 'limit', type: 'Integer' }], output: [{ name: 'out', type: 'Item' }] }]
    }
  ],
  version
});

/** A server with package shapes at 1.0.0..1.0.10 and a service pinned to 1.0.0 (2 behind). */
function populated(version = LABEXTENSION_VERSION, runtime = 'process'): FakeServer {
  const revisions = ['1.0.0', '1.0.10', '1.0.2'].map(v => ({ package: 'shapes', version: v, spec: spec(v) }));
  const service = { name: 'svc', package: 'shapes', moduleName: 'detector', packageRevision: '1.0.0', runtime, active: true, behind: 2 };
  return new FakeServer()
    .on('GET summary', (r: any) => ({
      json: {
        whoami: { user: 'ann', version, project: 'default' },
        packages: [{ name: 'shapes', latestRevision: '1.0.10' }],
        services: [service],
        executions: { items: [{ id: 'e1', functionName: 'run', status: r.query.get('status') ?? 'success', duration: 0.5 }], total: 120 },
        datasets: [{ name: 'd' }]
      }
    }))
    .on('GET packages/shapes/revisions', revisions)
    .on('PATCH services/svc', (r: any) => ({ json: { ...service, packageRevision: r.body.packageRevision } }));
}

function model(server: FakeServer): FaasModel {
  return new FaasModel(server.api(), { labextensionVersion: LABEXTENSION_VERSION });
}

describe('FaasModel', () => {
  it('keeps version.ts equal to package.json', () => {
    expect(LABEXTENSION_VERSION).toBe(require('../package.json').version);
  });

  it('loads a whole tick with one summary request', async () => {
    const server = populated();
    const m = model(server);
    let emitted = 0;
    m.changed.connect(() => emitted++);
    await m.refresh();
    expect(m.error).toBeNull();
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET summary']);
    expect(m.packages.map(p => p.name)).toEqual(['shapes']);
    expect(m.executions[0].id).toBe('e1');
    expect(m.executionsTotal).toBe(120);
    expect(m.behind(m.services[0])).toBe(2);
    expect(m.latestOf('shapes')).toBe('1.0.10');
    expect(m.versionWarning).toBeNull();
    expect(emitted).toBeGreaterThanOrEqual(2);
  });

  it('refetches an open revision list only when its package got a newer revision', async () => {
    const server = populated();
    const m = model(server);
    await m.loadRevisions('shapes');
    await m.refresh();
    await m.refresh();
    expect(server.requests.filter(r => r.path === 'packages/shapes/revisions')).toHaveLength(1);
    const summary = server.routes.get('GET summary')!;
    server.on('GET summary', (r: any) => {
      const out = summary(r) as any;
      return { json: { ...out.json, packages: [{ name: 'shapes', latestRevision: '1.0.11' }] } };
    });
    await m.refresh(); // a push made 1.0.11: the open list is stale and reloads
    await new Promise(r => setTimeout(r, 0));
    expect(server.requests.filter(r => r.path === 'packages/shapes/revisions')).toHaveLength(2);
  });

  it('shows "extension not enabled" when the route is missing', async () => {
    const server = new FakeServer();
    const m = model(server);
    await m.refresh();
    expect(m.error).toBe(EXTENSION_MISSING);
    expect(server.requests.map(r => r.path)).toEqual(['summary']);
    expect(m.loading).toBe(false);
  });

  it('warns when the server version differs from the labextension', async () => {
    const m = model(populated('9.9.9'));
    await m.refresh();
    expect(m.versionWarning).toContain('9.9.9');
    expect(m.versionWarning).toContain(LABEXTENSION_VERSION);
  });

  it('updates to the latest and rolls back to the previous revision', async () => {
    const server = populated();
    const m = model(server);
    await m.refresh();
    expect(await m.updateToLatest(m.services[0])).toBe(true);
    const patches = () => server.requests.filter(r => r.method === 'PATCH').map(r => (r.body as any).packageRevision);
    expect(patches()).toEqual(['1.0.10']);
    expect(m.notices.get('service:svc')).toBe('svc: 1.0.0 -> 1.0.10');
    const onSecond = { ...m.services[0], packageRevision: '1.0.10' };
    await m.rollBack(onSecond); // loads the revision list first
    expect(patches()).toEqual(['1.0.10', '1.0.2']);
  });

  it('refuses to roll back past the oldest revision without calling the server', async () => {
    const server = populated();
    const m = model(server);
    await m.refresh();
    expect(await m.rollBack(m.services[0])).toBe(false);
    expect(m.errorOf('service:svc')).toMatch(/oldest revision 1.0.0/);
    expect(server.requests.some(r => r.method === 'PATCH')).toBe(false);
  });

  it("keeps an action's error next to its control across polls until dismissed", async () => {
    const server = populated().on('DELETE services/svc', () => ({
      status: 403,
      json: { message: "user 'ann' may not delete service 'svc': needs role owner or developer; an owner can run proj.members.add('ann', role='developer')" }
    }));
    const m = model(server);
    await m.refresh();
    expect(await m.deleteService('svc')).toBe(false);
    const message = m.errorOf('service:svc');
    expect(message).toBe("user 'ann' may not delete service 'svc': needs role owner or developer; ask a project owner to give you the role developer");
    await m.refresh();
    await m.refresh();
    expect(m.errorOf('service:svc')).toBe(message); // polls do not clear it
    expect(m.error).toBeNull();
    expect(m.services).toHaveLength(1);
    m.dismiss('service:svc');
    expect(m.errorOf('service:svc')).toBeNull();
  });

  it('marks a control busy while its action runs', async () => {
    let release: () => void = () => undefined;
    const server = populated().on('POST services', () => ({ json: {} }));
    const m = model(server);
    const gate = new Promise<void>(r => (release = r));
    const running = m.act('deploy:x', 'done', () => gate);
    expect(m.isBusy('deploy:x')).toBe(true);
    release();
    await running;
    expect(m.isBusy('deploy:x')).toBe(false);
    expect(m.notices.get('deploy:x')).toBe('done');
  });

  it('filters executions by status in the summary', async () => {
    const server = populated();
    const m = model(server);
    await m.setStatusFilter('failed');
    expect(m.executions[0].status).toBe('failed');
    await m.refresh();
    const q = server.requests.filter(r => r.path === 'summary').map(r => r.query.get('status'));
    expect(q).toEqual(['failed', 'failed']);
  });

  it('streams the logs of a running execution by offset, without blank lines', async () => {
    let status = 'in-progress';
    const server = populated(LABEXTENSION_VERSION, 'process')
      .on('GET executions/e1', () => ({ json: { id: 'e1', functionName: 'run', status, service: 'svc' } }))
      .on('GET executions/e1/log-lines', (r: any) =>
        r.query.get('after') === '0'
          ? { json: { lines: [{ stream: 'stdout', text: 'one\n' }], next: 7, status } }
          : { json: { lines: [{ stream: 'stdout', text: 'two\n' }, { stream: 'logging', text: 'three' }], next: 9, status } }
      );
    const m = model(server);
    await m.refresh();
    await m.loadExecution('e1');
    expect(m.canTerminate(m.selectedExecution!)).toBe(true);
    await m.refresh();
    expect(logText(m.logs)).toBe('one\ntwo\nthree\n');
    const afters = server.requests.filter(r => r.path === 'executions/e1/log-lines').map(r => r.query.get('after'));
    expect(afters).toEqual(['0', '7']);
    status = 'success';
    await m.refresh();
    await m.refresh(); // final now: not fetched again
    expect(server.requests.filter(r => r.path === 'executions/e1')).toHaveLength(3);
    expect(m.canTerminate(m.selectedExecution!)).toBe(false);
  });

  it('offers Terminate only while the run has not ended', async () => {
    const m = model(populated(LABEXTENSION_VERSION, 'kernel'));
    await m.refresh();
    expect(m.canTerminate({ id: 'e', functionName: 'run', status: 'in-progress', service: 'svc' })).toBe(true);
    expect(m.canTerminate({ id: 'e', functionName: 'run', status: 'terminated', service: 'svc' })).toBe(false);
  });

  it('polls at the configured interval only while a view is visible, and stops on dispose', async () => {
    jest.useFakeTimers();
    try {
      const server = populated();
      const m = model(server);
      const ticks = () => server.requests.filter(r => r.path === 'summary').length;
      m.setRefreshInterval(5);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(ticks()).toBe(0); // nothing visible yet
      m.setVisible('sidebar', true); // shown: one tick at once, then every 5 s
      await jest.advanceTimersByTimeAsync(10_000);
      expect(ticks()).toBe(3);
      m.setVisible('sidebar', false);
      await jest.advanceTimersByTimeAsync(20_000);
      expect(ticks()).toBe(3);
      m.setVisible('console', true);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(ticks()).toBe(4);
      m.setRefreshInterval(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(ticks()).toBe(4);
      m.setRefreshInterval(1);
      m.dispose();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(ticks()).toBe(4);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not start a second refresh while one is running', async () => {
    const server = populated();
    const m = model(server);
    await Promise.all([m.refresh(), m.refresh()]);
    expect(server.requests.filter(r => r.path === 'summary')).toHaveLength(1);
  });

  it('loads items and previews on demand', async () => {
    const server = populated()
      .on('GET datasets/d/items', [{ id: 'i1', key: 'df', artifactType: 'dataframe' }])
      .on('GET items/i1/preview', { columns: ['a'], data: [[1], [2]], shape: [2, 1] });
    const m = model(server);
    await m.loadItems('d');
    await m.loadPreview('i1');
    expect(m.items.get('d')?.[0].key).toBe('df');
    expect(m.previews.get('i1')?.data).toEqual([[1], [2]]);
  });

  it('proposes a service name no service has', async () => {
    const m = model(populated());
    await m.refresh();
    expect(m.defaultServiceName('shapes', 'detector')).toBe('shapes-detector');
    expect(uniqueName('svc', ['svc', 'svc-2'])).toBe('svc-3');
  });
});

describe('outputEntries', () => {
  it('splits item references from plain values', () => {
    expect(outputEntries({ df: { id: 'i1', artifactType: 'dataframe' }, n: 3 })).toEqual([
      { key: 'df', itemId: 'i1', artifactType: 'dataframe' },
      { key: 'n', value: 3 }
    ]);
    expect(outputEntries(42)).toEqual([{ key: 'output', value: 42 }]);
    expect(outputEntries(null)).toEqual([]);
  });
});
