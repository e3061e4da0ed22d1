import { ridOf, type TestDevice } from './mqtt-device';

/**
 * Makes a connected test device answer `reboot` and `factoryReset` with 200, then report progress
 * as the simulator does (`rebootStatus`/`factoryResetStatus`: running, then done). The device must
 * be subscribed to `$iothub/twin/res/#` and `$iothub/methods/POST/#`.
 */
export function answerOperations(device: TestDevice): void {
  device.client.on('message', (topic) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    const member = topic.split('/')[3] === 'reboot' ? 'rebootStatus' : 'factoryResetStatus';
    const startedAt = new Date().toISOString();
    device.client.publish(
      `$iothub/methods/res/200/?$rid=${ridOf(topic)}`,
      JSON.stringify({ status: 'started' }),
    );
    void (async () => {
      await device.patchReported({ [member]: { status: 'running', startedAt, finishedAt: null } });
      const finishedAt = new Date().toISOString();
      await device.patchReported({ [member]: { status: 'done', startedAt, finishedAt } });
    })();
  });
}
