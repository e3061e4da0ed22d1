import { describe, expect, it } from 'vitest';
import {
  buildDeviceConnectionString,
  buildServiceConnectionString,
  parseConnectionString,
} from '../../../core/src/auth';
import { isHubError } from '../../../core/src/errors';

describe('parseConnectionString', () => {
  it('splits on ; and each part on its first =, keeping base64 padding', () => {
    expect(
      parseConnectionString('HostName=hub.local;SharedAccessKeyName=iothubowner;SharedAccessKey=ab==;'),
    ).toEqual({
      HostName: 'hub.local',
      SharedAccessKeyName: 'iothubowner',
      SharedAccessKey: 'ab==',
    });
  });

  it('refuses a part without a key, without echoing it', () => {
    try {
      parseConnectionString('HostName=h;secretkey');
      expect.unreachable();
    } catch (err) {
      expect(isHubError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).not.toContain('secretkey');
    }
  });
});

describe('build connection strings', () => {
  it('builds a service connection string that parses back', () => {
    const s = buildServiceConnectionString({ hostName: 'hub.local', policyName: 'service', key: 'k==' });
    expect(s).toBe('HostName=hub.local;SharedAccessKeyName=service;SharedAccessKey=k==');
    expect(parseConnectionString(s).SharedAccessKey).toBe('k==');
  });

  it('builds device and module connection strings with an optional gateway', () => {
    expect(buildDeviceConnectionString({ hostName: 'hub', deviceId: 'd1', key: 'k=' })).toBe(
      'HostName=hub;DeviceId=d1;SharedAccessKey=k=',
    );
    expect(
      buildDeviceConnectionString({
        hostName: 'hub',
        deviceId: 'd1',
        moduleId: 'm',
        key: 'k=',
        gatewayHostName: 'gw',
      }),
    ).toBe('HostName=hub;DeviceId=d1;ModuleId=m;SharedAccessKey=k=;GatewayHostName=gw');
  });

  it('refuses a value containing ;', () => {
    expect(() => buildDeviceConnectionString({ hostName: 'hub', deviceId: 'a;b', key: 'k' })).toThrow(
      /DeviceId/,
    );
  });
});
