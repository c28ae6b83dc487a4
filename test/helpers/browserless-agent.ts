// A cookie-keeping client over app.inject(), for flows that span several requests.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class Agent {
  cookies = new Map<string, string>();
  /** remoteAddress: the client's address as the server sees it (app.inject's default is 127.0.0.1);
   * userAgent: the User-Agent it sends (app.inject's default is "lightMyRequest"). */
  constructor(private app: FastifyInstance, private remoteAddress?: string, private userAgent?: string) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: this.headers(), ...this.from() }));
  }

  /** GET of an endless response (server-sent events): the status, headers and what arrives within `ms`. */
  async getStreamStart(url: string, ms = 150): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.headers(), payloadAsStream: true, ...this.from() });
    const stream = res.stream();
    let body = '';
    await new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      stream.on('end', () => (clearTimeout(timer), done()));
      stream.on('error', () => (clearTimeout(timer), done()));
    });
    stream.destroy();
    return { statusCode: res.statusCode, headers: res.headers, body };
  }

  /** Posts a form; pass `csrfFrom` to first load that page and copy its CSRF token. */
  async post(url: string, form: Record<string, string>, csrfFrom?: string): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams(form);
    if (csrfFrom) body.set('_csrf', csrfToken((await this.get(csrfFrom)).body));
    return this.keep(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' }, ...this.from() }),
    );
  }

  /** The page a form's 303 answer leads to (Post/Redirect/Get), as a browser follows it; fails on any other answer. */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    if (res.statusCode !== 303 || typeof res.headers.location !== 'string') throw new Error(`expected a 303 redirect, got ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return this.get(res.headers.location);
  }

  /** Posts a multipart form (fields in order, then files), as a browser sends a form with file inputs. */
  async postMultipart(
    url: string,
    fields: Record<string, string | string[]>,
    files: Array<{ name: string; content: string | Uint8Array; field?: string; type?: string }> = [],
    csrfFrom?: string,
  ): Promise<LightMyRequestResponse> {
    const boundary = `----parleytest${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const add = (headers: string, body: string | Uint8Array) => {
      chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n'));
    };
    const all: [string, string][] = csrfFrom ? [['_csrf', csrfToken((await this.get(csrfFrom)).body)]] : [];
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) all.push([k, one]);
    for (const [k, v] of all) add(`Content-Disposition: form-data; name="${k}"`, v);
    for (const f of files) add(`Content-Disposition: form-data; name="${f.field ?? 'attachments'}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}`, f.content);
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return this.keep(
      await this.app.inject({ method: 'POST', url, payload: Buffer.concat(chunks), headers: { ...this.headers(), 'content-type': `multipart/form-data; boundary=${boundary}` }, ...this.from() }),
    );
  }

  private from() {
    return this.remoteAddress ? { remoteAddress: this.remoteAddress } : {};
  }

  private headers(): Record<string, string> {
    return {
      ...(this.userAgent ? { 'user-agent': this.userAgent } : {}),
      ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
    };
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
}

export function csrfToken(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in the page');
  return m[1]!;
}
