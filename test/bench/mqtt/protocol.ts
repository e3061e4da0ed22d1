/** What the bench and its broker children share: the IPC messages and the devices' key. */

/** A request from the parent: `id` is echoed in the reply. */
export interface ChildRequest {
  id: number;
  cmd: 'stats' | 'provision' | 'profileStart' | 'profileStop' | 'close';
  args?: Record<string, unknown>;
}

/** The reply to a request. */
export interface ChildReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** What a child announces once it listens. */
export interface ChildReady {
  ready: true;
  pid: number;
  mqtts: string;
  mqtt: string;
  https?: string;
  /** The hub's TLS dir (server.pem, server-key.pem, ca.pem). */
  tlsDir: string;
  caPem: string;
  startMs: number;
}

/** The bench's devices all share this key (provisioned into the hub, signed by the clients). */
export const DEVICE_KEY = Buffer.alloc(32, 3).toString('base64');
