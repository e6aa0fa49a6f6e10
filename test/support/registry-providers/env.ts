/**
 * Environment control for tests of the vendor SDKs, which read their credential sources from
 * process.env themselves (the AWS default chain, google-auth-library ADC, @azure/identity).
 * Only test code touches process.env; production code never does (team rules).
 */
const PREFIXES = [
  'AWS_',
  'GOOGLE_',
  'GCE_',
  'METADATA_SERVER',
  'AZURE_',
  'IDENTITY_',
  'MSI_',
  'IMDS_',
  'CLOUDSDK_',
];

/** Runs `fn` with every cloud variable cleared, then `vars` set; restores afterwards. */
export async function withCloudEnv<T>(
  vars: Readonly<Record<string, string>>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) {
    if (PREFIXES.some((prefix) => key.startsWith(prefix))) Reflect.deleteProperty(process.env, key);
  }
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    }
    Object.assign(process.env, saved);
  }
}
