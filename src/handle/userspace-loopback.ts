/**
 * The process-wide userspace stack of `WIRESTACK_TRANSPORT=userspace`: one
 * host with only its loopback interface (127.0.0.1/8 and ::1; `localhost`
 * resolves to both, as on the host), run in real time from Node's event
 * loop. Made on first use. With `WIRESTACK_PCAP=FILE`, every packet it
 * sends is written to FILE (libpcap, raw IP, wall-clock time stamps) as it
 * goes.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Capture } from '../link/capture.js';
import { SimClock } from '../link/sim/clock.js';
import { ClockDriver } from '../link/sim/driver.js';
import { SimHost } from '../link/sim/host.js';
import { createUserspaceTransport, HostsTable, type UserspaceTransport } from './userspace.js';

let loopback: UserspaceTransport | null = null;

/** The process's loopback-only userspace transport (made, and its clock started, on first call). */
export function loopbackTransport(): UserspaceTransport {
  if (loopback !== null) return loopback;
  const origin = performance.now();
  const clock = new SimClock(() => performance.now() - origin);
  const host = new SimHost('localhost', clock);
  const pcap = process.env.WIRESTACK_PCAP;
  if (pcap !== undefined && pcap !== '') {
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
  });
  return loopback;
}
