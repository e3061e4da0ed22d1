/** The direct-method part of the bench:mqtt report: the least disturbed phases, the ratios, the targets. */
import { round } from '../stats';
import { best, check, ratio, stallNote, type TargetCheck } from './judge';
import type { MethodPhaseRun, MethodRun } from './methods';

/** The progress line of one run: each phase, then the bare child's HTTPS relay and echo when present. */
export function describeMethodRun(r: MethodRun): string {
  const line = (phases: MethodPhaseRun[]) =>
    phases
      .map(
        (p) =>
          `c=${p.concurrency}: p50 ${p.latencyMs.p50} ms p99 ${p.latencyMs.p99} ms ${p.callsPerSec}/s err ${p.errors}${stallNote(p.cost)}`,
      )
      .join('; ');
  const relay = r.httpsRelay ? `; HTTPS relay ${line(r.httpsRelay.phases)}` : '';
  const echo = r.httpsEcho ? `; HTTPS echo ${line(r.httpsEcho.phases)}` : '';
  return `${line(r.phases)}${relay}${echo}`;
}

/** One transport's report (hub and bare runs of every round) and, over TLS, its judged targets. */
export function summarizeMethods(runs: { hub: MethodRun[]; bare: MethodRun[] }): {
  report: Record<string, unknown>;
  checks: TargetCheck[];
} {
  const h = bestPhases(runs.hub);
  const b = bestPhases(runs.bare);
  const report = {
    hub: h,
    bare: b,
    ratioHubToBare: h.phases.map((p, i) => ({
      concurrency: p.concurrency,
      p50: ratio(p.latencyMs.p50, b.phases[i]!.latencyMs.p50),
      p99: ratio(p.latencyMs.p99, b.phases[i]!.latencyMs.p99),
      callsPerSec: ratio(p.callsPerSec, b.phases[i]!.callsPerSec),
    })),
    ratioHubToBareHttpsRelay: relayRatios(h, b),
    decomposition: methodDecomposition(h, b),
    allRuns: {
      hub: runs.hub.map((r) => latencies(r.phases)),
      bare: runs.bare.map((r) => latencies(r.phases)),
      bareHttpsEcho: runs.bare.map((r) => latencies(r.httpsEcho?.phases ?? [])),
      bareHttpsRelay: runs.bare.map((r) => latencies(r.httpsRelay?.phases ?? [])),
    },
  };
  const checks = h.phases.flatMap((p, i) => {
    const bp = b.phases[i]!;
    const mode = p.concurrency === 1 ? 'sequential' : `concurrency ${p.concurrency}`;
    return [
      check(
        `methods.tls.c${p.concurrency}.p50Ratio`,
        `direct method p50, hub (HTTPS → device) / bare aedes request-response, ${mode}, device over TLS`,
        p.latencyMs.p50 / bp.latencyMs.p50,
        'ratio',
        '<=',
        1.5,
      ),
      check(
        `methods.tls.c${p.concurrency}.p99Ratio`,
        `direct method p99, hub / bare aedes, ${mode}, device over TLS`,
        p.latencyMs.p99 / bp.latencyMs.p99,
        'ratio',
        '<=',
        2,
      ),
    ];
  });
  return { report, checks };
}

/** Each phase's concurrency, p50 and p99: what `allRuns` lists of every round. */
function latencies(phases: MethodPhaseRun[]) {
  return phases.map((p) => ({ c: p.concurrency, p50: p.latencyMs.p50, p99: p.latencyMs.p99 }));
}
/** Each phase (and the HTTPS floor) from the round where its p50 was lowest: the least disturbed. */
function bestPhases(runs: MethodRun[]): MethodRun {
  const first = runs[0]!;
  const floors = runs.flatMap((r) => (r.httpsOfflineDeviceFloor ? [r.httpsOfflineDeviceFloor] : []));
  const lowestP50 = (phases: MethodPhaseRun[]) => best(phases, (p) => p.latencyMs.p50, false);
  const relays = runs.flatMap((r) => (r.httpsRelay ? [r.httpsRelay] : []));
  const echoes = runs.flatMap((r) => (r.httpsEcho ? [r.httpsEcho] : []));
  return {
    shape: first.shape,
    phases: first.phases.map((_, i) => lowestP50(runs.map((r) => r.phases[i]!))),
    ...(floors.length > 0 ? { httpsOfflineDeviceFloor: lowestP50(floors) } : {}),
    ...(relays[0]
      ? {
          httpsRelay: {
            shape: relays[0].shape,
            phases: relays[0].phases.map((_, i) => lowestP50(relays.map((r) => r.phases[i]!))),
          },
        }
      : {}),
    ...(echoes[0]
      ? {
          httpsEcho: {
            shape: echoes[0].shape,
            phases: echoes[0].phases.map((_, i) => lowestP50(echoes.map((r) => r.phases[i]!))),
          },
        }
      : {}),
  };
}

/** Hub / bare HTTPS relay per phase: what the hub adds over a bare HTTPS front on aedes. */
function relayRatios(hub: MethodRun, bare: MethodRun) {
  const relay = bare.httpsRelay;
  if (!relay) return undefined;
  return hub.phases.map((p, i) => {
    const r = relay.phases[i]!;
    const b = bare.phases[i]!;
    const echo = bare.httpsEcho?.phases[i];
    return {
      concurrency: p.concurrency,
      hubToRelayP50: ratio(p.latencyMs.p50, r.latencyMs.p50),
      hubToRelayP99: ratio(p.latencyMs.p99, r.latencyMs.p99),
      hubToRelayCallsPerSec: ratio(p.callsPerSec, r.callsPerSec),
      relayToBareMqttP50: ratio(r.latencyMs.p50, b.latencyMs.p50),
      relayToBareMqttP99: ratio(r.latencyMs.p99, b.latencyMs.p99),
      ...(echo
        ? {
            httpsEchoP50Ms: echo.latencyMs.p50,
            httpsEchoToBareMqttP50: ratio(echo.latencyMs.p50, b.latencyMs.p50),
          }
        : {}),
    };
  });
}

/** Where a sequential hub method call's p50 goes: the HTTPS side (offline-device floor) and the MQTT leg. */
function methodDecomposition(hub: MethodRun, bare: MethodRun): Record<string, number> | undefined {
  const floor = hub.httpsOfflineDeviceFloor;
  const h = hub.phases.find((p) => p.concurrency === 1);
  const b = bare.phases.find((p) => p.concurrency === 1);
  if (!floor || !h || !b) return undefined;
  const leg = h.latencyMs.p50 - floor.latencyMs.p50;
  return {
    hubSequentialP50Ms: h.latencyMs.p50,
    httpsOfflineDeviceP50Ms: floor.latencyMs.p50,
    gatewayMqttLegP50Ms: round(leg, 3),
    bareMqttRoundTripP50Ms: b.latencyMs.p50,
    gatewayLegToBareRatio: ratio(leg, b.latencyMs.p50),
  };
}
