/**
 * Certificates for the https tests, made once per process with the
 * `selfsigned` package (ECDSA P-256, SHA-256, so generation is fast):
 *
 * - `ca`: a test certificate authority;
 * - `localhost`: a server certificate signed by `ca` for DNS `localhost` and
 *   IP 127.0.0.1;
 * - `other`: a server certificate signed by `ca` for `other.example` (SNI and
 *   name-mismatch tests);
 * - `selfSigned`: a certificate for `localhost` that signs itself;
 * - `client`: a client certificate signed by `ca` (CN `wirestack client`).
 *
 * Plus small helpers shared by the https tests.
 */
import type { Readable } from 'node:stream';
import { generate } from 'selfsigned';

export interface KeyPair {
  /** PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
}

export interface TestCertificates {
  ca: KeyPair;
  localhost: KeyPair;
  other: KeyPair;
  selfSigned: KeyPair;
  client: KeyPair;
}

type Extensions = NonNullable<Parameters<typeof generate>[1]>['extensions'];

async function make(
  commonName: string,
  extensions: Extensions,
  issuer?: KeyPair,
): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions,
    ...(issuer ? { ca: { key: issuer.key, cert: issuer.cert } } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

function serverExtensions(names: { dns?: string[]; ip?: string[] }): Extensions {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...(names.dns ?? []).map((value) => ({ type: 2 as const, value })),
        ...(names.ip ?? []).map((ip) => ({ type: 7 as const, ip })),
      ],
    },
  ];
}

let certificates: Promise<TestCertificates> | undefined;

/** The test certificates (made on first use, then shared). */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= (async () => {
    const ca = await make('wirestack test CA', [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
    ]);
    const localhost = await make(
      'localhost',
      serverExtensions({ dns: ['localhost'], ip: ['127.0.0.1'] }),
      ca,
    );
    const other = await make('other.example', serverExtensions({ dns: ['other.example'] }), ca);
    const selfSigned = await make(
      'localhost',
      serverExtensions({ dns: ['localhost'], ip: ['127.0.0.1'] }),
    );
    const client = await make(
      'wirestack client',
      [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
      ca,
    );
    return { ca, localhost, other, selfSigned, client };
  })();
  return certificates;
}

/** Something with `listen` / `address` (our https.Server or node:https's). */
interface Listenable {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}

/** Listens on 127.0.0.1, an ephemeral port; resolves with the port. */
export function listen(server: Listenable): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** Closes a server (and its connections) and resolves once it emitted 'close'. */
export function close(server: {
  close(cb?: () => void): unknown;
  closeAllConnections?: () => void;
}): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Reads a stream to its end. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
