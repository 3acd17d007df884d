/**
 * permessage-deflate (RFC 7692): the Sec-WebSocket-Extensions grammar, offer
 * and response negotiation with its four parameters, and compression with
 * and without context takeover.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import {
  formatExtensions,
  parseExtensions,
  parseProtocolList,
} from '../../src/ws/extension-header.js';
import {
  acceptOffer,
  acceptResponse,
  clientOffer,
  type DeflateParams,
  PerMessageDeflate,
} from '../../src/ws/permessage-deflate.js';

const DEFAULTS: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function compress(pmd: PerMessageDeflate, data: Buffer, fin = true): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pmd.compress(data, fin, (err, out) => (err ? reject(err) : resolve(out!))),
  );
}

function decompress(pmd: PerMessageDeflate, fragments: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pmd.decompress(fragments, (err, out) => (err ? reject(err) : resolve(out!))),
  );
}

describe('Sec-WebSocket-Extensions grammar (RFC 6455 §9.1)', () => {
  test('parses extensions, parameters, values, quoted values and whitespace', () => {
    assert.deepEqual(
      parseExtensions(
        'permessage-deflate; client_max_window_bits; server_max_window_bits="10" , foo ;bar=baz,x',
      ),
      [
        {
          name: 'permessage-deflate',
          params: [
            ['client_max_window_bits', true],
            ['server_max_window_bits', '10'],
          ],
        },
        { name: 'foo', params: [['bar', 'baz']] },
        { name: 'x', params: [] },
      ],
    );
  });

  test('rejects what the grammar does not allow', () => {
    for (const bad of [
      '',
      ',',
      'a,',
      'a;',
      'a;=1',
      'a; b=',
      'a b',
      'a; b="1 2"',
      'a; b="x',
      'ä',
      'a;;b',
    ]) {
      assert.throws(() => parseExtensions(bad), SyntaxError, JSON.stringify(bad));
    }
  });

  test('formats what it parses', () => {
    const list = parseExtensions(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=9',
    );
    assert.equal(
      formatExtensions(list),
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=9',
    );
  });

  test('Sec-WebSocket-Protocol: tokens, no empties, no duplicates', () => {
    assert.deepEqual(parseProtocolList('chat, superchat,v2.json'), [
      'chat',
      'superchat',
      'v2.json',
    ]);
    for (const bad of ['', 'a,,b', 'a, a', 'a b', 'a,', 'x/y']) {
      assert.throws(() => parseProtocolList(bad), SyntaxError, JSON.stringify(bad));
    }
  });
});

describe('negotiation (RFC 7692 §7.1)', () => {
  test('the default client offer, as browsers send it, is accepted with defaults', () => {
    const offer = clientOffer({});
    assert.equal(formatExtensions([offer]), 'permessage-deflate; client_max_window_bits');
    const accepted = acceptOffer([offer], {});
    assert.ok(accepted);
    assert.deepEqual(accepted.params, DEFAULTS);
    assert.equal(formatExtensions([accepted.response]), 'permessage-deflate');
  });

  test('the server honours server_no_context_takeover and window sizes from the offer', () => {
    const offers = parseExtensions(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
    const accepted = acceptOffer(offers, { clientMaxWindowBits: 11 });
    assert.ok(accepted);
    assert.deepEqual(accepted.params, {
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 11,
    });
    assert.equal(
      formatExtensions([accepted.response]),
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
    );
  });

  test('the server may impose client_no_context_takeover and a smaller server window', () => {
    const accepted = acceptOffer(parseExtensions('permessage-deflate'), {
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
    });
    assert.ok(accepted);
    assert.equal(
      formatExtensions([accepted.response]),
      'permessage-deflate; client_no_context_takeover; server_max_window_bits=9',
    );
    assert.equal(accepted.params.clientNoContextTakeover, true);
  });

  test('offers with unknown, repeated or invalid parameters are declined; the next one is taken', () => {
    for (const bad of [
      'permessage-deflate; foo',
      'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
      'permessage-deflate; server_max_window_bits',
      'permessage-deflate; server_max_window_bits=16',
      'permessage-deflate; server_max_window_bits=7',
      'permessage-deflate; server_max_window_bits=010',
      'permessage-deflate; client_max_window_bits=abc',
      'permessage-deflate; server_no_context_takeover=1',
      'x-other-extension',
    ]) {
      assert.equal(acceptOffer(parseExtensions(bad), {}), undefined, bad);
      const accepted = acceptOffer(parseExtensions(`${bad}, permessage-deflate`), {});
      assert.ok(accepted, bad);
      assert.deepEqual(accepted.params, DEFAULTS);
    }
  });

  test('a client window limit needs client_max_window_bits in the offer', () => {
    assert.equal(
      acceptOffer(parseExtensions('permessage-deflate'), { clientMaxWindowBits: 10 }),
      undefined,
    );
  });

  test('serverNoContextTakeover: false refuses offers that ask for it', () => {
    const offers = parseExtensions('permessage-deflate; server_no_context_takeover');
    assert.equal(acceptOffer(offers, { serverNoContextTakeover: false }), undefined);
  });

  test('the client checks the response against its offer', () => {
    assert.deepEqual(acceptResponse(parseExtensions('permessage-deflate')[0]!, {}), DEFAULTS);
    assert.deepEqual(
      acceptResponse(
        parseExtensions(
          'permessage-deflate; client_no_context_takeover; client_max_window_bits=10',
        )[0]!,
        {},
      ),
      { ...DEFAULTS, clientNoContextTakeover: true, clientMaxWindowBits: 10 },
    );
    const bad: Array<[string, Parameters<typeof acceptResponse>[1]]> = [
      ['permessage-deflate; client_max_window_bits', {}],
      ['permessage-deflate; unknown', {}],
      ['permessage-deflate; client_max_window_bits=10', { clientMaxWindowBits: false }],
      ['permessage-deflate', { serverNoContextTakeover: true }],
      ['permessage-deflate', { serverMaxWindowBits: 10 }],
      ['permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 }],
    ];
    for (const [header, options] of bad) {
      assert.throws(() => acceptResponse(parseExtensions(header)[0]!, options), Error, header);
    }
  });

  test('window bits options are validated', () => {
    assert.throws(() => clientOffer({ serverMaxWindowBits: 7 }), RangeError);
    assert.throws(() => clientOffer({ clientMaxWindowBits: 16 }), RangeError);
  });
});

describe('compression (RFC 7692 §7.2)', () => {
  test('the RFC §7.2.3.1 example: "Hello" compressed is f2 48 cd c9 c9 07 00', async () => {
    const client = new PerMessageDeflate(DEFAULTS, false);
    const server = new PerMessageDeflate(DEFAULTS, true);
    assert.deepEqual(
      await decompress(server, [Buffer.from('f248cdc9c90700', 'hex')]),
      Buffer.from('Hello'),
    );
    const out = await compress(client, Buffer.from('Hello'));
    assert.deepEqual(await decompress(server, [out]), Buffer.from('Hello'));
    client.cleanup();
    server.cleanup();
  });

  test('the RFC §7.2.3.2 example: "Hello" twice with context takeover is shorter the second time', async () => {
    const server = new PerMessageDeflate(DEFAULTS, true);
    assert.deepEqual(
      await decompress(server, [Buffer.from('f248cdc9c90700', 'hex')]),
      Buffer.from('Hello'),
    );
    assert.deepEqual(
      await decompress(server, [Buffer.from('f200110000', 'hex')]),
      Buffer.from('Hello'),
    );
    server.cleanup();
  });

  test('a message split into fragments decompresses as one', async () => {
    const compressed = zlib.deflateRawSync(Buffer.from('fragmented payload '.repeat(20)), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const body = compressed.subarray(0, compressed.length - 4);
    const server = new PerMessageDeflate(DEFAULTS, true);
    const out = await decompress(server, [
      body.subarray(0, 5),
      body.subarray(5, 6),
      body.subarray(6),
    ]);
    assert.equal(out.toString(), 'fragmented payload '.repeat(20));
    server.cleanup();
  });

  test('context takeover: repeated messages shrink; no context takeover: they do not', async () => {
    const msg = Buffer.from('a sentence that repeats across messages, '.repeat(4));
    const withContext = new PerMessageDeflate(DEFAULTS, true);
    const first = await compress(withContext, msg);
    const second = await compress(withContext, msg);
    assert.ok(second.length < first.length / 2, `${second.length} vs ${first.length}`);

    const without = new PerMessageDeflate({ ...DEFAULTS, serverNoContextTakeover: true }, true);
    const a = await compress(without, msg);
    const b = await compress(without, msg);
    assert.deepEqual(a, b);

    // The peer decodes both streams.
    const peer = new PerMessageDeflate(DEFAULTS, false);
    for (const m of [first, second]) assert.deepEqual(await decompress(peer, [m]), msg);
    const peer2 = new PerMessageDeflate({ ...DEFAULTS, serverNoContextTakeover: true }, false);
    for (const m of [a, b]) assert.deepEqual(await decompress(peer2, [m]), msg);
    for (const p of [withContext, without, peer, peer2]) p.cleanup();
  });

  test('an empty message compresses to a single 00 byte', async () => {
    const pmd = new PerMessageDeflate(DEFAULTS, true);
    assert.deepEqual(await compress(pmd, Buffer.alloc(0)), Buffer.from([0]));
    const peer = new PerMessageDeflate(DEFAULTS, false);
    assert.deepEqual(await decompress(peer, [Buffer.from([0])]), Buffer.alloc(0));
    pmd.cleanup();
    peer.cleanup();
  });

  test('fragments compressed with fin false continue the same stream', async () => {
    const pmd = new PerMessageDeflate(DEFAULTS, false);
    const parts = [
      await compress(pmd, Buffer.from('one '), false),
      await compress(pmd, Buffer.from('two '), false),
      await compress(pmd, Buffer.from('three'), true),
    ];
    const peer = new PerMessageDeflate(DEFAULTS, true);
    assert.equal((await decompress(peer, parts)).toString(), 'one two three');
    pmd.cleanup();
    peer.cleanup();
  });

  test('inflating past maxPayload fails with 1009', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(1 << 20), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const pmd = new PerMessageDeflate(DEFAULTS, true, {}, 1000);
    await assert.rejects(decompress(pmd, [bomb.subarray(0, bomb.length - 4)]), {
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      closeCode: 1009,
    });
    // The next message starts from a fresh decompressor.
    assert.deepEqual(
      await decompress(pmd, [Buffer.from('f248cdc9c90700', 'hex')]),
      Buffer.from('Hello'),
    );
    pmd.cleanup();
  });

  test('data that is not DEFLATE fails with 1007', async () => {
    const pmd = new PerMessageDeflate(DEFAULTS, true);
    await assert.rejects(decompress(pmd, [Buffer.from('ffffffff', 'hex')]), { closeCode: 1007 });
    pmd.cleanup();
  });

  test('cleanup fails a pending operation instead of leaving it hanging', async () => {
    const pmd = new PerMessageDeflate(DEFAULTS, true);
    const pending = compress(pmd, Buffer.alloc(100_000, 1));
    pmd.cleanup();
    await assert.rejects(pending, /closed/);
  });
});
