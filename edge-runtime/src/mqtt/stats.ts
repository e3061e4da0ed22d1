/** Counters of the MQTT gateway, for diagnostics and tests (`EdgeRuntime.gatewayStats()`). */
export interface GatewayStats {
  /** Connections that passed authentication and are open now. */
  connectionsOpen: number;
  /** CONNECTs answered with CONNACK 0. */
  connectsAccepted: number;
  /** CONNECTs answered with CONNACK 5 (bad or unknown credentials, disabled device). */
  connectsRefused: number;
  /** CONNECTs answered with CONNACK 3 (hub starting or stopping). */
  connectsUnavailable: number;
  /** Connections the hub closed because the identity was disabled, deleted, re-keyed or expired. */
  connectionsDropped: number;
  /** SUBSCRIBE filters answered 0x80 (outside the identity's four filters). */
  subscribesDenied: number;
  /** PUBLISHes to a topic the identity may not use; each closes its connection. */
  publishesDenied: number;
  /** Telemetry messages handed to the sink (and acknowledged). */
  telemetryAccepted: number;
  /** Telemetry refused by closing the connection (oversized, QoS 2, sink failure). */
  telemetryRefused: number;
  /** Twin GETs and reported PATCHes answered. */
  twinRequests: number;
  /** Twin requests answered with an error body. */
  twinErrors: number;
  /** Desired-property notifications sent (catch-up patches included). */
  desiredSent: number;
  /** Direct-method requests sent to devices. */
  methodsInvoked: number;
  /** Direct-method requests that got no answer in time. */
  methodsTimedOut: number;
  /** Connections closed by a protocol or socket error (garbage bytes, resets, keep-alive expiry). */
  connectionErrors: number;
}

/** A zeroed set of counters. */
export function createGatewayStats(): GatewayStats {
  return {
    connectionsOpen: 0,
    connectsAccepted: 0,
    connectsRefused: 0,
    connectsUnavailable: 0,
    connectionsDropped: 0,
    subscribesDenied: 0,
    publishesDenied: 0,
    telemetryAccepted: 0,
    telemetryRefused: 0,
    twinRequests: 0,
    twinErrors: 0,
    desiredSent: 0,
    methodsInvoked: 0,
    methodsTimedOut: 0,
    connectionErrors: 0,
  };
}
