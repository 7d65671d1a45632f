import { EXTENSION_MISSING } from '../src/api';
import { FaasModel, outputEntries } from '../src/model';
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

/** A server with package shapes at 1.0.0..1.0.2 and a service pinned to 1.0.0. */
function populated(version = LABEXTENSION_VERSION): FakeServer {
  const revisions = ['1.0.0', '1.0.10', '1.0.2'].map(v => ({ package: 'shapes', version: v, spec: spec(v) }));
  const service = { name: 'svc', package: 'shapes', moduleName: 'detector', packageRevision: '1.0.0', runtime: 'process', active: true };
  return new FakeServer()
    .on('GET whoami', { user: 'ann', version, project: 'default' })
    .on('GET packages', [{ name: 'shapes' }])
    .on('GET packages/shapes/revisions', revisions)
    .on('GET services', [service])
    .on('GET executions', (r: any) => ({
      json: { items: [{ id: 'e1', functionName: 'run', status: r.query.get('status') ?? 'success', duration: 0.5 }] }
    }))
    .on('GET datasets', [{ name: 'd' }])
    .on('PATCH services/svc', (r: any) => ({ json: { ...service, packageRevision: r.body.packageRevision } }));
}

function model(server: FakeServer): FaasModel {
  return new FaasModel(server.api(), { labextensionVersion: LABEXTENSION_VERSION });
}

describe('FaasModel', () => {
  it('keeps version.ts equal to package.json', () => {
    expect(LABEXTENSION_VERSION).toBe(require('../package.json').version);
  });

  it('loads every section and computes drift with numeric version order', async () => {
    const m = model(populated());
    let emitted = 0;
    m.changed.connect(() => emitted++);
    await m.refresh();
    expect(m.error).toBeNull();
    expect(m.packages.map(p => p.name)).toEqual(['shapes']);
    expect(m.executions[0].id).toBe('e1');
    expect(m.behind(m.services[0])).toBe(2);
    expect(m.latestOf('shapes')).toBe('1.0.10');
    expect(m.versionWarning).toBeNull();
    expect(emitted).toBeGreaterThanOrEqual(2);
  });

  it('shows "extension not enabled" and makes no other call when whoami is missing', async () => {
    const server = new FakeServer();
    const m = model(server);
    await m.refresh();
    expect(m.error).toBe(EXTENSION_MISSING);
    expect(server.requests.map(r => r.path)).toEqual(['whoami']);
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
    expect(m.notice).toBe('svc: 1.0.0 -> 1.0.10');
    const onSecond = { ...m.services[0], packageRevision: '1.0.10' };
    await m.rollBack(onSecond);
    expect(patches()).toEqual(['1.0.10', '1.0.2']);
  });

  it('refuses to roll back past the oldest revision without calling the server', async () => {
    const server = populated();
    const m = model(server);
    await m.refresh();
    expect(await m.rollBack(m.services[0])).toBe(false);
    expect(m.error).toMatch(/oldest revision 1.0.0/);
    expect(server.requests.some(r => r.method === 'PATCH')).toBe(false);
  });

  it('shows a failed action message and keeps the data', async () => {
    const server = populated().on('DELETE services/svc', () => ({ status: 403, json: { message: "user 'ann' cannot delete: needs developer" } }));
    const m = model(server);
    await m.refresh();
    expect(await m.deleteService('svc')).toBe(false);
    expect(m.error).toBe("user 'ann' cannot delete: needs developer");
    expect(m.services).toHaveLength(1);
  });

  it('filters executions by status', async () => {
    const server = populated();
    const m = model(server);
    await m.setStatusFilter('failed');
    expect(m.executions[0].status).toBe('failed');
    await m.refresh();
    const q = server.requests.filter(r => r.path === 'executions').map(r => r.query.get('status'));
    expect(q).toEqual(['failed', 'failed']);
  });

  it('loads an execution with its logs and polls it while it runs', async () => {
    let status = 'in-progress';
    const server = populated()
      .on('GET executions/e1', () => ({ json: { id: 'e1', functionName: 'run', status } }))
      .on('GET executions/e1/logs', [{ stream: 'stdout', text: 'hello' }]);
    const m = model(server);
    await m.loadExecution('e1');
    expect(m.logs[0].text).toBe('hello');
    status = 'success';
    await m.refresh();
    expect(m.selectedExecution?.status).toBe('success');
    await m.refresh(); // final now: not fetched again
    expect(server.requests.filter(r => r.path === 'executions/e1')).toHaveLength(2);
  });

  it('polls at the configured interval and stops on dispose', async () => {
    jest.useFakeTimers();
    try {
      const server = populated();
      const m = model(server);
      m.setRefreshInterval(5);
      await jest.advanceTimersByTimeAsync(10_000);
      const whoamis = () => server.requests.filter(r => r.path === 'whoami').length;
      expect(whoamis()).toBe(2);
      m.setRefreshInterval(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(whoamis()).toBe(2);
      m.setRefreshInterval(1);
      m.dispose();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(whoamis()).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not start a second refresh while one is running', async () => {
    const server = populated();
    const m = model(server);
    await Promise.all([m.refresh(), m.refresh()]);
    expect(server.requests.filter(r => r.path === 'whoami')).toHaveLength(1);
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
