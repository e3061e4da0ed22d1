/** Builds the OpenAPI 3.1 document of the HTTPS API from the route table and the zod contracts. */
import { z } from 'zod';
import { ROUTES, type RouteAuth, type RouteSpec } from './route-table';

type Json = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (IoT Hub error body)',
  401: 'Missing, invalid or expired credentials',
  403: 'Signed in but not allowed (Outpost /api/v1 routes only)',
  404: 'Not found',
  409: 'Conflict (already exists)',
  412: 'Precondition failed (If-Match)',
  413: 'Body too large',
  429: 'Too many attempts',
  504: 'The device did not answer in time',
};

function schemaOf(schema: z.ZodType): Json {
  // `input`: request bodies are described as callers may send them (optional fields stay optional).
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

function securityOf(auth: RouteAuth): Json[] | undefined {
  if (auth.kind === 'none') return [];
  if (auth.kind === 'sas') return [{ sas: [auth.right] }, { operator: [] }];
  return auth.sasRight ? [{ operator: [auth.role] }, { sas: [auth.sasRight] }] : [{ operator: [auth.role] }];
}

function describeAuth(auth: RouteAuth): string {
  if (auth.kind === 'none') return 'No authentication.';
  if (auth.kind === 'sas') {
    return `A SAS token of a policy with ${auth.right}, or an operator bearer token (viewer for reads, operator for writes).`;
  }
  return `An operator bearer token of role ${auth.role} or higher${auth.sasRight ? `, or a SAS token of a policy with ${auth.sasRight}` : ''}.`;
}

function operationOf(route: RouteSpec): Json {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.apiVersion) {
    params.push({
      name: 'api-version',
      in: 'query',
      required: true,
      schema: { type: 'string', example: '2021-04-12' },
    } as never);
  }
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const s = typeof spec === 'string' ? { description: spec } : spec;
    const contentType = s.contentType ?? 'application/json';
    responses[status] = {
      description: s.description,
      content: { [contentType]: s.schema ? { schema: schemaOf(s.schema) } : {} },
    };
  }
  const errors = new Set(route.errors ?? []);
  if (route.auth.kind !== 'none') errors.add(401);
  if (route.auth.kind === 'role') errors.add(403);
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  let requestBody: Json | undefined;
  if (route.request) {
    requestBody = {
      required: true,
      content: {
        'application/json':
          route.request instanceof z.ZodType
            ? { schema: schemaOf(route.request) }
            : { schema: { type: 'object', description: route.request.description } },
      },
    };
  }
  return {
    operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    description: describeAuth(route.auth),
    tags: [route.tag],
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    security: securityOf(route.auth),
  };
}

/** The document; `serverUrl` is where this hub answers. */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Json)[route.method] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outpost hub API',
      version: options.version,
      description:
        'The IoT Hub-compatible service API (at the root, with ?api-version=) and Outpost’s own API under /api/v1.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        sas: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'SharedAccessSignature sr=<host>&sig=…&se=…&skn=<policy> (scopes are the policy rights).',
        },
        operator: {
          type: 'http',
          scheme: 'bearer',
          description: 'An operator token from POST /api/v1/login (scopes are roles).',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          description: 'IoT Hub error body: Message holds ErrorCode, TrackingId and the text.',
          properties: { Message: { type: 'string' }, ExceptionMessage: { type: 'string' } },
        },
      },
    },
  };
}
