/**
 * A busy little scenario for capture tests: ARP, NDP, ping both ways over
 * IPv4 and IPv6, UDP both families, an 8 KiB datagram (fragments), a port
 * unreachable, broadcast and multicast (IGMP, MLD) — over a link with
 * faults from a seeded PRNG.
 */
import { Capture } from '../../src/link/capture.js';
import type { LinkConditions } from '../../src/link/sim/link.js';
import { SimNetwork } from '../../src/link/sim/network.js';
import { parseIp } from '../../src/stack/address.js';

export interface ScenarioResult {
  pcap: Uint8Array;
  loopbackPcap: Uint8Array;
  frames: number;
}

export function runScenario(
  seed: number,
  conditions: Partial<LinkConditions> = {},
): ScenarioResult {
  const net = new SimNetwork({ seed });
  const link = net.link({ latencyMs: 2, jitterMs: 1, ...conditions });
  const a = net.host('alpha');
  const b = net.host('beta');
  a.attach(link.a, net.nextMac(), ['10.0.0.1/24', 'fd00::1/64']);
  b.attach(link.b, net.nextMac(), ['10.0.0.2/24', 'fd00::2/64']);
  const capture = net.capture();
  const loCapture = new Capture({ linkType: 'raw' });
  a.stack.loopback.taps.push((time, frame, direction) => {
    if (direction === 'out') loCapture.record(time, frame);
  });
  const ip = (t: string) => parseIp(t)!;
  const text = (t: string) => new TextEncoder().encode(t);
  const now = () => net.clock.now();

  const server4 = b.stack.udp.open(4);
  server4.bind(null, 8000);
  server4.ondatagram = (_data, src, port) => {
    server4.send([text('exit')], src, port, now());
  };
  const server6 = b.stack.udp.open(6);
  server6.bind(null, 8000, { v6Only: true });
  server6.ondatagram = (data, src, port) => server6.send([data], src, port, now());
  const member = b.stack.udp.open(4);
  member.bind(null, 5300);
  member.addMembership(ip('239.255.0.1'), null, now());
  const member6 = b.stack.udp.open(6);
  member6.bind(null, 5354);
  member6.addMembership(ip('ff15::1'), null, now());

  const client = a.stack.udp.open(4);
  client.bind(null, 8001);
  client.broadcast = true;
  const client6 = a.stack.udp.open(6);
  const echo = a.stack.echo.open();
  const echoB = b.stack.echo.open();
  for (let i = 0; i < 3; i++) {
    client.send([text(`Hello World ${i}`)], ip('10.0.0.2'), 8000, now());
    client6.send([text(`Hello six ${i}`)], ip('fd00::2'), 8000, now());
    echo.send(ip('10.0.0.2'), i, text('ping'), now());
    echo.send(ip('fd00::2'), i, text('ping6'), now());
    echoB.send(ip('10.0.0.1'), i, text('pong'), now());
    net.clock.advance(20);
  }
  client.send([new Uint8Array(8192).fill(0x5a)], ip('10.0.0.2'), 8000, now());
  client6.send([new Uint8Array(8192).fill(0x6b)], ip('fd00::2'), 8000, now());
  client.send([text('nobody')], ip('10.0.0.2'), 9, now());
  client6.send([text('nobody6')], ip('fd00::2'), 9, now());
  client.send([text('to all')], ip('255.255.255.255'), 5300, now());
  client.send([text('to group')], ip('239.255.0.1'), 5300, now());
  client6.send([text('to group6')], ip('ff15::1'), 5354, now());
  client.send([text('loop')], ip('127.0.0.1'), 8001, now());
  member.dropMembership(ip('239.255.0.1'), null, now());
  net.clock.advance(5000);
  capture.close();
  return { pcap: capture.bytes(), loopbackPcap: loCapture.bytes(), frames: capture.packets };
}
