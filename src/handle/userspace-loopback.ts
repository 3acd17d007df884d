/**
 * The process-wide userspace stack of `WIRESTACK_TRANSPORT=userspace`: one
 * host with its loopback interface (127.0.0.1/8 and ::1; `localhost`
 * resolves to both, as on the host), run in real time from Node's event
 * loop, made on first use.
 *
 * With `WIRESTACK_LINK` (and `WIRESTACK_ADDRESSES`, `WIRESTACK_GATEWAYS`,
 * `WIRESTACK_LINK_MTU`, `WIRESTACK_VNI`, `WIRESTACK_FAULTS`; see
 * ../link/config.ts and docs/links.md), the host also has an interface on
 * that link to the kernel (VXLAN or bare IP over a host UDP socket), with
 * its addresses, default routes and faults; names other than `localhost`
 * and IP literals then resolve through the host's resolver (`dns.lookup`).
 *
 * With `WIRESTACK_PCAP=FILE`, packets are written to FILE (libpcap,
 * wall-clock time stamps) as they go: the link's frames both ways when
 * there is a link (Ethernet for VXLAN, raw IP for `udp`), else every
 * loopback packet.
 */
import { randomInt } from 'node:crypto';
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { attachLink } from '../link/attach.js';
import { Capture } from '../link/capture.js';
import { formatLinkSpec, linkConfigFromEnv, openLink } from '../link/config.js';
import type { PacketLink } from '../link/packet-link.js';
import { SimClock } from '../link/sim/clock.js';
import { ClockDriver } from '../link/sim/driver.js';
import { SimHost } from '../link/sim/host.js';
import type { LookupAddress } from './types.js';
import { createUserspaceTransport, HostsTable, type UserspaceTransport } from './userspace.js';

/** Linux's tcp_wmem[2] and tcp_rmem[2]: where autotuning takes a loopback connection's buffers. */
const LOOPBACK_SEND_BUFFER = 4 * 1024 * 1024;
const LOOPBACK_RECEIVE_BUFFER = 6 * 1024 * 1024;

let loopback: UserspaceTransport | null = null;
/** The link of `WIRESTACK_LINK`, once the stack is made (null without one). */
let processLink: PacketLink | null = null;

/** The link the process-wide stack runs on (`WIRESTACK_LINK`), or null. */
export function processLinkOf(): PacketLink | null {
  return processLink;
}

/** Names that are neither IP literals nor in the hosts table: the host's resolver. */
function hostResolver(
  hostname: string,
  family: 0 | 4 | 6,
  cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
): void {
  dns.lookup(hostname, { family, all: true }, (err, addresses) => {
    cb(err, err ? [] : addresses.map((a) => ({ address: a.address, family: a.family as 4 | 6 })));
  });
}

/** The process's userspace transport (made, and its clock started, on first call). */
export function loopbackTransport(): UserspaceTransport {
  if (loopback !== null) return loopback;
  const config = linkConfigFromEnv(process.env);
  const origin = performance.now();
  const clock = new SimClock(() => performance.now() - origin);
  // A random seed, as the kernel's: ephemeral ports and ISNs must not repeat from run to run,
  // nor from one process to the next (two processes listening on port 0 get different ports).
  // Buffers as large as Linux lets a loopback connection's grow (tcp_wmem[2], tcp_rmem[2]):
  // a large write goes into the send buffer at once, as into the kernel's. They hold no
  // memory until used.
  const host = new SimHost('localhost', clock, {
    seed: randomInt(1, 0x7fffffff),
    tcp: { sendBufferSize: LOOPBACK_SEND_BUFFER, receiveBufferSize: LOOPBACK_RECEIVE_BUFFER },
  });
  const pcap = process.env.WIRESTACK_PCAP;
  if (config !== null) {
    const link = openLink(config, {
      clock,
      onerror: (err) => {
        process.stderr.write(`wirestack: link ${formatLinkSpec(config)}: ${err.message}\n`);
        process.exit(1);
      },
    });
    const iface = attachLink(host, link, {
      name: 'eth0',
      addresses: config.addresses,
      gateways: config.gateways,
    });
    processLink = link;
    if (pcap !== undefined && pcap !== '') {
      const capture = new Capture({
        linkType: link.medium === 'ethernet' ? 'ethernet' : 'raw',
        path: pcap,
        keep: false,
        epochMs: Date.now(),
      });
      iface.taps.push((time, frame) => capture.record(time, frame));
    }
  } else if (pcap !== undefined && pcap !== '') {
    // Loopback packets pass the interface twice (out, then in): each is written once.
    const capture = new Capture({ linkType: 'raw', path: pcap, keep: false, epochMs: Date.now() });
    host.stack.loopback.taps.push((time, packet, direction) => {
      if (direction === 'out') capture.record(time, packet);
    });
  }
  // The driver's timers are unref'd: open sockets keep the process alive, as on the host.
  new ClockDriver(clock).start();
  loopback = createUserspaceTransport({
    name: 'localhost',
    stack: host.stack,
    now: () => clock.now(),
    hosts: new HostsTable(),
    resolve: config !== null ? hostResolver : undefined,
  });
  return loopback;
}
