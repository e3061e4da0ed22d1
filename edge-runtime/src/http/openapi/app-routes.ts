import type { RouteSpec } from './route-spec';

const viewer = { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' } as const;

/** The operator UI's files and the routes added for its screens (hub facts, CA download). */
export const APP_ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/',
    summary: 'The operator UI (static files; the UI then calls this API)',
    tag: 'ui',
    auth: { kind: 'none' },
    responses: { 200: { description: 'index.html', contentType: 'text/html' } },
    errors: [503],
  },
  {
    method: 'get',
    path: '/index.html',
    summary: 'The operator UI, by its file name',
    tag: 'ui',
    auth: { kind: 'none' },
    responses: { 200: { description: 'index.html', contentType: 'text/html' } },
    errors: [503],
  },
  {
    method: 'get',
    path: '/api/v1/hub',
    summary: 'This hub: id, version, host name, ports and URLs, store and telemetry queue sizes',
    tag: 'hub',
    auth: viewer,
    responses: { 200: 'Hub facts' },
  },
  {
    method: 'get',
    path: '/api/v1/hub/ca.pem',
    summary: "The hub's CA certificate (PEM), for devices, browsers and the desktop app to trust",
    tag: 'hub',
    auth: viewer,
    responses: { 200: { description: 'CA certificate', contentType: 'application/x-pem-file' } },
  },
];
