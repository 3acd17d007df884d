/**
 * Runs every differential scenario against one device under test and
 * prints the observations as JSON (one object: scenario → observation):
 *
 *   node --import tsx runner.ts kernel      (inside a network namespace, as root)
 *   node --import tsx runner.ts wirestack
 *
 * kernel: socat relays between a TUN device (10.78.0.1/24) and the driver's
 * UDP socket, one IP packet per datagram; the agent is Node's own `net`.
 * wirestack: a userspace stack with an IP interface (10.78.0.1/24) wired
 * straight to the driver, in real time; the agent is wirestack's `net`
 * bound to that stack. Everything else is the same code.
 */
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as nodeNet from 'node:net';
import { performance } from 'node:perf_hooks';
import { bindNet } from '../../../src/bind-transport.js';
import { createUserspaceTransport, HostsTable } from '../../../src/handle/userspace.js';
import { attachLink } from '../../../src/link/attach.js';
import type { PacketLink } from '../../../src/link/packet-link.js';
import { SimClock } from '../../../src/link/sim/clock.js';
import { ClockDriver } from '../../../src/link/sim/driver.js';
import { SimHost } from '../../../src/link/sim/host.js';
import { Agent, type NetModule } from './agent.js';
import { Driver } from './driver.js';
import { type Observation, SCENARIOS } from './scenarios.js';

interface Dut {
  driver: Driver;
  net: NetModule;
  close(): void;
}

async function kernelDut(): Promise<Dut> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const relayPort = socket.address().port + 1;
  const socat = spawn(
    'socat',
    [
      `UDP:127.0.0.1:${socket.address().port},bind=127.0.0.1:${relayPort}`,
      'TUN:10.78.0.1/24,tun-name=pi0,tun-type=tun,iff-no-pi,iff-up',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // Wait for the device to exist.
  for (let i = 0; i < 100; i++) {
    if (nodeNet.isIPv4('10.78.0.1') && (await linkExists('pi0'))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const driver = new Driver((packet) => socket.send(packet, relayPort, '127.0.0.1'));
  socket.on('message', (msg) => driver.receive(new Uint8Array(msg)));
  return {
    driver,
    net: nodeNet,
    close() {
      socat.kill();
      socket.close();
    },
  };
}

function linkExists(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ip = spawn('ip', ['link', 'show', name], { stdio: 'ignore' });
    ip.on('exit', (code) => resolve(code === 0));
  });
}

function wirestackDut(): Dut {
  const origin = performance.now();
  const clock = new SimClock(() => performance.now() - origin);
  const host = new SimHost('dut', clock);
  const clockDriver = new ClockDriver(clock);
  clockDriver.start();
  let driver: Driver | null = null;
  const link: PacketLink = {
    medium: 'ip',
    mtu: 1500,
    onframe: null,
    // Frames cross on the next turn of the loop, as through a socket.
    send: (frame) => setImmediate(() => driver?.receive(frame)),
    close: () => {},
  };
  attachLink(host, link, { addresses: ['10.78.0.1/24'], name: 'pi0' });
  driver = new Driver((packet) => setImmediate(() => link.onframe?.(packet)));
  const transport = createUserspaceTransport({
    name: 'dut',
    stack: host.stack,
    now: () => clock.now(),
    hosts: new HostsTable(),
  });
  return {
    driver,
    net: bindNet(transport) as unknown as NetModule,
    close() {
      clockDriver.stop();
    },
  };
}

export async function runAll(kind: 'kernel' | 'wirestack'): Promise<Record<string, Observation>> {
  const dut = kind === 'kernel' ? await kernelDut() : wirestackDut();
  const results: Record<string, Observation> = {};
  let index = 0;
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const agent = new Agent(dut.net);
    dut.driver.clear();
    try {
      results[name] = await scenario({
        driver: dut.driver,
        agent,
        port: 20000 + index,
        peerPort: 40000 + index,
      });
    } catch (err) {
      results[name] = { failed: err instanceof Error ? err.message : String(err) };
    }
    index++;
    await agent.closeAll();
  }
  dut.close();
  return results;
}

if (require.main === module) {
  const kind = process.argv[2] === 'kernel' ? 'kernel' : 'wirestack';
  void runAll(kind).then((results) => {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    process.exit(0);
  });
}
