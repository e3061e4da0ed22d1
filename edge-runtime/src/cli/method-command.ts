import type { Command } from 'commander';
import { hubPath, resolveApiClient, withApiOptions } from './api-client';
import { parseJsonOption, parseWholeNumber, print, printJson } from './format';

/** `outpost method invoke`: direct methods on connected devices. */
export function registerMethodCommand(program: Command): void {
  const method = program.command('method').description('direct methods (the device must be connected)');

  withApiOptions(
    method
      .command('invoke <deviceId> <methodName>')
      .description(
        'call a method on a device and print its answer; exit 1 when the device answers status >= 400',
      )
      .option('--payload <json>', 'the request payload (JSON, default null)')
      .option('--timeout <s>', 'seconds to wait for the answer (5-300)', '30')
      .option('--connect-timeout <s>', 'seconds to wait for the device to connect (0-300)', '0')
      .option('--json', 'print {status, payload} as JSON'),
  ).action(async (deviceId: string, methodName: string, opts: Record<string, unknown>) => {
    const payload = typeof opts.payload === 'string' ? parseJsonOption('--payload', opts.payload) : null;
    const responseTimeoutInSeconds = parseWholeNumber('--timeout', opts.timeout, 5, 300);
    const connectTimeoutInSeconds = parseWholeNumber('--connect-timeout', opts.connectTimeout, 0, 300);
    const client = await resolveApiClient(opts, process.env);
    let answer: { status: number; payload: unknown };
    try {
      answer = await client.json('POST', hubPath(['twins', deviceId, 'methods']), {
        methodName,
        payload,
        responseTimeoutInSeconds,
        connectTimeoutInSeconds,
      });
    } catch (err) {
      const message = (err as Error).message;
      if (/DeviceNotOnline/.test(message)) {
        throw new Error(
          `${message}\nhint: ${deviceId} is not connected (or has not subscribed to methods); ` +
            'connect it, or give --connect-timeout <s> to wait for it.',
          { cause: err },
        );
      }
      if (/GatewayTimeout/.test(message)) {
        throw new Error(
          `${message}\nhint: ${deviceId} did not answer in ${responseTimeoutInSeconds}s; try a longer --timeout.`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    if (opts.json) printJson(answer);
    else print(`status ${answer.status}\n${JSON.stringify(answer.payload, null, 2)}`);
    if (answer.status >= 400)
      throw new Error(`${deviceId} answered ${methodName} with status ${answer.status}.`);
  });
}
