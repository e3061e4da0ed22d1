import { describe, expect, it } from 'vitest';
import { parsePropertyBag } from '../../../core/src/contracts/topics';
import type { Session } from '../../../edge-runtime/src/mqtt/sessions';
import { toRawTelemetryMessage, toTelemetryMessage } from '../../../edge-runtime/src/mqtt/telemetry';

const session = { deviceId: 'd1', moduleId: 'm1', key: 'd1/m1' } as unknown as Session;
const bags = [
  '',
  '/',
  '$.mid=1&a=b/',
  'a=%2F&mqtt-retain=false',
  'mqtt-retain=false&a=1//',
  '&&x&$.ct=application%2Fjson&%E0=bad',
  '__proto__=p&constructor=c',
];

describe('raw telemetry messages', () => {
  it('parse to what the parsed message holds, with and without retain', () => {
    for (const bag of bags) {
      for (const retain of [false, true]) {
        const parsed = toTelemetryMessage(session, parsePropertyBag(bag), Buffer.from('x'), 0, retain);
        const raw = toRawTelemetryMessage(session, bag, Buffer.from('x'), 0, retain);
        const { propertyBag, ...rest } = raw;
        expect({ ...rest, ...parsePropertyBag(propertyBag) }, `${bag} retain=${retain}`).toEqual(parsed);
        expect(Object.keys(parsePropertyBag(propertyBag).properties)).toEqual(Object.keys(parsed.properties));
      }
    }
  });
});
