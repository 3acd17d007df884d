/**
 * Links to the kernel over an IPv6 underlay: the tunnel's own datagrams
 * travel in IPv6 (`--link vxlan:[fd99::2]:4789@[fd99::1]:4789`, the kernel's
 * vxlan device `local fd99::1 remote fd99::2`; socat's `UDP6-DATAGRAM` for
 * bare IP), while the overlay carries IPv4 and IPv6 as before. Ping both
 * ways, TCP both ways (sha256 byte-exact), and nftables counters on the
 * kernel's end of the underlay show the datagrams were IPv6 and none IPv4.
 * See test/link/kernel-net.ts for the network.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  assertKernelPingsWirestack,
  KERNEL_V4,
  KERNEL_V6,
  type KernelLinkKind,
  type KernelNet,
  LINK_PORT,
  makeKernelNet,
  requireKernelNet,
  runWirestack,
} from './kernel-net.js';
import { download, payload, upload } from './kernel-transfer.js';

const MiB = 1 << 20;

/** Counts the link's datagrams arriving on the kernel's underlay end, per outer family. */
function countUnderlay(net: KernelNet): () => { v4: number; v6: number } {
  const rules = `table inet wirestack_underlay {
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "${net.underlay}" meta nfproto ipv4 udp dport ${LINK_PORT} counter
    iifname "${net.underlay}" meta nfproto ipv6 udp dport ${LINK_PORT} counter
  }
}
`;
  execFileSync('ip', net.inNs(net.kernelNs, 'nft', ['-f', '-']), { input: rules });
  return () => {
    const out = net.kernel('nft', ['list', 'table', 'inet', 'wirestack_underlay']);
    const [v4, v6] = [...out.matchAll(/packets (\d+)/g)].map((m) => Number(m[1]));
    return { v4: v4!, v6: v6! };
  };
}

for (const kind of ['vxlan', 'udp'] as KernelLinkKind[]) {
  describe(`kernel link: ${kind} over an IPv6 underlay`, { timeout: 90_000 }, () => {
    test('ping both ways, IPv4 and IPv6; TCP both ways', async (t) => {
      const tools = ['ping', 'socat', 'ss', 'nft', ...(kind === 'vxlan' ? ['ethtool'] : [])];
      if (!requireKernelNet(t, tools)) return;
      const net = await makeKernelNet(kind, kind === 'vxlan' ? 'v6v' : 'v6u', 6);
      t.after(() => net.close());
      const dir = mkdtempSync(join(tmpdir(), 'wirestack-link-v6-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      assert.ok(
        net.linkArgs.includes(`${kind}:[fd99::2]:${LINK_PORT}@[fd99::1]:${LINK_PORT}`),
        net.linkArgs.join(' '),
      );
      const counted = countUnderlay(net);

      const server = runWirestack(net, [], 'link-app.cjs', ['serve']);
      t.after(() => server.stop());
      await server.line(/^ready$/);
      assertKernelPingsWirestack(net);
      await server.stop();
      await download(t, net, 4, payload(dir, 4 * MiB), [], 30_000);
      await download(t, net, 6, payload(dir, 4 * MiB), [], 30_000);

      const ping = runWirestack(net, [], 'link-app.cjs', ['ping', KERNEL_V4, KERNEL_V6]);
      t.after(() => ping.stop());
      assert.equal((await ping.line(new RegExp(`^ping ${KERNEL_V4} (\\w+)`)))[1], 'ok');
      assert.equal((await ping.line(new RegExp(`^ping ${KERNEL_V6} (\\w+)`)))[1], 'ok');
      assert.equal(await ping.exited, 0);
      await upload(t, net, 4, 4 * MiB, [], 30_000);
      await upload(t, net, 6, 4 * MiB, [], 30_000);

      const { v4, v6 } = counted();
      assert.equal(v4, 0, 'no datagram of the link in IPv4');
      assert.ok(v6 > 4 * 1000, `${v6} datagrams of the link in IPv6`);
    });
  });
}
