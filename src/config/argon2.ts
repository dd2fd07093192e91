/** argon2id parameters (OWASP minimum: 19 MiB memory, 2 passes), shared by the app and the seed. */
export const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
