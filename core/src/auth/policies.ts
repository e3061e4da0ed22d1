/** A right a shared access policy can grant (service-api.md §1.1 and §1.6). */
export type AccessRight = 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect' | 'DeviceConnect';

/** A hub-level shared access policy: a name, its rights, and two keys so keys can be rotated. */
export interface SharedAccessPolicy {
  /** The policy name, sent as `skn` and as `SharedAccessKeyName`; matched case-sensitively. */
  name: string;
  /** The rights granted; RegistryWrite implies RegistryRead (see {@link hasRight}). */
  rights: readonly AccessRight[];
  /** Base64 key; an empty string disables it. */
  primaryKey: string;
  /** Base64 key; an empty string disables it. */
  secondaryKey: string;
}

/** The policies every Azure IoT hub starts with, and their rights (service-api.md §1.1). */
export const defaultPolicyRights: Readonly<Record<string, readonly AccessRight[]>> = {
  iothubowner: ['RegistryWrite', 'ServiceConnect', 'DeviceConnect'],
  service: ['ServiceConnect'],
  registryRead: ['RegistryRead'],
  registryReadWrite: ['RegistryWrite'],
  device: ['DeviceConnect'],
};

/**
 * Seeds the default policies with fresh keys. Key generation is injected so core stays deterministic
 * in tests; `ownerPrimaryKey` lets an operator keep a known iothubowner key across re-seeding.
 */
export function createDefaultPolicies(
  generateKey: () => string,
  ownerPrimaryKey?: string,
): SharedAccessPolicy[] {
  return Object.entries(defaultPolicyRights).map(([name, rights]) => ({
    name,
    rights: [...rights],
    primaryKey: name === 'iothubowner' && ownerPrimaryKey !== undefined ? ownerPrimaryKey : generateKey(),
    secondaryKey: generateKey(),
  }));
}

/** True when the policy grants `right`, counting RegistryWrite as also granting RegistryRead. */
export function hasRight(policy: Pick<SharedAccessPolicy, 'rights'>, right: AccessRight): boolean {
  if (policy.rights.includes(right)) return true;
  return right === 'RegistryRead' && policy.rights.includes('RegistryWrite');
}

/** The policy called exactly `name`, if any. */
export function findPolicy(
  policies: readonly SharedAccessPolicy[],
  name: string,
): SharedAccessPolicy | undefined {
  return policies.find((p) => p.name === name);
}
