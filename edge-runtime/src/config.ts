import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { HubError } from '@outpost/core';
import { z } from 'zod';

/** Everything the edge runtime needs to start; produced by {@link loadConfig}. */
export interface RuntimeConfig {
  /** Store and TLS material live here; absolute after loading. Default `./data` (of the working directory). */
  dataDir: string;
  /** The name clients put in `HostName`: the server certificate's CN and the SAS `sr` to accept. Lower-cased. */
  hostName: string;
  /** Other names (DNS or IP) clients may use; accepted in `sr` and added to the certificate. */
  hostAliases: string[];
  /** The listen address for every listener. Default `0.0.0.0`. */
  bind: string;
  /** HTTPS service API port. Default 8443 (the SDK dials 443: redirect or bind it, service-api.md §1.4). */
  httpsPort: number;
  /** MQTT over TLS port for devices. Default 8883. */
  mqttsPort: number;
  /**
   * Plain MQTT port, bound to 127.0.0.1 only (for a TLS terminator in front of the hub); off by
   * default. The SDK cannot speak plain MQTT unmodified (device-protocol.md §1.1).
   */
  mqttPlainPort?: number;
  /** Extra subjectAltNames (DNS, `*.` wildcard, or IP) for the server certificate. */
  sans: string[];
  /** How long after `se` a SAS token is still accepted, for drifting clocks. Default 300. */
  clockSkewSeconds: number;
  /** The least severe level logged. Default `info`. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** A fixed hub id; by default the hub generates one on first start and keeps it. */
  hubId?: string;
}

/** Where {@link loadConfig} looks, highest precedence first: CLI options, environment, config file. */
export interface LoadConfigOptions {
  /** Already-parsed CLI options in camelCase (commander's `opts()`); unknown keys are ignored. */
  argv?: Readonly<Record<string, unknown>>;
  /** The environment, usually `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A JSON config file; overrides `argv.config` and `OUTPOST_CONFIG`. */
  configFile?: string;
  /** Base for relative paths given by flag or env (default `process.cwd()`). */
  cwd?: string;
}

type ConfigKey = keyof RuntimeConfig;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
function isDnsName(name: string): boolean {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  return bare.length > 0 && bare.length <= 253 && bare.split('.').every((label) => DNS_LABEL.test(label));
}

const isHostOrIp = (name: string): boolean => isIP(name) !== 0 || isDnsName(name);

const lowerCase = (s: string): string => s.toLowerCase();
const hostSchema = z
  .string()
  .refine(isHostOrIp, { error: 'must be a DNS name or an IP address' })
  .transform(lowerCase);
const sanSchema = z
  .string()
  .refine((s) => isHostOrIp(s.startsWith('*.') ? s.slice(2) : s), {
    error: 'must be a DNS name, a *. wildcard name or an IP address',
  })
  .transform(lowerCase);

function wholeNumber(min: number, max: number): z.ZodNumber {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

interface FieldSpec {
  env: string;
  help: string;
  schema: z.ZodType;
  /** How flag and env text becomes the typed value; config files already carry JSON types. */
  fromText: (text: string) => unknown;
}

const asText = (text: string): unknown => text;
const asList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const asInteger = (text: string): unknown => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN);

function field(env: string, help: string, schema: z.ZodType, fromText = asText): FieldSpec {
  return { env, help, schema, fromText };
}

const FIELDS: Record<ConfigKey, FieldSpec> = {
  dataDir: field(
    'OUTPOST_DATA_DIR',
    'data directory (store, TLS material), default ./data',
    z.string().min(1, { error: 'must not be empty' }),
  ),
  hostName: field(
    'OUTPOST_HOST_NAME',
    'HostName clients use, default this machine name lower-cased (localhost if not a DNS name)',
    hostSchema,
  ),
  hostAliases: field(
    'OUTPOST_HOST_ALIASES',
    'other names or IPs clients use, comma-separated',
    z.array(hostSchema, { error: 'must be a list of names' }),
    asList,
  ),
  bind: field(
    'OUTPOST_BIND',
    'listen address (an IP), default 0.0.0.0',
    z.string().refine((s) => isIP(s) !== 0, { error: 'must be an IP address such as 0.0.0.0 or ::' }),
  ),
  httpsPort: field(
    'OUTPOST_HTTPS_PORT',
    'HTTPS service API port, default 8443',
    wholeNumber(0, 65535),
    asInteger,
  ),
  mqttsPort: field(
    'OUTPOST_MQTTS_PORT',
    'MQTT over TLS port, default 8883',
    wholeNumber(0, 65535),
    asInteger,
  ),
  mqttPlainPort: field(
    'OUTPOST_MQTT_PLAIN_PORT',
    'plain MQTT port on 127.0.0.1 only (behind a TLS terminator), default off',
    wholeNumber(0, 65535),
    asInteger,
  ),
  sans: field(
    'OUTPOST_SANS',
    'extra certificate names or IPs, comma-separated',
    z.array(sanSchema, { error: 'must be a list of names' }),
    asList,
  ),
  // One day at most: beyond that an expired (possibly leaked) token stays usable for too long.
  clockSkewSeconds: field(
    'OUTPOST_CLOCK_SKEW_SECONDS',
    'seconds an expired SAS token is still accepted, default 300',
    wholeNumber(0, 86400),
    asInteger,
  ),
  logLevel: field(
    'OUTPOST_LOG_LEVEL',
    `one of ${LOG_LEVELS.join(', ')}, default info`,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
    (text) => text.trim().toLowerCase(),
  ),
  hubId: field(
    'OUTPOST_HUB_ID',
    'fixed hub id, default generated on first start',
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: 'must be 1 to 64 letters, digits, dots, dashes or underscores',
    }),
  ),
};

const KEYS = Object.keys(FIELDS) as ConfigKey[];

/** The CLI flag for a config key: `httpsPort` → `--https-port`. */
function flagOf(key: ConfigKey): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The machine name when it is a usable DNS name; `localhost` otherwise (e.g. names with underscores). */
function defaultHostName(): string {
  const name = hostname().toLowerCase();
  return isDnsName(name) ? name : 'localhost';
}

function defaults(): RuntimeConfig {
  return {
    dataDir: './data',
    hostName: defaultHostName(),
    hostAliases: [],
    bind: '0.0.0.0',
    httpsPort: 8443,
    mqttsPort: 8883,
    sans: [],
    clockSkewSeconds: 300,
    logLevel: 'info',
  };
}

/** A value found for a key: where it came from (for messages) and what relative paths are relative to. */
type Candidate = { label: string; value: unknown; base: string };

/** Resolves the runtime configuration: CLI flag > environment variable > config file > default; validates every value. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<RuntimeConfig> {
  const argv = options.argv ?? {};
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const filePath = options.configFile ?? nonEmpty(argv.config) ?? nonEmpty(env.OUTPOST_CONFIG);
  const file = filePath === undefined ? undefined : await readConfigFile(resolve(cwd, filePath));

  const config: Record<string, unknown> = { ...defaults() };
  const problems: string[] = [];
  for (const key of KEYS) {
    const spec = FIELDS[key];
    const candidate = pick(key, spec, argv, env, cwd, file);
    if (!candidate) continue;
    const result = spec.schema.safeParse(candidate.value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (item ${String(issue.path[0])})` : '';
      problems.push(
        `${candidate.label}: ${issue?.message ?? 'is invalid'}${where}, got ${show(candidate.value)}`,
      );
      continue;
    }
    config[key] = key === 'dataDir' ? resolve(candidate.base, result.data as string) : result.data;
  }
  if (problems.length > 0) throw invalid(`Invalid configuration:\n${problems.join('\n')}`, { problems });
  config.dataDir = resolve(cwd, config.dataDir as string);
  return config as unknown as RuntimeConfig;
}

function pick(
  key: ConfigKey,
  spec: FieldSpec,
  argv: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  cwd: string,
  file: { path: string; values: Record<string, unknown> } | undefined,
): Candidate | undefined {
  const flag = argv[key];
  if (flag !== undefined) {
    // Commander hands over text (or a text list for repeatable flags); numbers come from custom parsers.
    const value =
      typeof flag === 'string'
        ? spec.fromText(flag)
        : Array.isArray(flag)
          ? flag.flatMap((item) => (typeof item === 'string' ? asList(item) : [item]))
          : flag;
    return { label: flagOf(key), value, base: cwd };
  }
  // An empty variable counts as unset, so `OUTPOST_X= outpost start` behaves like not setting it.
  const fromEnv = nonEmpty(env[spec.env]);
  if (fromEnv !== undefined) return { label: spec.env, value: spec.fromText(fromEnv), base: cwd };
  if (file && file.values[key] !== undefined) {
    return { label: `${key} in ${file.path}`, value: file.values[key], base: dirname(file.path) };
  }
  return undefined;
}

async function readConfigFile(path: string): Promise<{ path: string; values: Record<string, unknown> }> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw invalid(`Cannot read the config file ${path}.`, undefined, cause);
  });
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (cause) {
    throw invalid(`The config file ${path} is not valid JSON.`, undefined, cause);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw invalid(`The config file ${path} must hold a JSON object.`);
  }
  // Unknown keys are refused: a misspelt key silently falling back to a default is worse than an error.
  const unknown = Object.keys(values).filter((k) => !(KEYS as string[]).includes(k));
  if (unknown.length > 0) {
    throw invalid(
      `The config file ${path} has unknown keys ${unknown.join(', ')}. Known keys: ${KEYS.join(', ')}.`,
    );
  }
  return { path, values: values as Record<string, unknown> };
}

/** Text for `--help`: every setting with its flag, environment variable and meaning, and the precedence. */
export function describeConfigSources(): string {
  const rows = KEYS.map((key) => [flagOf(key), FIELDS[key].env, FIELDS[key].help] as const);
  const flagWidth = Math.max(...rows.map(([flag]) => flag.length));
  const envWidth = Math.max(...rows.map(([, env]) => env.length));
  return [
    'Configuration (first found wins): command-line flag, environment variable, JSON config file, default.',
    'The config file is named by --config or OUTPOST_CONFIG and uses the camelCase key names (e.g. "httpsPort").',
    'Lists are comma-separated in flags and variables and JSON arrays in the file. Empty variables count as unset.',
    '',
    ...rows.map(([flag, env, help]) => `  ${flag.padEnd(flagWidth)}  ${env.padEnd(envWidth)}  ${help}`),
    `  ${'--config'.padEnd(flagWidth)}  ${'OUTPOST_CONFIG'.padEnd(envWidth)}  path of the JSON config file`,
  ].join('\n');
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** HubError messages must not contain `;` (service-api.md §1.7), and paths or values could. */
function invalid(message: string, details?: Record<string, unknown>, cause?: unknown): HubError {
  return new HubError('INVALID_ARGUMENT', message.replaceAll(';', ','), details, { cause });
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
