/**
 * Captures of the simulated network: the same seed gives byte-identical
 * pcap files; tshark decodes every packet with zero malformed packets and
 * zero checksum errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Capture } from '../../src/link/capture.js';
import { WireError } from '../../src/wire/errors.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW, parsePcap } from '../../src/wire/pcap.js';
import { requirePeer } from '../helpers/peers.js';
import { runScenario } from './scenario.js';

const FAULTS = { loss: 0.1, duplicate: 0.05, reorder: 0.1 };

/** Frames tshark calls malformed, or with a bad IP / UDP / ICMP / ICMPv6 / IGMP checksum, or any error. */
const PROBLEMS =
  '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == 0 || ' +
  'udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0 || ' +
  'igmp.checksum.status == 0';

function tshark(path: string, file: string, filter?: string): string[] {
  const args = ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
  if (filter) args.push('-Y', filter);
  const out = execFileSync(path, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  return out.split('\n').filter((line) => line.trim() !== '');
}

describe('determinism', () => {
  test('the same seed twice gives byte-identical captures', () => {
    const first = runScenario(1234, FAULTS);
    const second = runScenario(1234, FAULTS);
    assert.ok(first.frames > 50);
    assert.equal(Buffer.compare(Buffer.from(first.pcap), Buffer.from(second.pcap)), 0);
    assert.equal(
      Buffer.compare(Buffer.from(first.loopbackPcap), Buffer.from(second.loopbackPcap)),
      0,
    );
  });

  test('another seed gives another run', () => {
    const a = runScenario(1, FAULTS);
    const b = runScenario(2, FAULTS);
    assert.notEqual(Buffer.compare(Buffer.from(a.pcap), Buffer.from(b.pcap)), 0);
  });

  test('our own reader reads every record back', () => {
    const run = runScenario(5, FAULTS);
    const file = parsePcap(run.pcap);
    assert.ok(!(file instanceof WireError));
    assert.equal(file.linkType, LINKTYPE_ETHERNET);
    assert.equal(file.packets.length, run.frames);
    const lo = parsePcap(run.loopbackPcap);
    assert.ok(!(lo instanceof WireError));
    assert.equal(lo.linkType, LINKTYPE_RAW);
    for (let i = 1; i < file.packets.length; i++) {
      assert.ok(file.packets[i]!.timeMs >= file.packets[i - 1]!.timeMs, 'time never goes back');
    }
  });
});

describe('tshark', () => {
  test('decodes Ethernet and raw-IP captures: no malformed packet, no checksum error', (t) => {
    const path = requirePeer(t, 'tshark');
    if (!path) return;
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-pcap-'));
    try {
      for (const seed of [1, 2, 3]) {
        const run = runScenario(seed, FAULTS);
        const eth = join(dir, `eth-${seed}.pcap`);
        const lo = join(dir, `lo-${seed}.pcap`);
        writeFileSync(eth, run.pcap);
        writeFileSync(lo, run.loopbackPcap);
        assert.equal(tshark(path, eth).length, run.frames, 'every frame decoded');
        assert.deepEqual(tshark(path, eth, PROBLEMS), [], `seed ${seed}`);
        assert.deepEqual(tshark(path, lo, PROBLEMS), []);
        // And the protocols are the ones we sent.
        const protocols = new Set(
          execFileSync(path, ['-r', eth, '-T', 'fields', '-e', '_ws.col.Protocol'], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          })
            .split('\n')
            .filter(Boolean),
        );
        for (const p of ['ARP', 'ICMP', 'ICMPv6', 'UDP', 'IGMPv2'])
          assert.ok(protocols.has(p), `${p} in ${[...protocols]}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a flipped bit is caught by tshark too (the check is not vacuous)', (t) => {
    const path = requirePeer(t, 'tshark');
    if (!path) return;
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-pcap-'));
    try {
      const run = runScenario(1, {});
      const bad = run.pcap.slice();
      bad[bad.length - 1]! ^= 1; // last byte of the last frame's UDP payload
      const file = join(dir, 'bad.pcap');
      writeFileSync(file, bad);
      assert.equal(tshark(path, file, PROBLEMS).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a capture written to a file equals the one in memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-pcap-'));
  try {
    const file = join(dir, 'c.pcap');
    const capture = new Capture({ path: file, linkType: 'raw' });
    capture.record(1.5, Uint8Array.of(0x45, 0, 0, 20));
    capture.record(2.25, Uint8Array.of(0x60));
    capture.close();
    assert.deepEqual(new Uint8Array(readFileSync(file)), capture.bytes());
    assert.equal(capture.packets, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
