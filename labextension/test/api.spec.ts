import { EXTENSION_MISSING, FaasApiError } from '../src/api';
import { FakeServer } from './fakeserver';

describe('FaasApi', () => {
  afterEach(() => {
    delete (globalThis as any).document;
  });

  it('sends the token and reads whoami below the base URL', async () => {
    const server = new FakeServer().on('GET whoami', { user: 'ann', version: '0.1.0', project: 'default' });
    const who = await server.api('secret').whoami();
    expect(who).toEqual({ user: 'ann', version: '0.1.0', project: 'default' });
    expect(server.requests[0].headers.get('Authorization')).toBe('token secret');
  });

  it('sends the X-XSRFToken header from the _xsrf cookie on POST', async () => {
    const server = new FakeServer().on('POST services/svc/pause', { name: 'svc', packageRevision: '1.0.0', active: false });
    const api = server.api('');
    (globalThis as any).document = { cookie: 'other=1; _xsrf=2|abc' }; // what a browser page has
    await api.pauseService('svc');
    const req = server.requests[0];
    expect(req.headers.get('X-XSRFToken')).toBe('2|abc');
    expect(req.headers.get('Authorization')).toBeNull();
  });

  it('turns an HTML 404 into the "extension not enabled" message', async () => {
    const server = new FakeServer();
    await expect(server.api().whoami()).rejects.toMatchObject({ message: EXTENSION_MISSING, status: 404 });
  });

  it('surfaces the server message of a JSON error', async () => {
    const server = new FakeServer().on('PATCH services/svc', () => ({
      status: 404,
      json: { message: "package 'x' has no revision 1.0.9; latest is 1.0.3" }
    }));
    const err = await server.api().updateService('svc', '1.0.9').catch(e => e);
    expect(err).toBeInstanceOf(FaasApiError);
    expect(err.message).toBe("package 'x' has no revision 1.0.9; latest is 1.0.3");
    expect(err.status).toBe(404);
    expect(server.requests[0].body).toEqual({ packageRevision: '1.0.9' });
  });

  it('names the path and the status when an error has no message', async () => {
    const server = new FakeServer().on('GET packages', () => ({ status: 500, text: '' }));
    await expect(server.api().packages()).rejects.toThrow(/packages: HTTP 500/);
  });

  it('explains a 403 without a message', async () => {
    const server = new FakeServer().on('DELETE services/a', () => ({ status: 403, text: '' }));
    await expect(server.api().deleteService('a')).rejects.toThrow(/forbidden \(services\/a\)/);
  });

  it('reports a network failure as status 0', async () => {
    const server = new FakeServer();
    server.fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(server.api().whoami()).rejects.toMatchObject({ status: 0 });
  });

  it('accepts lists as arrays or as pages of items', async () => {
    const server = new FakeServer()
      .on('GET packages', [{ name: 'a' }])
      .on('GET datasets', { items: [{ name: 'd' }], totalItemsCount: 1 });
    const api = server.api();
    expect((await api.packages()).map(p => p.name)).toEqual(['a']);
    expect((await api.datasets()).map(d => d.name)).toEqual(['d']);
  });

  it('encodes path parts and filters executions by query', async () => {
    const server = new FakeServer().on('GET executions', { items: [] }).on('GET datasets/my%20data/items', []);
    const api = server.api();
    await api.executions({ service: 'svc', status: 'failed', limit: 20, function: '' });
    await api.items('my data');
    const q = server.requests[0].query;
    expect([q.get('service'), q.get('status'), q.get('limit'), q.get('function')]).toEqual(['svc', 'failed', '20', null]);
    expect(server.requests[1].path).toBe('datasets/my%20data/items');
  });

  it('posts deploy and execute bodies as JSON', async () => {
    const server = new FakeServer()
      .on('POST services', (r: any) => ({ json: r.body }))
      .on('POST services/svc/execute', { id: 'e1', functionName: 'run', status: 'created' });
    const api = server.api();
    const req = { name: 'svc', package: 'p', moduleName: 'm', packageRevision: '1.0.1', initParams: { t: 0.5 }, runtime: 'process' };
    expect((await api.deploy(req)).name).toBe('svc');
    await api.execute('svc', 'run', { n: 3 });
    expect(server.requests[0].body).toEqual(req);
    expect(server.requests[0].headers.get('Content-Type')).toBe('application/json');
    expect(server.requests[1].body).toEqual({ function: 'run', input: { n: 3 } });
  });

  it('builds the codebase download URL and the diff query', async () => {
    const server = new FakeServer().on('GET packages/p/diff', (r: any) => ({ json: { a: r.query.get('a'), b: r.query.get('b') } }));
    const api = server.api();
    expect(api.codebaseUrl('p', '1.0.2')).toBe('http://127.0.0.1:8888/lab-base/faas/api/packages/p/revisions/1.0.2/codebase.zip');
    expect(await api.diff('p', '1.0.0', '1.0.2')).toEqual({ a: '1.0.0', b: '1.0.2' });
  });
});
