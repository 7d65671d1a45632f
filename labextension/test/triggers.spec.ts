import { triggerRequest } from '../src/components/triggers';
import { FaasModel, relativeTime, triggerStats, triggerWhat } from '../src/model';
import { ITrigger } from '../src/types';
import { LABEXTENSION_VERSION } from '../src/version';
import { FakeServer } from './fakeserver';

const op = (serviceName: string) => ({ type: 'function', serviceName, functionName: 'run' });
const EVENT: ITrigger = {
  id: 't1',
  name: 'on-raw',
  active: true,
  type: 'Event',
  spec: { resource: 'Item', actions: ['Created', 'Updated'], executionMode: 'Once', filter: { dataset: 'raw' }, operation: op('svc') },
  fireCount: 3,
  failureCount: 1
};
const CRON: ITrigger = {
  id: 't2',
  name: 'every-minute',
  active: false,
  type: 'Cron',
  spec: { cron: '* * * * *', operation: op('other') },
  nextFireAt: '2026-01-01T00:01:00+00:00'
};

const FORM = {
  type: 'Event' as const, fn: 'run', name: '', resource: 'Item', actions: ['Created'], mode: 'Once',
  filter: '', cron: '*/5 * * * *', catchUp: 'one', input: ''
};

describe('trigger helpers', () => {
  it('says what a trigger listens to', () => {
    expect(triggerWhat(EVENT)).toBe('Item Created, Updated · once');
    expect(triggerWhat(CRON)).toBe('cron * * * * *');
  });

  it('reads the record under stats or at the top level', () => {
    expect(triggerStats(EVENT)).toEqual({ lastFiredAt: null, nextFireAt: null, fireCount: 3, failureCount: 1 });
    expect(triggerStats({ ...CRON, stats: { fireCount: 7, nextFireAt: 'x' } })).toMatchObject({ fireCount: 7, nextFireAt: 'x' });
  });

  it('says times relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(relativeTime('2026-01-01T00:01:00+00:00', now)).toBe('in 1 min');
    expect(relativeTime('2025-12-31T23:59:50Z', now)).toBe('10 s ago');
    expect(relativeTime('2026-01-01T05:00:00Z', now)).toBe('in 5 h');
    expect(relativeTime(null, now)).toBe('');
  });

  it('builds the create request of a form, or names the problem', () => {
    expect(triggerRequest({ ...FORM, filter: '{"dataset": "raw"}', name: ' n ' })).toEqual({
      function: 'run', type: 'Event', input: {}, name: 'n', resource: 'Item', actions: ['Created'],
      executionMode: 'Once', filter: { dataset: 'raw' }
    });
    expect(triggerRequest({ ...FORM, type: 'Cron', input: '{"k": 1}' })).toEqual({
      function: 'run', type: 'Cron', input: { k: 1 }, cron: '*/5 * * * *', catchUp: 'one'
    });
    expect(triggerRequest({ ...FORM, filter: '{bad' })).toMatch(/^filter is not valid JSON/);
    expect(triggerRequest({ ...FORM, filter: '[1]' })).toMatch(/^filter must be a JSON object/);
    expect(triggerRequest({ ...FORM, actions: [] })).toMatch(/at least one action/);
    expect(triggerRequest({ ...FORM, type: 'Cron', cron: ' ' })).toMatch(/^cron is empty/);
  });
});

describe('FaasModel triggers', () => {
  function server(): FakeServer {
    let active = false;
    return new FakeServer()
      .on('GET summary', () => ({
        json: {
          whoami: { user: 'ann', version: LABEXTENSION_VERSION, project: 'default' },
          packages: [], services: [], datasets: [], executions: { items: [], total: 0 },
          triggers: [EVENT, { ...CRON, active }]
        }
      }))
      .on('GET triggers/t1/executions', () => ({ json: [{ id: 'e1', functionName: 'run', status: 'success', trigger: { id: 't1', name: 'on-raw', eventId: 'ev' } }] }))
      .on('POST triggers/t2/activate', () => {
        active = true;
        return { json: { ...CRON, active: true } };
      })
      .on('POST services/svc/triggers', (r: any) => ({ status: 400, json: { message: `invalid cron ${r.body.cron}: use 5 fields` } }));
  }

  it('lists triggers per service from the poll, toggles one and opens its runs', async () => {
    const s = server();
    const m = new FaasModel(s.api(), { labextensionVersion: LABEXTENSION_VERSION });
    await m.refresh();
    expect(m.triggersOf('svc').map(t => t.name)).toEqual(['on-raw']);
    expect(m.triggersOf('other').map(t => t.active)).toEqual([false]);
    expect(await m.setTriggerActive(m.triggersOf('other')[0], true)).toBe(true);
    expect(m.triggersOf('other')[0].active).toBe(true); // the refresh after the action
    await m.loadTriggerRuns('t1');
    expect(m.triggerRuns.get('t1')?.[0].trigger?.name).toBe('on-raw');
    const before = s.requests.length;
    await m.refresh(); // an open run list is polled with the summary
    expect(s.requests.slice(before).map(r => `${r.method} ${r.path}`).sort()).toEqual(['GET summary', 'GET triggers/t1/executions']);
  });

  it('keeps a refused create next to the service form', async () => {
    const m = new FaasModel(server().api(), { labextensionVersion: LABEXTENSION_VERSION });
    expect(await m.addTrigger('svc', { function: 'run', type: 'Cron', cron: '61 * * * *' })).toBe(false);
    expect(m.errorOf('triggers:svc')).toBe('invalid cron 61 * * * *: use 5 fields');
  });
});
