import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The access key ID from a SigV4 `Authorization` header, when signed. */
  accessKeyId: string | undefined;
}

/** Decides the response to a recorded request; the default answers 200 with an empty body. */
export type Responder = (req: RecordedRequest, res: ServerResponse) => void;

/**
 * A hand-made double: a local HTTP(S) server that records every request (method, path,
 * headers, body) and answers through `respond`. It stands in for AWS endpoints whose
 * requests a test must inspect (STS AssumeRole forms, S3 headers, user agents).
 */
export interface RecordingServer {
  endpoint: string;
  requests: RecordedRequest[];
  respond: Responder;
  close(): Promise<void>;
}

function accessKeyOf(auth: string | undefined): string | undefined {
  return auth ? /Credential=([^/]+)\//.exec(auth)?.[1] : undefined;
}

/** Starts a recording server on 127.0.0.1 (HTTPS when `tls` holds a key and certificate). */
export async function startRecordingServer(
  respond: Responder = (_r, res) => res.end(),
  tls?: { key: string; cert: string },
): Promise<RecordingServer> {
  const state: RecordingServer = {
    endpoint: '',
    requests: [],
    respond,
    close: () => Promise.resolve(),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        accessKeyId: accessKeyOf(req.headers.authorization),
      };
      state.requests.push(rec);
      state.respond(rec, res);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Form fields of an STS query request body. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body).entries());
}

/** A valid STS XML answer for `AssumeRole` / `AssumeRoleWithWebIdentity` / `GetCallerIdentity`. */
export function stsResponse(
  action: string,
  creds: { accessKeyId: string; secretAccessKey: string; expiration?: string },
): string {
  const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  if (action === 'GetCallerIdentity') {
    return `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/test</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  const extra =
    action === 'AssumeRoleWithWebIdentity'
      ? '<SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken><Audience>aud</Audience><Provider>issuer</Provider>'
      : '';
  return (
    `<${action}Response xmlns="${ns}"><${action}Result>${extra}<Credentials>` +
    `<AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${creds.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>session-token-value</SessionToken><Expiration>${creds.expiration ?? '2099-01-01T00:00:00Z'}</Expiration></Credentials>` +
    `<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn></AssumedRoleUser>` +
    `<PackedPolicySize>6</PackedPolicySize></${action}Result><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${action}Response>`
  );
}
