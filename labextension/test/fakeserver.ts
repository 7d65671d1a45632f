/** A fake Jupyter server behind settings.fetch: routes, recorded requests. */
import { ServerConnection } from '@jupyterlab/services';

import { FaasApi } from '../src/api';

export interface IRecorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Handler = (req: IRecorded) => { status?: number; json?: unknown; text?: string };

export class FakeServer {
  routes = new Map<string, Handler>();
  requests: IRecorded[] = [];

  /** Register `GET packages` style routes (path below /faas/api/). */
  on(route: string, handler: Handler | unknown): this {
    this.routes.set(route, typeof handler === 'function' ? (handler as Handler) : () => ({ json: handler }));
    return this;
  }

  fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/lab-base\/faas\/api\//, '');
    const text = await request.text();
    const rec: IRecorded = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined
    };
    this.requests.push(rec);
    const handler = this.routes.get(`${request.method} ${path}`);
    if (!handler) {
      // what jupyter_server answers for a route nobody registered: an HTML page
      return new Response('<html><title>404: Not Found</title></html>', { status: 404, headers: { 'Content-Type': 'text/html' } });
    }
    const out = handler(rec);
    const body = out.text ?? JSON.stringify(out.json ?? null);
    return new Response(body, { status: out.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };

  api(token = 'T'): FaasApi {
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://127.0.0.1:8888/lab-base/',
      token,
      fetch: this.fetch as unknown as typeof fetch
    });
    return new FaasApi(settings);
  }
}
