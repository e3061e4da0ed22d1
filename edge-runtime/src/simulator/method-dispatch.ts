/** Turns a direct-method request into the device's answer (device-protocol.md §2.7). */

/** A device's answer to a method, and optional work to run after the answer is on the wire. */
export interface MethodOutcome {
  /** Any number the app picks; the hub passes it on to the invoker. */
  status: number;
  /** Serialised as JSON; `undefined` sends an empty body, as the SDK does. */
  payload?: unknown;
  /** Runs after the response was published: the long part of reboot or factory reset. */
  after?: () => Promise<void>;
}

/** A method implementation; it receives the parsed request payload (`null` when the invoker sent none). */
export type MethodHandler = (payload: unknown) => MethodOutcome | Promise<MethodOutcome>;

/** What {@link dispatchMethod} answers besides the registered handlers. */
export interface DispatchOptions {
  /** Methods to fail with 500 on purpose, so tests can exercise the invoker's error path. */
  failMethods?: readonly string[];
}

/**
 * Parses the body as the SDK does and picks the answer: 400 for an empty or non-JSON body (the SDK's own
 * reply, the handler never runs), 500 for `failMethods`, 404 for a method the device does not implement.
 * The bare SDK never answers an unknown method (§2.7); a device app with a default handler answers 404,
 * which is what the simulator models, so the invoker does not wait for its timeout.
 */
export async function dispatchMethod(
  name: string,
  body: Buffer,
  handlers: ReadonlyMap<string, MethodHandler>,
  options: DispatchOptions = {},
): Promise<MethodOutcome> {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (err) {
    // Same text shape as azure-iot-device's reply ("Invalid request format: <parse error>").
    return { status: 400, payload: `Invalid request format: ${(err as Error).message}` };
  }
  if (options.failMethods?.includes(name)) {
    return { status: 500, payload: { message: `Method ${name} failed on purpose (failMethods).` } };
  }
  const handler = handlers.get(name);
  if (!handler)
    return { status: 404, payload: { message: `Method ${name} is not implemented by this device.` } };
  try {
    return await handler(payload);
  } catch (err) {
    return { status: 500, payload: { message: `Method ${name} failed: ${String(err)}` } };
  }
}

/** A gate that lets one long-running method (reboot, factory reset) run at a time. */
export interface MethodGate {
  /** Wraps a handler: refused with 409 while another gated operation runs. */
  exclusive(name: string, handler: MethodHandler): MethodHandler;
}

/** Creates a {@link MethodGate}; the gate closes when a handler answers with `after` and opens when it ends. */
export function createMethodGate(): MethodGate {
  let busy: string | undefined;
  return {
    exclusive(name, handler) {
      return async (payload) => {
        if (busy) return { status: 409, payload: { message: `Busy: ${busy} is in progress.` } };
        const outcome = await handler(payload);
        const { after } = outcome;
        if (!after) return outcome;
        busy = name;
        return {
          ...outcome,
          after: () =>
            after().finally(() => {
              busy = undefined;
            }),
        };
      };
    },
  };
}
