import type { HubInfo } from '../../api/hub';
import { CopyButton } from '../../components/ui';

/** How a device built with the Azure IoT device SDK connects here: its connection string and the CA. */
export function ConnectDevice({ info }: { info: HubInfo }) {
  const gateway = info.ports.mqtts === 8883 ? info.hostName : `${info.hostName}:${info.ports.mqtts}`;
  const connectionString = `HostName=${info.hostName};DeviceId=<device id>;SharedAccessKey=<device key>;GatewayHostName=${gateway}`;
  const run = `NODE_EXTRA_CA_CERTS=outpost-${info.hubId}-ca.pem node device-app.js`;
  return (
    <section className="card" aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect a device</h2>
      <ol className="hubs-steps">
        <li>
          Provision the device (Provision screen or <code>outpost device add</code>) to get its key.
        </li>
        <li>
          Give it this connection string, with its id and key:
          <figure className="hubs-figure">
            <figcaption className="sr-only">Device connection string</figcaption>
            <pre className="json hubs-snippet">{connectionString}</pre>
          </figure>
          <CopyButton text={connectionString} label="Copy connection string template" />
        </li>
        <li>
          Make it trust the hub's CA (Download CA certificate), e.g. for Node:
          <figure className="hubs-figure">
            <figcaption className="sr-only">Command to start a Node device app</figcaption>
            <pre className="json hubs-snippet">{run}</pre>
          </figure>
        </li>
      </ol>
      <p className="muted small">
        SAS-key devices dial <code>GatewayHostName</code> (MQTT/TLS). X.509 and SAS-token devices ignore it:
        use <code>HostName={info.hostName}</code>
        {info.hostAliases.length > 0 ? ` (or an alias: ${info.hostAliases.join(', ')})` : ''}.
      </p>
    </section>
  );
}
