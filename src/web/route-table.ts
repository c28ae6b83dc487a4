// Every route the server registers, as Fastify reports it (its onRoute hook). Kept so that
// checks that must cover every page — the security suite's route walk (test/security) — read
// the real route table rather than a hand-kept list that new routes would silently miss.
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's query-string schema properties, if it declares any (used to fill queries). */
  query: Record<string, SchemaProperty>;
  /** The route's path-parameter schema properties, if it declares any (integer ids, string slugs). */
  params: Record<string, SchemaProperty>;
  /** An endless response (server-sent events), marked by `config: { stream: true }` on the route. */
  stream: boolean;
}
type SchemaProperty = { type?: string; enum?: readonly unknown[] };
const propertiesOf = (schema: unknown): Record<string, SchemaProperty> => (schema as { properties?: Record<string, SchemaProperty> } | undefined)?.properties ?? {};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers with an endless stream (server-sent events). */
    stream?: boolean;
  }
  interface FastifyInstance {
    /** The routes registered so far (filled as they are added; complete once the server is ready). */
    routeTable: RegisteredRoute[];
  }
}

/** Call before any route is registered: the hook sees only routes added after it. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RegisteredRoute[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route: RouteOptions) => {
    const query = propertiesOf(route.schema?.querystring);
    const params = propertiesOf(route.schema?.params);
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, query, params, stream: (route.config as { stream?: boolean } | undefined)?.stream === true });
  });
}
