import type { HubInfo } from '../../api/hub';
import { CopyButton } from '../../components/ui';

/** The URLs back ends and devices use, each with a copy button. */
export function Endpoints({ info }: { info: HubInfo }) {
  const rows = [
    { name: 'HTTPS API', who: 'back ends, the SDK, this app', url: info.urls.https, port: info.ports.https },
    { name: 'MQTT over TLS', who: 'devices (Mqtt transport)', url: info.urls.mqtts, port: info.ports.mqtts },
    {
      name: 'MQTT over WebSockets',
      who: 'devices (MqttWs transport)',
      url: info.urls.mqttWs,
      port: info.ports.https,
    },
  ];
  return (
    <section className="card hubs-wide" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Endpoints</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">URL</th>
            <th scope="col">Port</th>
            <th scope="col">
              <span className="sr-only">Copy</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row" className="hubs-rowhead">
                {r.name}
                <div className="muted small">{r.who}</div>
              </th>
              <td className="mono hubs-url">{r.url}</td>
              <td>{r.port}</td>
              <td>
                <CopyButton text={r.url} label={`Copy ${r.name} URL`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {info.ports.https !== 443 ? (
        <p className="muted small">
          The Azure SDKs dial port 443 for MqttWs and for the service API: run the hub with{' '}
          <code>--https-port 443</code> (or forward 443 to {info.ports.https}) for them.
        </p>
      ) : null}
    </section>
  );
}
