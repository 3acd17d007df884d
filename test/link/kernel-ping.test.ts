/**
 * Links to the kernel, both kinds (VXLAN to the kernel's vxlan device, bare
 * IP over UDP to socat's TUN relay): ping both ways over IPv4 and IPv6 (ARP
 * and NDP resolve on the VXLAN link; the bare IP link needs none), and UDP
 * both ways, with a program run by `wirestack run --link ...` in its own
 * network namespace. See test/link/kernel-net.ts for the network.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertKernelPingsWirestack,
  KERNEL_V4,
  KERNEL_V6,
  type KernelLinkKind,
  makeKernelNet,
  requireKernelNet,
  runWirestack,
  startProc,
  WIRESTACK_V4,
  WIRESTACK_V6,
} from './kernel-net.js';

for (const kind of ['vxlan', 'udp'] as KernelLinkKind[]) {
  describe(`kernel link: ${kind}`, { timeout: 60_000 }, () => {
    test('ping both ways, IPv4 and IPv6; UDP both ways', async (t) => {
      const tools = ['ping', 'socat', ...(kind === 'vxlan' ? ['ethtool'] : [])];
      if (!requireKernelNet(t, tools)) return;
      const net = await makeKernelNet(kind, kind === 'vxlan' ? 'pv' : 'pu');
      t.after(() => net.close());

      const server = runWirestack(net, [], 'link-app.cjs', ['serve']);
      t.after(() => server.stop());
      await server.line(/^ready$/);

      // The kernel pings wirestack (the first request waits for ARP / NDP).
      assertKernelPingsWirestack(net);

      // UDP: the kernel to wirestack's echo, then wirestack to a kernel echo.
      for (const address of [WIRESTACK_V4, `[${WIRESTACK_V6}]`]) {
        const family = address.startsWith('[') ? 'UDP6' : 'UDP4';
        const reply = startProc(
          'ip',
          net.inNs(net.kernelNs, 'socat', ['-T', '3', 'STDIO', `${family}:${address}:7000`]),
        );
        t.after(() => reply.stop());
        reply.child.stdin!.write('hello from the kernel\n');
        const m = await reply.line(/^echo (.*)$/, 5000);
        assert.equal(m[1], 'hello from the kernel');
        await reply.stop();
      }
      // wirestack pings the kernel: the link is one host's, so the server goes first.
      await server.stop();
      const ping = runWirestack(net, [], 'link-app.cjs', ['ping', KERNEL_V4, KERNEL_V6]);
      t.after(() => ping.stop());
      assert.equal((await ping.line(new RegExp(`^ping ${KERNEL_V4} (\\w+)`)))[1], 'ok');
      assert.equal((await ping.line(new RegExp(`^ping ${KERNEL_V6} (\\w+)`)))[1], 'ok');
      assert.equal(await ping.exited, 0);

      for (const [family, address] of [
        ['UDP4', KERNEL_V4],
        ['UDP6', KERNEL_V6],
      ] as const) {
        const echo = startProc(
          'ip',
          net.inNs(net.kernelNs, 'socat', ['-T', '5', `${family}-LISTEN:7001`, 'EXEC:cat']),
        );
        t.after(() => echo.stop());
        await new Promise((r) => setTimeout(r, 200));
        const client = runWirestack(net, [], 'link-app.cjs', ['udp', address, '7001']);
        t.after(() => client.stop());
        assert.equal((await client.line(/^udp reply (.*)$/))[1], 'hello from wirestack');
        assert.equal(await client.exited, 0);
        await echo.stop();
      }
    });
  });
}
