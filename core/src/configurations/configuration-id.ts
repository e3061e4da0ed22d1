import { HubError } from '../errors';

/** The longest configuration id IoT Hub accepts (service-api.md §3.5). */
export const MAX_CONFIGURATION_ID_LENGTH = 128;

// Why: `[` and `]` would break the `configurations.[[id]]` path of the appliedCount query; the rest
// are the characters IoT Hub refuses in ids (service-api.md §3.5). Whitespace and controls too.
const FORBIDDEN = /[&^[\]{}\\|"<>/\s\p{Cc}]/u;

/** Checks a configuration id: 1–128 characters, lower-case, none of `& ^ [ ] { } \ | " < > /`. */
export function validateConfigurationId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new HubError('INVALID_ARGUMENT', 'The configuration id is missing.');
  }
  const shown = id.length > 40 ? `${id.slice(0, 40)}...` : id;
  if (id.length > MAX_CONFIGURATION_ID_LENGTH) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `The configuration id ${shown} is longer than ${MAX_CONFIGURATION_ID_LENGTH} characters.`,
    );
  }
  if (id !== id.toLowerCase()) {
    throw new HubError('INVALID_ARGUMENT', `The configuration id ${shown} must be lower-case.`);
  }
  const bad = FORBIDDEN.exec(id)?.[0];
  if (bad !== undefined) {
    const what = /\s|\p{Cc}/u.test(bad) ? 'whitespace or a control character' : `'${bad}'`;
    throw new HubError('INVALID_ARGUMENT', `The configuration id ${shown} contains ${what}.`);
  }
  return id;
}
