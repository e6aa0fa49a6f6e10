/**
 * Amazon ECR private registry hosts: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`
 * (AWS ECR user guide "Private registry concepts"; the same shape, ISO partitions included, as
 * the kubelet ecr-credential-provider's host pattern). Pure.
 */
const ECR_HOST =
  /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9][a-z0-9-]*)\.(amazonaws\.com(?:\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov)$/;

export interface EcrRegistry {
  /** The 12-digit account id, which is also the registry id. */
  readonly account: string;
  readonly region: string;
  readonly fips: boolean;
}

export function parseEcrHost(host: string): EcrRegistry | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  if (match === null) return undefined;
  const [, account, fips, region] = match;
  if (account === undefined || region === undefined) return undefined;
  return { account, region, fips: fips !== undefined };
}

/** `123456789012` → `1234…9012`: enough to tell accounts apart in a message. */
export function shortAccount(account: string): string {
  return `${account.slice(0, 4)}…${account.slice(-4)}`;
}
