/**
 * AWS STS double for `AssumeRoleWithWebIdentity` (the EKS IRSA path), following the AWS Query
 * protocol in the STS API Reference: form-encoded `POST /` with `Action`, `Version=2011-06-15`,
 * `RoleArn`, `RoleSessionName`, `WebIdentityToken`; XML answer
 * `AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/Credentials`.
 */
import { startLoopback, type Loopback } from './loopback.js';

export interface StsDoubleOptions {
  readonly expectedToken: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export async function startStsDouble(options: StsDoubleOptions): Promise<Loopback> {
  return startLoopback((request) => {
    const form = new URLSearchParams(request.body);
    if (
      form.get('Action') !== 'AssumeRoleWithWebIdentity' ||
      form.get('Version') !== '2011-06-15'
    ) {
      return { status: 400, body: 'unexpected action' };
    }
    if (form.get('WebIdentityToken') !== options.expectedToken) {
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      };
    }
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult>
<SubjectFromWebIdentityToken>system:serviceaccount:flux:tagpilot</SubjectFromWebIdentityToken>
<AssumedRoleUser><Arn>${form.get('RoleArn') ?? ''}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>${options.accessKeyId}</AccessKeyId><SecretAccessKey>${options.secretAccessKey}</SecretAccessKey><SessionToken>${options.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>
</AssumeRoleWithWebIdentityResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
    };
  });
}
